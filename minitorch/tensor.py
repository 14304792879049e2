"""The Tensor: an array, and what autograd needs to know about it.

``Tensor.array`` is the numpy (CPU) or cupy (CUDA) array holding the values; ``dtype``
and ``device`` are read off it. ``grad_fn`` is the node that made the tensor (None for
leaves); ``_version`` is a one-item list shared with views, bumped by every in-place
write, so backward can tell that a tensor it saved was modified.

Methods are one-liners into ``minitorch.ops``; the maths lives there.
"""
import numpy as np

from . import _dtype, _backend
from .autograd import grad_mode

_new = object.__new__


class Tensor:
    """A multi-dimensional array that records the operations applied to it for autograd."""

    __slots__ = ('array', 'grad', '_requires_grad', 'grad_fn', '_version', '_base', '_hooks', '__weakref__')
    __array_priority__ = 1000  # numpy scalars and arrays defer to our reflected operators

    def __new__(cls, *args, dtype=None, device=None, requires_grad=False):
        # torch's legacy constructor: Tensor(data) copies data as float32; Tensor(2, 3) is uninitialised
        return _creation.legacy_new(cls, args, dtype, device, requires_grad)

    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def _make(array, requires_grad=False, grad_fn=None):
        """Wrap an array without copying (the engine's fast constructor)."""
        t = _new(Tensor)
        t.array = array
        t.grad = None
        t._requires_grad = requires_grad
        t.grad_fn = grad_fn
        t._version = [0]
        t._base = None
        t._hooks = None
        return t

    # -- attributes ------------------------------------------------------------------------
    @property
    def dtype(self):
        return _dtype.from_numpy(self.array.dtype)

    @property
    def device(self):
        return _backend.device_of(self.array)

    @property
    def is_cuda(self):
        return self.device.type == 'cuda'

    @property
    def shape(self):
        return Size(self.array.shape)

    def size(self, dim=None):
        """The shape as a ``Size`` (a tuple), or the length of one dimension."""
        if dim is None:
            return Size(self.array.shape)
        return self.array.shape[_ops_util.wrap_dim(dim, self.array.ndim)]

    def dim(self):
        return self.array.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self.array.ndim

    def numel(self):
        return int(self.array.size)

    nelement = numel

    def element_size(self):
        return self.array.itemsize

    @property
    def is_leaf(self):
        return self.grad_fn is None

    def is_floating_point(self):
        return self.array.dtype.kind == 'f'

    def is_contiguous(self):
        return bool(self.array.flags.c_contiguous)

    @property
    def data(self):
        """A tensor sharing this one's values, detached and not tracked by version checks (as torch's ``.data``)."""
        return Tensor._make(self.array)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self.array = value.array

    @property
    def requires_grad(self):
        """Whether operations on this tensor are recorded for autograd."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if value and self.array.dtype.kind not in 'fc':
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients "
                               f"(this one is {self.dtype}); convert it first, e.g. x.float()")
        if not value and self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to "
                               "use a computed variable in a subgraph that doesn't require differentiation "
                               "use var_no_grad = var.detach().")
        self._requires_grad = bool(value)

    # -- conversion to Python and numpy ----------------------------------------------------
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.array.size != 1:
            raise RuntimeError(f"a Tensor with {self.array.size} elements cannot be converted to Scalar; "
                               "use .tolist() for all values, or index one element first (x[0].item())")
        return _backend.to_numpy(self.array).reshape(()).item()

    def tolist(self):
        return _backend.to_numpy(self.array).tolist()

    def numpy(self, force=False):
        """The values as a numpy array sharing memory with this tensor (CPU only)."""
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if type(self.array) is not np.ndarray:
            if not force:
                raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to "
                                "copy the tensor to host memory first.")
            return _backend.to_numpy(self.array)
        return self.array

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    def __len__(self):
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self):
        if self.array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self):
        if self.array.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.array.size} values is ambiguous; "
                               "use .any() or .all()")
        return bool(self.item())

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.array.dtype.kind not in 'iub' or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __hash__(self):
        return id(self)

    def __repr__(self):
        return _repr.tensor_repr(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (_backend.to_numpy(self.array), self.requires_grad, str(self.device)))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol at the moment.")
        new = Tensor._make(self.array.copy(), self.requires_grad)
        if type(self) is not Tensor:
            new = type(self).__new__(type(self), new, self.requires_grad)
        if self.grad is not None:
            new.grad = self.grad.clone()
        memo[id(self)] = new
        return new

    # -- autograd --------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate the gradient of this tensor into the ``.grad`` of the leaves that require grad."""
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """A new tensor sharing this one's values, cut from the graph."""
        t = Tensor._make(self.array)
        t._version = self._version
        return t

    def detach_(self):
        if self._base is not None and self._base.requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` in place (leaves only) and return self."""
        self.requires_grad = requires_grad
        return self

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if self.grad_fn is None:
            if not self.requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if getattr(self.grad_fn, '_retains', None) is not None:
            return
        import weakref
        ref = weakref.ref(self)

        def keep(grad):
            t = ref()
            if t is not None:
                t.grad = grad.detach() if t.grad is None else t.grad.detach() + grad.detach()
        self.grad_fn.register_hook(keep)

    @property
    def retains_grad(self):
        return self.grad_fn is not None and bool(self.grad_fn.hooks) and any(
            getattr(h, '__name__', '') == 'keep' for h in self.grad_fn.hooks)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor replaces it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn.register_hook(hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        from .autograd.function import _RemovableHandle
        return _RemovableHandle(self._hooks, hook)

    # -- dtype and device conversion -------------------------------------------------------
    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``; returns self when nothing changes."""
        return _convert.to(self, *args, **kwargs)

    def type(self, dtype=None):
        return _convert.type_(self, dtype)

    def float(self):
        return _convert.cast(self, _dtype.float32)

    def double(self):
        return _convert.cast(self, _dtype.float64)

    def half(self):
        return _convert.cast(self, _dtype.float16)

    def long(self):
        return _convert.cast(self, _dtype.int64)

    def int(self):
        return _convert.cast(self, _dtype.int32)

    def short(self):
        return _convert.cast(self, _dtype.int16)

    def byte(self):
        return _convert.cast(self, _dtype.uint8)

    def bool(self):
        return _convert.cast(self, _dtype.bool_)

    def cpu(self):
        return _convert.to(self, 'cpu')

    def cuda(self, device=None):
        return _convert.to(self, 'cuda' if device is None else _backend.as_device(device))

    def clone(self):
        return _ew.clone(self)

    def contiguous(self):
        return self if self.array.flags.c_contiguous else _ew.clone(self)


class Size(tuple):
    """The shape of a tensor: a tuple that prints as torch's ``Size([2, 3])``."""

    def __repr__(self):
        return f"minitorch.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


def _rebuild(array, requires_grad, device):
    from . import _creation as c
    return c.tensor(array, device=device, requires_grad=requires_grad)


from . import _creation, _repr  # noqa: E402
from .ops import _util as _ops_util, convert as _convert, elementwise as _ew  # noqa: E402
from . import _tensor_methods  # noqa: E402,F401  (attaches the op methods and operators)
