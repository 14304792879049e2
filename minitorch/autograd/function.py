"""Graph nodes.

``Op`` is the engine's own op pattern: ``forward`` sees arrays, ``backward`` sees Tensors.
Because backward is written with Tensor ops, it records a graph itself when
``create_graph=True``, which is what makes higher derivatives work.

``Function`` is torch's public API for custom ops (static ``forward(ctx, ...)`` and
``backward(ctx, ...)``, ``apply``), built on the same node.
"""
import itertools
import weakref

import numpy as _np

from . import grad_mode
from .. import tensor as _tensor_module, _backend

_np_ndarray, _np_generic = _np.ndarray, _np.generic
# Every node takes the next number when it is recorded. Its edges lead to nodes recorded before
# it, so running nodes from the highest number down is a topological order (the engine's).
_next_seq = itertools.count().__next__

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward.")


class Op:
    """A recorded operation: the node of the backward graph that made one output tensor.

    Subclasses implement ``forward(*arrays) -> array`` and ``backward(grad) -> grads`` (one
    per input, ``None`` where an input needs none). ``self.inputs`` holds the input Tensors
    while the graph is alive; ``self.output()`` rebuilds the output Tensor for ops whose
    gradient is best written with it (exp, tanh, sigmoid, softmax).

    ``edges`` holds each input's ``grad_fn`` as it was when this node was recorded: where the
    gradient goes. (A later in-place op gives an input tensor a new ``grad_fn``; that must not
    reroute this node's gradient, as torch's graph edges are fixed too.)

    ``versions`` holds ``(version counter, version when saved)`` for every tensor backward
    reads; the engine compares them before calling backward, so a tensor modified in place
    after it was saved makes backward raise instead of silently using the new values.
    """

    __slots__ = ('inputs', 'edges', 'seq', 'versions', 'out', 'hooks', '__weakref__')

    # Which inputs backward reads (their in-place modification then makes backward raise).
    # None means all of them.
    saves = None
    saves_output = False
    # A view op's output shares memory and version counter with its first input.
    is_view = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if 'backward_name' not in cls.__dict__:
            cls.backward_name = cls.__name__ + 'Backward0'

    def __call__(self, *inputs):
        """Run forward on the inputs' arrays and, when recording, link the output to this node."""
        # This is the hot path of every op: unary and binary calls avoid building a list.
        if len(inputs) == 1:
            out = self.forward(inputs[0].array)
        elif len(inputs) == 2:
            a, b = inputs[0].array, inputs[1].array
            if type(a) is not _np_ndarray or type(b) is not _np_ndarray:
                _check_same_device(inputs)
            out = self.forward(a, b)
        else:
            _check_same_device(inputs)
            out = self.forward(*[t.array for t in inputs])
        if type(out) is not _np_ndarray and isinstance(out, _np_generic):
            out = _np.asarray(out)  # numpy hands back scalars from 0-d results; tensors hold arrays
        if grad_mode.enabled:
            for t in inputs:
                if t._requires_grad:
                    return self._record(inputs, out)
        result = _tensor_module.Tensor._make(out)
        if self.is_view:
            _share_memory(result, inputs[0])
        return result

    def _record(self, inputs, out):
        saves = self.saves
        self.seq = _next_seq()
        if len(inputs) == 2:
            self.edges = (inputs[0].grad_fn, inputs[1].grad_fn)
        elif len(inputs) == 1:
            self.edges = (inputs[0].grad_fn,)
        else:
            self.edges = tuple([t.grad_fn for t in inputs])
        if saves is None:
            self.inputs = inputs
            self.versions = [(t._version_counter, t._version_counter[0]) for t in inputs]
        else:
            # small results skip the search for unread inputs: it would cost more than it frees
            self.inputs = inputs if out.nbytes < STUB_BYTES else _drop_unread(inputs, saves)
            self.versions = [(inputs[i]._version_counter, inputs[i]._version_counter[0]) for i in saves] if saves else ()
        self.hooks = None
        result = _tensor_module.Tensor._make(out, True, self)
        if self.is_view:
            _share_memory(result, inputs[0])
        if self.saves_output:
            self.out = out
            self.versions = [*self.versions, (result._version_counter, result._version_counter[0])]
        return result

    def backward_arrays(self, grad):
        """The gradients as arrays, for a backward that records nothing (``create_graph=False``).

        ``grad`` is an array; the result holds an array or None per input. This default runs the
        Tensor-level ``backward``; the common ops override it with the same maths on arrays,
        which skips building a Tensor and an Op for every step of their gradient. Where that
        maths reads only ``grad`` and plain numbers, ``backward_arrays = backward`` reuses it.
        """
        Tensor = _tensor_module.Tensor
        return tuple(g.array if isinstance(g, Tensor) else g for g in self.tensor_grads(_as_tensor(grad)))

    def tensor_grads(self, grad):
        """``backward(grad)`` as a tuple, one entry per input, checked: each a Tensor (or the
        gradients of a multi-output node) or None."""
        grads = self.backward(grad)
        if type(grads) is not tuple:
            grads = (grads,)
        Tensor = _tensor_module.Tensor
        for t, g in zip(self.inputs, grads):
            if g is not None and t._requires_grad and not isinstance(g, (Tensor, _SlotGrads)):
                raise TypeError(f"{self.backward_name} returned a gradient of type {type(g).__name__}, "
                                "expected a Tensor (or None)")
        return grads

    # -- used by backward implementations ----------------------------------------------
    def output(self):
        """The output Tensor, rebuilt from the saved array (keeps no reference cycle)."""
        return _tensor_module.Tensor._make(self.out, True, self)

    def name(self):
        return self.backward_name

    def __repr__(self):
        return f'<{self.backward_name} object at {hex(id(self))}>'

    @property
    def next_functions(self):
        """(node, 0) pairs for the inputs, as torch shows them (leaves appear as AccumulateGrad)."""
        if self.inputs is None:
            return ()
        result = []
        for t, fn in zip(self.inputs, self.edges):
            if fn is not None:
                result.append((fn, 0))
            elif t.requires_grad:
                result.append((AccumulateGrad(t), 0))
            else:
                result.append((None, 0))
        return tuple(result)

    def register_hook(self, fn):
        """fn(grad_output) -> new grad or None, called before this node's backward."""
        if self.hooks is None:
            self.hooks = []
        hooks = self.hooks
        # retain_grad() keeps the gradient after every hook, as torch does: it stays last
        if hooks and type(hooks[-1]) is RetainGrad:
            hooks.insert(len(hooks) - 1, fn)
        else:
            hooks.append(fn)
        return _RemovableHandle(hooks, fn)

    def version_error(self):
        """torch's error for a saved tensor that was modified in place after it was saved."""
        for box, seen in self.versions:
            if box[0] != seen:
                return RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: a tensor saved by {self.backward_name} is at version {box[0]}; "
                    f"expected version {seen} instead. Hint: an in-place op (add_, mul_, x[i] = ..., "
                    "+=, or an optimizer step) changed it after it was used; use the out-of-place form, "
                    "clone() it first, or run backward before modifying it.")

    def release(self):
        """Free what backward needed; a second backward through this node then raises."""
        self.inputs = None
        self.out = None


