"""Reverse-mode differentiation over the recorded graph.

Nodes run from the most recently recorded down, taken from a heap as their first gradient
arrives: every node's edges lead to older nodes, so that is a topological order, found without
a separate pass and without recursion (a 100,000-op chain must not hit Python's recursion
limit). Gradients for a node's output are summed before the node runs, so each node's
backward is called once. Leaves accumulate into ``.grad``; ``autograd.grad`` instead
returns the gradients of the requested inputs and leaves ``.grad`` alone.
"""
from heapq import heapify, heappop, heappush

from . import grad_mode
from .. import tensor as _tensor_module
from .function import _FREED_MSG, _as_tensor


def _toposort(roots):
    """Nodes reachable from ``roots``, each before every node it sends a gradient to (roots first).
    Only ``autograd.grad(..., inputs)`` needs it: to find the part of the graph that leads there."""
    order = []
    seen = set()
    stack = [(root, False) for root in reversed(roots)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        # marked when expanded, not when pushed: a node pushed early but reached again along a
        # longer path must finish after that path, or it runs before all its gradient has arrived
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        if node.inputs is None:
            continue  # freed: the main loop raises if a gradient reaches it
        for fn in node.edges:
            if fn is not None and fn not in seen:
                stack.append((fn, False))
    order.reverse()
    return order


def _nodes_to_run(order, leaf_ids, input_nodes):
    """The nodes whose backward leads to one of the wanted tensors (when ``inputs`` is given)."""
    run = set()
    for node in reversed(order):  # every node after the nodes that feed it
        for t, fn in zip(node.inputs or (), node.edges):
            if fn is None:
                if id(t) in leaf_ids:
                    run.add(node)
                    break
            elif fn in run or fn in input_nodes:
                run.add(node)
                break
    return run


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None, accumulate=True):
    """Backpropagate ``grad_tensors`` from ``tensors``.

    With ``accumulate`` the leaves' ``.grad`` (restricted to ``inputs`` if given) is updated.
    Without it, the gradients of ``inputs`` are returned, in order, and nothing is stored.
    With ``inputs``, only the part of the graph that leads to them runs (and is freed).

    This is the one place that picks how gradients flow. With ``create_graph`` they are Tensors
    and each node runs its Tensor-level ``backward``, which records the graph of the gradient
    (for higher derivatives). Without it nothing would be recorded anyway, so they flow as plain
    arrays through ``backward_arrays``: the common ops do their gradient maths straight on
    arrays, skipping an Op and a Tensor for every step of it (most of the cost on small tensors).
    Gradients become Tensors again where user code sees them: hooks, ``.grad``, the result.
    """
    as_arrays = not create_graph
    pending = {}      # node -> summed gradient of its output
    leaf_grads = {}   # id(leaf) -> (leaf, summed gradient)

    roots = []
    for t, g in zip(tensors, grad_tensors):
        if as_arrays:
            g = g.array
        fn = t.grad_fn
        if fn is None:
            entry = leaf_grads.get(id(t))
            leaf_grads[id(t)] = (t, g if entry is None else entry[1] + g)
        elif fn in pending:
            pending[fn] = pending[fn] + g
        else:
            if fn.inputs is None:
                raise RuntimeError(_FREED_MSG)
            pending[fn] = g
            roots.append(fn)

    captured = input_nodes = run = None
    if inputs is not None:
        captured = [None] * len(inputs)
        input_nodes = {}  # node -> indexes of the non-leaf inputs it made
        for i, t in enumerate(inputs):
            if t.grad_fn is not None:
                input_nodes.setdefault(t.grad_fn, []).append(i)
        run = _nodes_to_run(_toposort(roots), {id(t) for t in inputs if t.grad_fn is None}, input_nodes)

    # Nodes run from the most recently recorded down (a node's edges lead to older nodes), so a
    # node runs after every node that sends it a gradient; a node joins the queue when its first
    # gradient arrives, so no separate pass over the graph is needed.
    queue = [(-fn.seq, fn) for fn in roots]
    heapify(queue)
    prev = grad_mode.enabled
    grad_mode.enabled = create_graph  # backward records a graph only for higher-order gradients
    try:
        while queue:
            node = heappop(queue)[1]
            grad = pending.pop(node)
            if run is not None and node not in run and node not in input_nodes:
                continue
            node_inputs = node.inputs
            if node_inputs is None:
                raise RuntimeError(_FREED_MSG)
            if node.hooks:
                grad = _run_node_hooks(node.hooks, grad, as_arrays)
            if input_nodes:
                idx = input_nodes.get(node)
                if idx is not None:
                    for i in idx:
                        captured[i] = grad
                    if node not in run:
                        continue
            for box, seen in node.versions:
                if box[0] != seen:
                    raise node.version_error()
            if as_arrays:
                grads = node.backward_arrays(grad)
            else:
                grads = node.tensor_grads(grad)
            for t, fn, g in zip(node_inputs, node.edges, grads):
                if g is None or not t._requires_grad:
                    continue
                if fn is None:
                    entry = leaf_grads.get(id(t))
                    leaf_grads[id(t)] = (t, g if entry is None else entry[1] + g)
                else:
                    summed = pending.get(fn)
                    if summed is None:
                        pending[fn] = g
                        heappush(queue, (-fn.seq, fn))
                    else:
                        pending[fn] = summed + g
            if not retain_graph:
                node.release()
    finally:
        grad_mode.enabled = prev

    if as_arrays and captured:
        captured = [None if g is None else _as_tensor(g) for g in captured]
    root_arrays = {id(g.array) for g in grad_tensors}
    wanted = None if inputs is None else {id(t): i for i, t in enumerate(inputs)}
    for t, g in leaf_grads.values():
        if as_arrays:
            g = _as_tensor(g)  # a new Tensor, which .grad may take as it is
        if wanted is None:
            _accumulate(t, g, create_graph, root_arrays, as_arrays)
        elif id(t) in wanted:
            if accumulate:
                _accumulate(t, g, create_graph, root_arrays, as_arrays)
            else:
                captured[wanted[id(t)]] = _run_tensor_hooks(t, g)
    return captured


def _run_node_hooks(hooks, grad, as_arrays):
    """A node's hooks, in turn, on its output's gradient (as a Tensor); a returned tensor replaces it."""
    g = _as_tensor(grad) if as_arrays else grad
    for hook in hooks:
        new = hook(g)
        if new is not None:
            g = new
    return g.array if as_arrays else g


def _run_tensor_hooks(t, g):
    if t._hooks:
        for hook in t._hooks:
            new = hook(g)
            if new is not None:
                g = new
    return g


def _accumulate(t, g, create_graph, used_arrays, fresh=False):
    """Add ``g`` into leaf ``t``'s ``.grad``, after the leaf's hooks. ``fresh``: g is a Tensor the
    engine just made, which nobody else holds."""
    if t._hooks:
        new = _run_tensor_hooks(t, g)
        fresh = fresh and new is g
        g = new
    if g.array.shape != t.array.shape:
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
                fresh = False
            used_arrays.add(id(arr))
            t.grad = g if fresh and g.grad_fn is None else type(g)._make(arr)
    elif create_graph:
        t.grad = t.grad + g
    else:
        grad = t.grad
        arr = grad.array
        if grad.grad_fn is None and arr.dtype == g.array.dtype and arr.flags.writeable:
            # in place, as torch: a reference the caller kept to .grad sees the new sum
            arr += g.array
            grad._version_counter[0] += 1
        else:
            t.grad = grad.detach() + g.detach()
