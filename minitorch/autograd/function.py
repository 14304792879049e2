"""Graph nodes.

``Op`` is the engine's own op pattern: ``forward`` sees arrays, ``backward`` sees Tensors.
Because backward is written with Tensor ops, it records a graph itself when
``create_graph=True``, which is what makes higher derivatives work.

``Function`` is torch's public API for custom ops (static ``forward(ctx, ...)`` and
``backward(ctx, ...)``, ``apply``), built on the same node.
"""
import numpy as _np

from . import grad_mode
from .. import tensor as _tensor_module

_np_ndarray, _np_generic = _np.ndarray, _np.generic

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
    """

    __slots__ = ('inputs', 'versions', 'out', 'hooks', '__weakref__')

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

    def __init__(self):
        pass

    def __call__(self, *inputs):
        """Run forward on the inputs' arrays and, when recording, link the output to this node."""
        if len(inputs) > 1:
            _check_same_device(inputs)
        out = self.forward(*[t.array for t in inputs])
        if type(out) is not _np_ndarray and isinstance(out, _np_generic):
            out = _np.asarray(out)  # numpy hands back scalars from 0-d results; tensors hold arrays
        Tensor = _tensor_module.Tensor
        if grad_mode.enabled:
            for t in inputs:
                if t._requires_grad:
                    return self._record(inputs, out)
        result = Tensor._make(out)
        if self.is_view:
            result._version = inputs[0]._version
            result._base = inputs[0]._base or inputs[0]
        return result

    def _record(self, inputs, out):
        Tensor = _tensor_module.Tensor
        self.inputs = inputs
        self.hooks = None
        saves = self.saves
        if saves is None:
            self.versions = [(t._version, t._version[0]) for t in inputs]
        else:
            self.versions = [(inputs[i]._version, inputs[i]._version[0]) for i in saves]
        result = Tensor._make(out, True, self)
        if self.is_view:
            result._version = inputs[0]._version
            result._base = inputs[0]._base or inputs[0]
        if self.saves_output:
            self.out = out
            self.versions.append((result._version, result._version[0]))
        return result

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
        for t in self.inputs:
            if t.grad_fn is not None:
                result.append((t.grad_fn, 0))
            elif t.requires_grad:
                result.append((AccumulateGrad(t), 0))
            else:
                result.append((None, 0))
        return tuple(result)

    def register_hook(self, fn):
        """fn(grad_output) -> new grad or None, called before this node's backward."""
        if self.hooks is None:
            self.hooks = []
        self.hooks.append(fn)
        return _RemovableHandle(self.hooks, fn)

    def check_versions(self):
        for box, seen in self.versions:
            if box[0] != seen:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: output of {self.backward_name} is at version {box[0]}; "
                    f"expected version {seen} instead. Hint: an in-place op (add_, mul_, x[i] = ..., "
                    "+=) changed a tensor after it was used; use the out-of-place form or clone() it first.")

    def release(self):
        """Free what backward needed; a second backward through this node then raises."""
        self.inputs = None
        self.out = None


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


def _check_same_device(inputs):
    first = type(inputs[0].array)
    for t in inputs[1:]:
        if type(t.array) is not first or (first is not _np_ndarray and t.device != inputs[0].device):
            raise RuntimeError(
                "Expected all tensors to be on the same device, but found at least two devices, "
                f"{t.device} and {inputs[0].device}! Move them with .to(device) first.")




# -- torch's public custom-function API -----------------------------------------------------

class _CustomNode(Op):
    """The ctx of a custom Function call, and its node in the graph."""

    def __init__(self, fn_cls, n_args, tensor_positions):
        self.fn_cls = fn_cls
        self.backward_name = fn_cls.__name__ + 'Backward'
        self.n_args = n_args
        self.tensor_positions = tensor_positions
        self.to_save = ()
        self.needs_input_grad = ()
        self.non_differentiable = set()
        self.materialize_grads = True
        self.inputs = None
        self.versions = []
        self.hooks = None
        self.out = None

    def save_for_backward(self, *tensors):
        """Keep tensors for backward; an in-place change to one of them makes backward raise."""
        self.to_save = tensors

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable.update(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        self.materialize_grads = value

    def mark_dirty(self, *tensors):
        pass

    @property
    def saved_tensors(self):
        if self.inputs is None and self.to_save is None:
            raise RuntimeError(_FREED_MSG)
        return self.to_save

    def backward(self, grad):
        grads = self.fn_cls.backward(self, grad)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != self.n_args:
            raise RuntimeError(
                f"function {self.backward_name} returned an incorrect number of gradients "
                f"(expected {self.n_args}, got {len(grads)})")
        return tuple(grads[i] for i in self.tensor_positions)

    def release(self):
        super().release()
        self.to_save = None


class _FunctionMeta(type):
    pass


class Function(metaclass=_FunctionMeta):
    """Base class for custom differentiable operations, as torch's ``autograd.Function``.

    Subclass it with static methods ``forward(ctx, *args)`` and ``backward(ctx, *grads)``
    and call ``MyFn.apply(*args)``. In ``forward`` call ``ctx.save_for_backward(...)``; in
    ``backward`` read ``ctx.saved_tensors`` and ``ctx.needs_input_grad`` and return one
    gradient per forward argument (``None`` for non-tensors).
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args):
        Tensor = _tensor_module.Tensor
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        tensors = tuple(args[i] for i in positions)
        ctx = _CustomNode(cls, len(args), positions)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with grad_mode.no_grad():
            out = cls.forward(ctx, *args)
        record = grad_mode.enabled and any(t.requires_grad for t in tensors)
        if isinstance(out, tuple):
            if record:
                raise NotImplementedError(
                    "minitorch custom Functions support one output tensor; return a single tensor "
                    "(e.g. stack the results) or write the op with Tensor operations.")
            return out
        if not record or id(out) in ctx.non_differentiable:
            return out
        ctx.inputs = tensors
        ctx.versions = [(t._version, t._version[0]) for t in ctx.to_save if t is not None]
        return Tensor._make(out.array, True, ctx)
