"""Reverse-mode differentiation over the recorded graph.

The graph is ordered without recursion (a 100,000-op chain must not hit Python's recursion
limit). Gradients for a node's output are summed before the node runs, so each node's
backward is called once. Leaves accumulate into ``.grad``; ``autograd.grad`` instead
returns the gradients of the requested inputs and leaves ``.grad`` alone.
"""
from . import grad_mode
from .function import _FREED_MSG


def _toposort(roots):
    """Nodes reachable from ``roots``, each after every node that feeds it a gradient."""
    order = []
    seen = set()
    for root in roots:
        if id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            stack.append((node, True))
            inputs = node.inputs
            if inputs is None:
                continue
            for t in inputs:
                fn = t.grad_fn
                if fn is not None and id(fn) not in seen:
                    seen.add(id(fn))
                    stack.append((fn, False))
    order.reverse()  # roots first
    return order


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None, accumulate=True):
    """Backpropagate ``grad_tensors`` from ``tensors``.

    With ``accumulate`` the leaves' ``.grad`` (restricted to ``inputs`` if given) is updated.
    Without it, the gradients of ``inputs`` are returned, in order, and nothing is stored.
    """
    from ..tensor import Tensor
    wanted = None if inputs is None else {id(t): i for i, t in enumerate(inputs)}
    captured = [None] * len(inputs) if inputs is not None else None
    # non-leaf tensors whose gradient is requested are identified by their node
    wanted_nodes = {}
    if inputs is not None:
        for i, t in enumerate(inputs):
            if t.grad_fn is not None:
                wanted_nodes.setdefault(id(t.grad_fn), []).append(i)

    pending = {}      # id(node) -> summed gradient of its output
    leaf_grads = {}   # id(leaf) -> [leaf, summed gradient]
    roots = []

    def add_leaf(t, g):
        entry = leaf_grads.get(id(t))
        if entry is None:
            leaf_grads[id(t)] = [t, g]
        else:
            entry[1] = entry[1] + g

    prev = grad_mode.enabled
    grad_mode.enabled = create_graph
    try:
        for t, g in zip(tensors, grad_tensors):
            fn = t.grad_fn
            if fn is None:
                if t.requires_grad:
                    add_leaf(t, g)
                continue
            if fn.inputs is None:
                raise RuntimeError(_FREED_MSG)
            key = id(fn)
            pending[key] = pending[key] + g if key in pending else g
            roots.append(fn)

        for node in _toposort(roots):
            grad = pending.pop(id(node), None)
            if grad is None:
                continue
            if node.inputs is None:
                raise RuntimeError(_FREED_MSG)
            if node.hooks:
                for hook in node.hooks:
                    new = hook(grad)
                    if new is not None:
                        grad = new
            idx = wanted_nodes.get(id(node))
            if idx is not None:
                for i in idx:
                    captured[i] = grad
            node.check_versions()
            grads = node.backward(grad)
            if type(grads) is not tuple:
                grads = (grads,)
            for t, g in zip(node.inputs, grads):
                if g is None or not t._requires_grad:
                    continue
                if type(g) is not Tensor:
                    raise TypeError(f"{node.backward_name} returned a gradient of type {type(g).__name__}, "
                                    "expected a Tensor")
                fn = t.grad_fn
                if fn is None:
                    add_leaf(t, g)
                else:
                    key = id(fn)
                    pending[key] = pending[key] + g if key in pending else g
            if not retain_graph:
                node.release()
    finally:
        grad_mode.enabled = prev

    used_arrays = {id(g.array) for g in grad_tensors}
    for t, g in leaf_grads.values():
        if wanted is not None and id(t) in wanted:
            if accumulate:
                _accumulate(t, g, create_graph, used_arrays)
            else:
                captured[wanted[id(t)]] = _run_tensor_hooks(t, g)
        elif wanted is None:
            _accumulate(t, g, create_graph, used_arrays)
    return captured


def _run_tensor_hooks(t, g):
    if t._hooks:
        for hook in t._hooks:
            new = hook(g)
            if new is not None:
                g = new
    return g


def _accumulate(t, g, create_graph, used_arrays):
    g = _run_tensor_hooks(t, g)
    if g.shape != t.shape:
        raise RuntimeError(f"the gradient for a tensor of shape {tuple(t.shape)} has shape {tuple(g.shape)}; "
                           "a hook or custom backward returned the wrong shape")
    if t.grad is None:
        if create_graph:
            t.grad = g
        else:
            # .grad must own its array: optimizers and zero_grad() write into it in place,
            # and the same array may have been handed to another leaf or by the caller.
            arr = g.array
            if id(arr) in used_arrays or arr.base is not None:
                arr = arr.copy()
            used_arrays.add(id(arr))
            t.grad = type(g)._make(arr)
    elif create_graph:
        t.grad = t.grad + g
    else:
        t.grad = t.grad.detach() + g.detach()