class RetainGrad:
    """The hook that ``Tensor.retain_grad()`` puts on a non-leaf's node: it stores the
    gradient (after all other hooks) in the tensor's ``.grad``, accumulating like a leaf."""

    def __init__(self, tensor):
        self.ref = weakref.ref(tensor)  # the graph must not keep the tensor alive

    def __call__(self, grad):
        t = self.ref()
        if t is not None:
            grad = grad.detach() if not grad_mode.enabled else grad
            t.grad = grad if t.grad is None else t.grad + grad


class AccumulateGrad:
    """Stands for a leaf in ``next_functions``, as in torch."""
    backward_name = 'AccumulateGrad'

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return 'AccumulateGrad'

    def __repr__(self):
        return f'<AccumulateGrad object at {hex(id(self))}>'


class _RemovableHandle:
    def __init__(self, container, item):
        self._container, self._item = container, item

    def remove(self):
        try:
            self._container.remove(self._item)
        except ValueError:
            pass


def _as_tensor(grad):
    """A gradient flowing as an array, wrapped for code that expects a Tensor (hooks, Tensor-level
    backward, what the engine hands back); a multi-output node's ``_SlotGrads`` passes as it is."""
    if type(grad) is _SlotGrads:
        return grad
    if isinstance(grad, _np_generic):
        grad = _np.asarray(grad)  # numpy arithmetic on 0-d arrays gives scalars; tensors hold arrays
    return _tensor_module.Tensor._make(grad)


# Inputs a node does not read are replaced by memory-free stubs from this size on (smaller arrays
# cost more to stub than to keep). The test suite sets 0, so that an op whose ``saves`` forgets
# an input it reads gets zeros and fails its torch comparison.
STUB_BYTES = 4096


def _drop_unread(inputs, saves):
    """The input tensors a node keeps when backward reads only those in ``saves``: every other
    intermediate result (a non-leaf) is replaced by a stand-in with the same shape, dtype and
    ``grad_fn`` but no memory, so it is freed as soon as forward no longer needs it (a
    convolution's output under a ReLU, say). Leaves and constants stay: the caller holds them."""
    kept = None
    for i, t in enumerate(inputs):
        if i in saves or t.grad_fn is None or t.array.nbytes < STUB_BYTES:
            continue
        if kept is None:
            kept = list(inputs)
        kept[i] = stand_in = _tensor_module.Tensor._make(_backend.stub(t.array), True, t.grad_fn)
        stand_in._version_counter = t._version_counter
    return inputs if kept is None else tuple(kept)


