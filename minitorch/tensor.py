"""The Tensor: an array, and what autograd needs to know about it.

``Tensor.array`` is the numpy (CPU) or cupy (CUDA) array holding the values; ``dtype``
and ``device`` are read off it. ``grad_fn`` is the node that made the tensor (None for
leaves); ``_version_counter`` is a one-item list shared with views, bumped by every
in-place write, so backward can tell that a tensor it saved was modified (``_version``
reads it as an int, as torch's does).

Methods are one-liners into ``minitorch.ops``; the maths lives there.
"""
import numpy as np

from . import _dtype, _backend
from . import autograd as _autograd
from .autograd import grad_mode
from .autograd.function import RetainGrad as _RetainGrad, _RemovableHandle

_new = object.__new__


class Tensor:
    """A multi-dimensional array that records the operations applied to it for autograd."""

    __slots__ = ('array', 'grad', '_requires_grad', 'grad_fn', '_version_counter', '_base', '_hooks', '__weakref__')
    __array_priority__ = 1000  # numpy scalars and arrays defer to our reflected operators

    def __new__(cls, *args, device=None):
        # torch's legacy constructor: Tensor(data) copies data as float32; Tensor(2, 3) is uninitialised
        return _creation.legacy_new(args, None, device)

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
        t._version_counter = [0]
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
        """The size in bytes of one element."""
        return self.array.itemsize

    @property
    def itemsize(self):
        return self.array.itemsize

    @property
    def nbytes(self):
        return self.array.nbytes

    def stride(self, dim=None):
        """The step in elements between neighbours along each dim (or along ``dim``)."""
        if self.array.size:
            steps = tuple(s // self.array.itemsize for s in self.array.strides)
        else:  # numpy gives empty arrays zero strides; torch those of a contiguous layout
            steps, step = (), 1
            for n in reversed(self.array.shape):
                steps, step = (step,) + steps, step * max(n, 1)
        return steps if dim is None else steps[_ops_util.wrap_dim(dim, self.array.ndim)]

    def storage_offset(self):
        """How many elements into its memory block this tensor starts (non-zero for some views)."""
        root = self.array
        while isinstance(root.base, type(self.array)):
            root = root.base
        return (_data_ptr(self.array) - _data_ptr(root)) // self.array.itemsize

    def data_ptr(self):
        """The address of the first element."""
        return _data_ptr(self.array)

    @property
    def is_leaf(self):
        return self.grad_fn is None

    def is_floating_point(self):
        """True if the dtype is a floating point type (float16, float32, float64)."""
        return self.array.dtype.kind == 'f'

    def is_contiguous(self, memory_format=None):
        """True if the elements are laid out in memory in row-major order without gaps."""
        return bool(self.array.flags.c_contiguous)

    @property
    def data(self):
        """A tensor sharing this one's values, detached and not tracked by version checks (as torch's ``.data``)."""
        return Tensor._make(self.array)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self.array = value.array

    @property
    def requires_grad(self):
        """Whether operations on this tensor are recorded for autograd."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if value and self.array.dtype.kind not in 'fc':
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients "
                               f"(this one is {self.dtype}); convert it first, e.g. x = x.float()")
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
        """The values as (nested) Python lists of numbers; a number for a 0-d tensor."""
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
            how_many = 'no values' if self.array.size == 0 else 'more than one value'
            raise RuntimeError(f"Boolean value of Tensor with {how_many} is ambiguous; "
                               "reduce it first with .any() or .all()")
        return bool(self.item())

    def __float__(self):
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def _scalar(self):
        if self.array.size != 1:
            raise ValueError(f"only one element tensors can be converted to Python scalars (this one has "
                             f"{self.array.size}); index one element first, e.g. float(x[0])")
        return self.item()

    def __index__(self):
        if self.array.dtype.kind not in 'iub' or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __hash__(self):
        return id(self)

    def __repr__(self):
        return _repr.tensor_repr(self)

    def __format__(self, format_spec):
        # as torch: a 0-d tensor formats as its number, so f"{loss:.4f}" works
        if self.array.ndim == 0:
            return self.item().__format__(format_spec)
        return object.__format__(self, format_spec)

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
        """Compute the gradient of this tensor w.r.t. the graph leaves and accumulate it into their ``.grad``.

        ``gradient`` is needed unless the tensor holds a single element; ``retain_graph`` keeps
        the graph for another backward; ``create_graph`` records the backward itself (for
        higher-order gradients); ``inputs`` restricts accumulation to these tensors.
        """
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """A new tensor sharing this one's values, cut from the graph."""
        t = Tensor._make(self.array)
        t._version_counter = self._version_counter  # same memory, so in-place writes show in both
        return t

    def detach_(self):
        """Detach this tensor from the graph that created it, making it a leaf, in place."""
        if self._base is not None and self._base.requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` in place (leaves only) and return self."""
        if requires_grad and self.array.dtype.kind != 'f':
            raise RuntimeError(f"only Tensors of floating point dtype can require gradients (this one is "
                               f"{self.dtype}); convert it first, e.g. x = x.float().requires_grad_()")
        self.requires_grad = requires_grad
        return self

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward (leaves keep it anyway)."""
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if not self.retains_grad:
            self.grad_fn.register_hook(_RetainGrad(self))

    @property
    def retains_grad(self):
        """True for a non-leaf tensor whose ``.grad`` is kept by ``retain_grad()``."""
        hooks = self.grad_fn.hooks if self.grad_fn is not None else None
        return bool(hooks) and type(hooks[-1]) is _RetainGrad and hooks[-1].ref() is self

    @property
    def _version(self):
        """How many times this tensor's memory was written in place (shared with its views)."""
        return self._version_counter[0]

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor replaces it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn.register_hook(hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _RemovableHandle(self._hooks, hook)

    # -- dtype and device conversion -------------------------------------------------------
    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``; returns self when nothing changes."""
        return _convert.to(self, *args, **kwargs)

    def type(self, dtype=None):
        """With no argument, the type name (``'torch.FloatTensor'``); else a copy of the given dtype."""
        return _convert.type_(self, dtype)

    def float(self):
        """``self.to(minitorch.float32)``; the other casts below are the same for their dtypes."""
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

    def char(self):
        return _convert.cast(self, _dtype.int8)

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

    def contiguous(self, memory_format=None):
        """Self when already contiguous in memory, else a contiguous copy."""
        return self if self.array.flags.c_contiguous else _ew.clone(self)

    # -- new tensors like this one (same dtype and device unless given) ---------------------
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        """A new tensor from ``data`` with this tensor's dtype and device unless given."""
        return _creation.tensor(data, dtype or self.dtype, device or self.device, requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.zeros(*size, dtype=dtype or self.dtype, device=device or self.device,
                               requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.ones(*size, dtype=dtype or self.dtype, device=device or self.device,
                              requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return _creation.empty(*size, dtype=dtype or self.dtype, device=device or self.device,
                               requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        return _creation.full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                              requires_grad=requires_grad)


class Size(tuple):
    """The shape of a tensor: a tuple that prints as torch's ``Size([2, 3])``.

    Slicing, ``+`` and ``*`` give Sizes again, as in torch.
    """

    def __repr__(self):
        return f"minitorch.Size({list(self)})"

    __str__ = __repr__

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if type(index) is slice else item

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple.__add__(other, self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


def _data_ptr(array):
    return array.__array_interface__['data'][0] if type(array) is np.ndarray else array.data.ptr


def _rebuild(array, requires_grad, device):
    from . import _creation as c
    return c.tensor(array, device=device, requires_grad=requires_grad)


from . import _creation, _repr  # noqa: E402
from .ops import _util as _ops_util, convert as _convert, elementwise as _ew  # noqa: E402
from . import _tensor_methods  # noqa: E402,F401  (attaches the op methods and operators)