def _share_memory(view, base):
    """A view reads and writes its base's memory, so it shares the base's version counter."""
    view._version_counter = base._version_counter
    view._base = base if base._base is None else base._base


def _check_same_device(inputs):
    first = type(inputs[0].array)
    for t in inputs[1:]:
        if type(t.array) is not first or (first is not _np_ndarray and t.device != inputs[0].device):
            devices = sorted({str(t.device), str(inputs[0].device)}, key=lambda d: d == 'cpu')  # as torch: cuda:0 and cpu
            raise RuntimeError(
                "Expected all tensors to be on the same device, but found at least two devices, "
                f"{devices[0]} and {devices[1]}! Move them with .to(device) first.")


# -- torch's public custom-function API -----------------------------------------------------

class FunctionCtx(Op):
    """The ``ctx`` of one custom Function call, and its node in the graph.

    A Function with several outputs gets one ``_OutputSlot`` node per differentiable output;
    each slot hands its gradient up as a ``_SlotGrads`` so this node's backward runs once
    with every output's gradient.
    """

    def __init__(self, fn_cls, args):
        Tensor = _tensor_module.Tensor
        self.fn_cls = fn_cls
        self.backward_name = fn_cls.__name__ + 'Backward'
        self.n_args = len(args)
        self.tensor_positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        self.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        self.to_save = ()
        self.saved_outputs = {}        # index in to_save -> output index (rebuilt on access)
        self.non_differentiable = set()
        self.dirty = set()
        self.materialize_grads = True
        self.n_outputs = 1
        self.out_arrays = ()
        self.out_nodes = ()
        self.inputs = None
        self.edges = ()
        self.versions = ()
        self.hooks = None
        self.out = None

    def save_for_backward(self, *tensors):
        """Keep tensors (inputs or outputs of forward, or None) for backward; an in-place change
        to one of them before backward makes backward raise."""
        self.to_save = tensors

    def mark_non_differentiable(self, *tensors):
        """Mark outputs (e.g. indices) that get no gradient: they won't require grad."""
        self.non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        """Mark inputs that forward modified in place (and returns as outputs)."""
        self.dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        """With False, backward gets None (not zeros) for outputs that received no gradient."""
        self.materialize_grads = value

    @property
    def saved_tensors(self):
        """The tensors given to ``save_for_backward``, as they were saved."""
        if self.to_save is None:
            raise RuntimeError(_FREED_MSG)
        if not self.saved_outputs:
            return self.to_save
        saved = list(self.to_save)
        for i, k in self.saved_outputs.items():
            saved[i] = self._rebuild_output(k)
        return tuple(saved)

    def _rebuild_output(self, k):
        # an output saved for backward is rebuilt with its grad_fn, so double backward sees
        # how it depends on the inputs (storing the output itself would make a reference cycle)
        Tensor = _tensor_module.Tensor
        if self.n_outputs == 1:
            return Tensor._make(self.out_arrays[0], True, self)
        node = self.out_nodes[k]() if self.out_nodes[k] is not None else None
        return Tensor._make(self.out_arrays[k], node is not None, node)

    def version_error(self):
        for t, (box, seen) in zip(self.to_save, self.versions):
            if box[0] != seen:
                return RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: a tensor saved by {self.backward_name} is at version {box[0]}; "
                    f"expected version {seen} instead. Hint: don't modify tensors given to "
                    "ctx.save_for_backward() before backward; clone() them first.")

    def backward(self, grad):
        if self.n_outputs == 1:
            grads = (grad,)
        else:
            grads = grad.grads if type(grad) is _SlotGrads else [None] * self.n_outputs
        if self.materialize_grads:
            grads = [g if g is not None or a is None else _tensor_module.Tensor._make(_backend.xp_of(a).zeros_like(a))
                     for g, a in zip(grads, self.out_arrays)]
        result = self.fn_cls.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        if len(result) != self.n_args:
            raise RuntimeError(
                f"function {self.backward_name} returned an incorrect number of gradients "
                f"(expected {self.n_args}, got {len(result)})")
        grads = []
        for i, t in zip(self.tensor_positions, self.inputs):
            g = result[i]
            if g is not None and t._requires_grad:
                if g.shape != t.shape:
                    g = _reduce_to_shape(g, t, self.backward_name, i)
                if g.array.dtype != t.array.dtype:
                    g = g.to(t.dtype)  # as torch: a gradient has its input's dtype
            grads.append(g)
        return tuple(grads)

    def release(self):
        super().release()
        self.to_save = None


def _reduce_to_shape(g, t, name, i):
    """A custom backward may return a gradient broadcast to a bigger shape; torch sums it back."""
    from ..ops.broadcast import sum_to
    try:
        if _np.broadcast_shapes(g.shape, t.shape) == tuple(g.shape):
            return sum_to(g, tuple(t.shape))
    except ValueError:
        pass
    raise RuntimeError(f"Function {name} returned an invalid gradient at index {i} - got {list(g.shape)} but "
                       f"expected shape compatible with {list(t.shape)}")


class _OutputSlot(Op):
    """The node of output ``index`` of a custom Function with several outputs."""
    saves = ()

    def __init__(self, ctx, index, hidden):
        self.backward_name = ctx.backward_name
        self.index, self.n = index, ctx.n_outputs
        self.inputs = (hidden,)  # a tensor standing for all the outputs, whose grad_fn is ctx
        self.edges = (ctx,)
        self.seq = _next_seq()
        self.versions = ()
        self.hooks = None
        self.out = None

    def backward(self, grad):
        grads = [None] * self.n
        grads[self.index] = grad
        return (_SlotGrads(grads),)


class _SlotGrads:
    """The gradients of a multi-output node's outputs, as they flow to it; adding two sums per slot."""
    __slots__ = ('grads',)

    def __init__(self, grads):
        self.grads = grads

    def __add__(self, other):
        return _SlotGrads([a if b is None else b if a is None else a + b
                           for a, b in zip(self.grads, other.grads)])


class Function:
    """Base class for custom differentiable operations, as torch's ``autograd.Function``.

    Subclass it with static methods ``forward(ctx, *args)`` and ``backward(ctx, *grads)``
    and call ``MyFn.apply(*args)``. In ``forward`` call ``ctx.save_for_backward(...)``; in
    ``backward`` read ``ctx.saved_tensors`` and ``ctx.needs_input_grad`` and return one
    gradient per forward argument (``None`` for non-tensors). ``forward`` may return a
    tuple of tensors; ``backward`` then gets one gradient per output.
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Optional (torch 2 style): save for backward here, with ``forward(*args)`` taking no ctx."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args):
        """Run ``forward`` (not recorded) and link its outputs to a node that calls ``backward``."""
        Tensor = _tensor_module.Tensor
        ctx = FunctionCtx(cls, args)
        with grad_mode.no_grad():
            if cls.setup_context is not Function.setup_context:
                out = cls.forward(*args)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args)
        tensors = tuple(args[i] for i in ctx.tensor_positions)
        if not (grad_mode.enabled and any(t._requires_grad for t in tensors)):
            return out
        _link(ctx, tensors)
        multi = isinstance(out, tuple)
        outs = out if multi else (out,)
        results = list(outs)
        ctx.n_outputs = len(outs)
        ctx.out_arrays = tuple(o.array if isinstance(o, Tensor) else None for o in outs)
        out_index = {id(o): k for k, o in enumerate(outs) if isinstance(o, Tensor)}
        ctx.saved_outputs = {i: out_index[id(t)] for i, t in enumerate(ctx.to_save) if id(t) in out_index}
        hidden = Tensor._make(None, True, ctx) if multi else None
        nodes = []
        for k, o in enumerate(outs):
            if not isinstance(o, Tensor) or id(o) in ctx.non_differentiable:
                nodes.append(None)
                continue
            node = _OutputSlot(ctx, k, hidden) if multi else ctx
            nodes.append(weakref.ref(node) if multi else None)
            if id(o) in ctx.dirty:
                o.grad_fn, o._requires_grad = node, True  # the modified input now comes from this node
            else:
                results[k] = r = Tensor._make(o.array, True, node)
                r._version_counter = o._version_counter  # same memory: a saved output stays watched
        ctx.out_nodes = tuple(nodes)
        return tuple(results) if multi else results[0]


def _link(ctx, tensors):
    """Give ctx its inputs and the versions of what it saved; check in-place (dirty) inputs."""
    Tensor = _tensor_module.Tensor
    inputs = list(tensors)
    for k, t in enumerate(tensors):
        if id(t) in ctx.dirty:
            if t._requires_grad and t.grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
            # backward sees the input as it was: a tensor with the old history (the values are gone,
            # so saving a dirty input for backward would be caught by its version counter)
            old = Tensor._make(t.array, t._requires_grad, t.grad_fn)
            old._version_counter = t._version_counter
            inputs[k] = old
            t._version_counter[0] += 1
    ctx.inputs = tuple(inputs)
    ctx.edges = tuple([t.grad_fn for t in inputs])
    ctx.seq = _next_seq()
    ctx.versions = [(t._version_counter, t._version_counter[0]) if t is not None else ([0], 0)
                    for t in ctx.to_save]
