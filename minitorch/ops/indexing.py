"""Indexing: ``x[index]`` in every form, gather/scatter, masks.

torch reads an index in two steps, and so do we. Ints, slices, ``None`` and ``...`` make a
*view* (``BasicIndex``, sharing memory and version counter); integer and boolean tensors
then pick elements from that view (``AdvancedIndex``, a copy). The split matters where
numpy would differ: numpy treats an int next to an index array as one more array, so
``x[1, :, [0, 1]]`` moves the picked dim to the front in numpy but not in torch.

Gradients go back by writing into zeros: plain assignment where the positions are unique
(slices, one boolean mask), scatter-add where an index may repeat (``np.add.at``). Each
backward kernel is an op whose own backward is the forward indexing, so second
derivatives work.
"""
import functools
import warnings

import numpy as np

from ..autograd.function import Op
from .. import _backend, _dtype
from ._util import _make, Tensor, wrap_dim, cast
from .broadcast import sum_to, broadcast_to, broadcast_shapes

_INTS = (int, np.integer)
_ONLY = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices"
_INDEX_DTYPES = "tensors used as indices must be long, int, byte or bool tensors"


# -- the ops ------------------------------------------------------------------------------------

class BasicIndex(Op):
    """``x[ints, slices, None, ...]``: a view; the gradient is written into zeros of x's shape."""
    saves = ()
    is_view = True
    backward_name = 'SliceBackward0'

    def __init__(self, index):
        self.index = index

    def forward(self, a):
        self.in_shape = a.shape
        return a[self.index]

    def backward(self, grad):
        return (BasicIndexBackward(self.index, self.in_shape)(grad),)


class Select(BasicIndex):
    """A basic index with an int in it (``x[0]``, ``x[:, 2]``), named as torch names it."""
    backward_name = 'SelectBackward0'


class BasicIndexBackward(Op):
    """Zeros of ``shape`` with ``grad`` written at a basic index (its positions never repeat)."""
    saves = ()

    def __init__(self, index, shape):
        self.index, self.shape = index, shape

    def forward(self, g):
        out = _backend.xp_of(g).zeros(self.shape, g.dtype)
        out[self.index] = g
        return out

    def backward(self, grad):
        return (BasicIndex(self.index)(grad),)


class AdvancedIndex(Op):
    """``x[arrays...]`` with numpy's advanced indexing (a copy); the gradient is scatter-added back."""
    saves = ()
    backward_name = 'IndexBackward0'

    def __init__(self, index, unique=False):
        self.index, self.unique = index, unique

    def forward(self, a):
        self.in_shape = a.shape
        return a[self.index]

    def backward(self, grad):
        return (IndexPut(self.index, self.in_shape, self.unique)(grad),)


class IndexPut(Op):
    """Zeros of ``shape`` plus ``g`` added at ``index``; repeated positions sum (unless known unique)."""
    saves = ()
    backward_name = 'IndexPutBackward0'

    def __init__(self, index, shape, unique=False):
        self.index, self.shape, self.unique = index, shape, unique

    def forward(self, g):
        out = _backend.xp_of(g).zeros(self.shape, g.dtype)
        if self.unique:
            out[self.index] = g
        else:
            _backend.scatter_add(out, self.index, g)
        return out

    def backward(self, grad):
        return (AdvancedIndex(self.index, self.unique)(grad),)


class SetItem(Op):
    """``old`` with ``value`` written at a parsed index: ``old`` gets the gradient outside it, ``value`` inside."""
    saves = ()
    backward_name = 'CopySlices'

    def __init__(self, index):
        self.index = index  # (basic, advanced, unique) from parse_index

    def forward(self, old, value):
        out = old.copy()
        write(out, self.index, value)
        return out

    def backward(self, grad):
        old, value = self.inputs
        g_old = g_value = None
        if old._requires_grad:
            zero = _make(_backend.xp_of(grad.array).zeros((), grad.array.dtype))
            g_old = type(self)(self.index)(grad, zero)
        if value._requires_grad:
            g_value = _sum_to_value(index_parsed(grad, self.index), value.array.shape)
        return g_old, g_value


class Scatter(SetItem):
    backward_name = 'ScatterBackward0'


class ScatterReduce(Op):
    """``scatter(..., reduce='add'|'multiply')``: forward only; torch has no gradient for it either."""
    saves = ()
    backward_name = 'NotImplemented'

    def __init__(self, index, ufunc):
        self.index, self.ufunc = index, ufunc

    def forward(self, a, src):
        out = a.copy()
        self.ufunc.at(out, self.index, src)
        return out

    def backward(self, grad):
        raise RuntimeError("the derivative for 'scatter' with reduce is not implemented; use scatter_add "
                           "(for reduce='add') or write the update with differentiable ops")


class ScatterAdd(Op):
    """``t`` plus ``src`` added at an index covering every dim; repeated positions sum."""
    saves = ()

    def __init__(self, index):
        self.index = index

    def forward(self, a, src):
        out = a.copy()
        _backend.scatter_add(out, self.index, src)
        return out

    def backward(self, grad):
        a, src = self.inputs
        picked = Gather(self.index)(grad) if src._requires_grad else None
        return grad, picked


class Gather(AdvancedIndex):
    backward_name = 'GatherBackward0'


class IndexSelect(AdvancedIndex):
    backward_name = 'IndexSelectBackward0'


class MaskedSelect(AdvancedIndex):
    backward_name = 'MaskedSelectBackward0'


def _sum_to_value(g, shape):
    """Reduce the gradient of a written slot to the value's shape (the value may carry extra leading 1s)."""
    extra = len(shape) - g.array.ndim
    if extra <= 0:
        return sum_to(g, shape)
    return sum_to(g, shape[extra:]).reshape(shape)


# -- reading an index the way torch does ----------------------------------------------------------

def _as_index_array(obj, like):
    """An int or bool numpy/cupy array for an index tensor, array or list; IndexError for other dtypes."""
    if isinstance(obj, Tensor):
        arr = obj.array
    elif isinstance(obj, (list, tuple)):
        arr = np.asarray(obj) if len(obj) else np.zeros(0, np.int64)
    else:
        arr = obj
    kind = arr.dtype.kind
    if kind == 'u' and arr.dtype.itemsize == 1:
        arr = arr.astype(bool)  # torch's deprecated byte masks
    elif kind not in 'biu':
        raise IndexError(_INDEX_DTYPES + f" (got {arr.dtype}); convert it with .long() or .bool()")
    if type(like) is not type(arr):
        arr = _backend.xp_of(like).asarray(arr)
    return arr


def _sequence_as_tuple(index):
    """torch (as old numpy) reads ``x[[a, b]]`` as ``x[a, b]`` when the list holds tensors, lists or slices."""
    if len(index) >= 32:
        return False
    for item in index:
        if item is None or item is Ellipsis or isinstance(item, (slice, list, tuple, Tensor, np.ndarray)):
            return True
    return False


def _slice(s):
    """A slice with plain-int bounds (they may be 0-d tensors); torch allows only positive steps."""
    start, stop, step = s.start, s.stop, s.step
    if step is not None:
        step = step.__index__()
        if step <= 0:
            raise ValueError("step must be greater than zero" if step else "slice step cannot be zero")
    if start is not None and type(start) is not int:
        start = start.__index__()
    if stop is not None and type(stop) is not int:
        stop = stop.__index__()
    return slice(start, stop, step)


def _items(t, index):
    """The index as a list of ints, slices, None, Ellipsis and index arrays."""
    if type(index) is tuple:
        raw = index
    elif type(index) is list and _sequence_as_tuple(index):
        warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated (as in torch); "
                      "use x[tuple(seq)] instead of x[seq]", UserWarning, stacklevel=4)
        raw = tuple(index)
    else:
        raw = (index,)
    items = []
    for i in raw:
        if type(i) is int or i is None or i is Ellipsis:
            items.append(i)
        elif isinstance(i, bool):
            items.append(np.array(i))  # a 0-d mask: adds a dim of size 1 (True) or 0 (False)
        elif isinstance(i, _INTS):
            items.append(int(i))
        elif isinstance(i, slice):
            items.append(_slice(i))
        elif isinstance(i, (Tensor, np.ndarray, list, tuple)):
            arr = _as_index_array(i, t.array)
            # a 0-d integer tensor is an int (torch selects with it, keeping the result a view)
            items.append(int(arr) if arr.ndim == 0 and arr.dtype.kind != 'b' else arr)
        else:
            raise IndexError(f"{_ONLY} (got {type(i).__name__})")
    return items


def parse_index(t, index):
    """Split a torch index of ``t`` into ``(basic, advanced, unique)``.

    ``basic`` is a tuple of ints/slices/None for the view step; ``advanced`` is None (a pure
    view) or a tuple indexing that view, with arrays where the index had tensors or lists
    and ``slice(None)`` elsewhere; ``unique`` says that the advanced part picks each element
    at most once (one boolean mask). Raises torch's errors for out-of-range ints and for
    boolean masks whose shape does not fit.
    """
    shape = t.array.shape
    if type(index) is not tuple:
        if type(index) is int and shape and -shape[0] <= index < shape[0] or \
                type(index) is slice and shape and index.step is None:
            return (index, Ellipsis), None, False
    elif _simple(index, shape) is not None:
        return index + (Ellipsis,), None, False
    items = _items(t, index)
    ndim = len(shape)
    used = 0
    ellipsis = False
    for i in items:
        if i is Ellipsis:
            ellipsis = True
        elif i is not None:
            used += i.ndim if type(i) is not int and type(i) is not slice and i.dtype.kind == 'b' else 1
    if used > ndim:
        if ndim == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim} (got {used} indices for shape "
                         f"{list(shape)})")
    basic, advanced = [], []
    has_array = unique = False
    d = 0  # the dim of t the next item indexes
    for i in items:
        if type(i) is int:
            n = shape[d]
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for dimension {d} with size {n}")
            basic.append(i)
            d += 1
        elif type(i) is slice:
            basic.append(i)
            advanced.append(slice(None))
            d += 1
        elif i is None:
            basic.append(None)
            advanced.append(slice(None))
        elif i is Ellipsis:
            if not ellipsis:
                continue  # a second ... expands to nothing, as in torch
            ellipsis = False
            k = ndim - used
            basic.extend([slice(None)] * k)
            advanced.extend([slice(None)] * k)
            d += k
        else:
            k = i.ndim if i.dtype.kind == 'b' else 1
            if i.dtype.kind == 'b' and i.shape != shape[d:d + k]:
                j = next(j for j in range(k) if i.shape[j] != shape[d + j])
                raise IndexError(f"The shape of the mask {list(i.shape)} at index {j} does not match the "
                                 f"shape of the indexed tensor {list(shape)} at index {d + j}")
            unique = not has_array and i.dtype.kind == 'b'  # one mask picks each element once
            has_array = True
            basic.extend([slice(None)] * k)
            advanced.append(i)
            d += k
    basic.append(Ellipsis)  # keeps an all-int index a 0-d view instead of a numpy scalar
    if not has_array:
        return tuple(basic), None, False
    while advanced and type(advanced[-1]) is slice:
        advanced.pop()
    return tuple(basic), tuple(advanced), unique


def _is_identity(basic):
    return all(type(b) is slice and b == slice(None) or b is Ellipsis for b in basic)


def _torch_index_error(e, t):
    """numpy's index error in torch's words."""
    msg = str(e).replace('axis', 'dimension').replace('arrays', 'tensors')
    return IndexError(f"{msg} (indexing a tensor of shape {list(t.array.shape)})")


def index_parsed(t, parsed):
    """``t`` indexed by the result of ``parse_index``."""
    basic, advanced, unique = parsed
    if advanced is None or not _is_identity(basic):
        t = (Select if any(type(b) is int for b in basic) else BasicIndex)(basic)(t)
        if advanced is None:
            return t
    try:
        return AdvancedIndex(advanced, unique)(t)
    except IndexError as e:
        raise _torch_index_error(e, t) from None


def _simple(index, shape):
    """The view op for a tuple of in-range ints and step-less slices (the common ``x[:, 1]``), else None."""
    if len(index) > len(shape):
        return None
    op = BasicIndex
    for i, n in zip(index, shape):
        if type(i) is int:
            if not -n <= i < n:
                return None
            op = Select
        elif type(i) is not slice or i.step is not None:
            return None
    return op


def read(a, parsed):
    """The array ``a`` indexed by a parsed index (no autograd)."""
    basic, advanced, _ = parsed
    v = a[basic]
    return v if advanced is None else v[advanced]


def write(a, parsed, value):
    """Write ``value`` (an array or scalar) into the array ``a`` at a parsed index, broadcasting it."""
    basic, advanced, _ = parsed
    try:
        if advanced is None:
            a[basic] = value
        else:
            a[basic][advanced] = value  # a[basic] is a view, so this writes through
    except ValueError as e:
        if 'read-only' in str(e):
            raise RuntimeError("unsupported operation: this tensor is an expanded (broadcast) view whose "
                               "elements share memory; clone() it before writing to it") from None
        slot = read(a, parsed).shape
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(value))} cannot be broadcast "
                           f"to indexing result of shape {list(slot)}") from None


def getitem(t, index):
    """``t[index]``: ints, slices, None, ..., integer/boolean tensors, lists and arrays, as torch."""
    # fast paths for the common forms; anything unusual (or out of range) takes the full parse
    shape = t.array.shape
    kind = type(index)
    if kind is int:
        if shape and -shape[0] <= index < shape[0]:
            return Select((index, Ellipsis))(t)
    elif kind is slice:
        if shape and index.step is None:
            return BasicIndex((index, Ellipsis))(t)
    elif kind is tuple:
        op = _simple(index, shape)
        if op is not None:
            return op(index + (Ellipsis,))(t)
    elif kind is Tensor:
        arr = index.array
        if arr.dtype == np.int64 and arr.ndim and type(arr) is type(t.array):
            try:
                return AdvancedIndex((arr,))(t)
            except IndexError:
                pass  # the full parse below raises torch's message
    return index_parsed(t, parse_index(t, index))


# -- gather and scatter ---------------------------------------------------------------------------

def _dim_index_array(index, name):
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    arr = index.array
    if arr.dtype != np.int64 and arr.dtype != np.int32:
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index (got {index.dtype}); "
                           "convert it with .long()")
    return arr


def _check_range(arr, dim, size):
    """RuntimeError unless every entry of the integer array is in [0, size)."""
    # seen as unsigned, negative entries become huge: one reduction checks both ends
    unsigned = arr.view(np.uint64 if arr.itemsize == 8 else np.uint32)
    if arr.size and int(unsigned.max()) >= size:
        lo = int(arr.min())
        bad = lo if lo < 0 else int(arr.max())
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


@functools.lru_cache(maxsize=256)
def _grid(shape, dim, xp):
    """Open-mesh position arrays for every dim of ``shape`` but ``dim`` (which the index fills in)."""
    n = len(shape)
    return [None if d == dim else xp.arange(s).reshape((1,) * d + (s,) + (1,) * (n - d - 1))
            for d, s in enumerate(shape)]


def _along_dim(t, dim, index, name, src=None):
    """The numpy index pairing each element of ``index`` with its own position in the other dims.

    ``out[i][j][k] = t[index[i][j][k]][j][k]`` (for dim 0) is ``t[that index]``.
    """
    arr = _dim_index_array(index, name)
    ndim = t.array.ndim
    if arr.ndim != ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor "
                           f"(index is {arr.ndim}-d, input is {ndim}-d)")
    dim = wrap_dim(dim, ndim)
    shape = t.array.shape
    for d, (n, m) in enumerate(zip(arr.shape, shape)):
        if d != dim and n > m or src is not None and n > src.array.shape[d]:
            extra = f" and to be no larger size than src {list(src.array.shape)}" if src is not None else ""
            raise RuntimeError(f"Size does not match at dimension {d}: expected index {list(arr.shape)} to be no "
                               f"larger than self {list(shape)} apart from dimension {dim}{extra}")
    _check_range(arr, dim, shape[dim] if ndim else 1)
    if ndim == 0:
        return (Ellipsis,)
    index = list(_grid(arr.shape, dim, _backend.xp_of(t.array)))
    index[dim] = arr
    return tuple(index)


def gather(t, dim, index):
    """Values of ``t`` along ``dim`` at ``index``: ``out[i][j] = t[i][index[i][j]]`` for dim=1."""
    return Gather(_along_dim(t, dim, index, 'gather'))(t)


def _src_for(index_arr, src):
    """``src`` cut to the index's extent (torch reads only that corner of a larger src)."""
    if src.array.shape != index_arr.shape:
        src = BasicIndex(tuple(slice(0, n) for n in index_arr.shape))(src)
    return src


def scatter(t, dim, index, src=None, value=None, reduce=None):
    """A copy of ``t`` with ``src`` (or the scalar ``value``) written along ``dim`` at ``index``."""
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src  # x.scatter(dim, index, 1.5)
    if (src is None) == (value is None):
        raise TypeError("scatter() needs exactly one of src (a tensor) and value (a number)")
    idx = _along_dim(t, dim, index, 'scatter', src)
    arr = index.array
    if src is not None:
        if src.array.dtype != t.array.dtype:
            raise RuntimeError(f"scatter(): Expected self.dtype to be equal to src.dtype (got {t.dtype} and "
                               f"{src.dtype}); convert src with .to(x.dtype)")
        src = _src_for(arr, src)
    else:
        if isinstance(value, Tensor):
            value = value.item()
        src = _make(_backend.xp_of(t.array).asarray(value, dtype=t.array.dtype))
    if reduce is not None:
        if reduce not in ('add', 'multiply'):
            raise RuntimeError(f"reduce argument must be either add or multiply (got {reduce!r}).")
        xp = _backend.xp_of(t.array)
        return ScatterReduce(idx, xp.add if reduce == 'add' else xp.multiply)(t, src)
    op = Scatter(((Ellipsis,), idx, False))
    if value is not None:
        op.backward_name = 'ScatterBackward1'
    return op(t, src)


def scatter_add(t, dim, index, src):
    """A copy of ``t`` with ``src`` added along ``dim`` at ``index`` (repeated indices sum)."""
    idx = _along_dim(t, dim, index, 'scatter_add', src)
    if src.array.dtype != t.array.dtype:
        raise RuntimeError(f"scatter(): Expected self.dtype to be equal to src.dtype (got {t.dtype} and "
                           f"{src.dtype}); convert src with .to(x.dtype)")
    return ScatterAdd(idx)(t, _src_for(index.array, src))


def index_select(t, dim, index):
    """The entries of ``t`` along ``dim`` at the positions in the 1-D ``index``."""
    if not isinstance(index, Tensor):
        raise TypeError(f"index_select(): argument 'index' must be Tensor, not {type(index).__name__}")
    arr = index.array
    if arr.dtype != np.int64 and arr.dtype != np.int32:
        raise RuntimeError(f"index_select(): Expected dtype int32 or int64 for index (got {index.dtype})")
    if arr.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    ndim = t.array.ndim
    dim = wrap_dim(dim, ndim)
    _check_range(arr, dim, t.array.shape[dim] if ndim else 1)
    if ndim == 0:
        return IndexSelect(arr.reshape(-1))(t.reshape(1)).reshape(())
    return IndexSelect((slice(None),) * dim + (arr.reshape(-1),))(t)


# -- masks ----------------------------------------------------------------------------------------

def _mask_array(mask, message, like):
    arr = mask.array if isinstance(mask, Tensor) else np.asarray(mask)
    if arr.dtype != np.bool_:
        raise RuntimeError(f"{message} (got {_dtype.from_numpy(arr.dtype).name}); compare first, e.g. x > 0")
    if type(arr) is not type(like):
        arr = _backend.xp_of(like).asarray(arr)
    return arr


def masked_fill(t, mask, value):
    """``t`` with ``value`` (a number or 0-d tensor) where ``mask`` is True; the mask broadcasts."""
    from .elementwise import Where
    cond = _mask_array(mask, 'masked_fill_ only supports boolean masks', t.array)
    if isinstance(value, Tensor):
        if value.array.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.array.ndim} dimension(s).")
        value = cast(value, t.dtype)
        if type(value.array) is not type(t.array):
            value = value.to(t.device)  # a 0-d value from another device is used as a number, as in torch
    else:
        value = _make(_backend.xp_of(t.array).asarray(value).astype(t.array.dtype))
    broadcast_shapes(cond.shape, t.array.shape)  # torch's error on a mismatch
    op = Where(cond)
    op.backward_name = 'MaskedFillBackward0'
    return op(value, t)


def masked_select(t, mask):
    """The 1-D tensor of the entries of ``t`` where ``mask`` is True (both broadcast)."""
    cond = _mask_array(mask, 'masked_select: expected BoolTensor for mask', t.array)
    shape = broadcast_shapes(cond.shape, t.array.shape)
    if cond.shape != shape:
        cond = _backend.xp_of(cond).broadcast_to(cond, shape)
    return MaskedSelect((cond,), unique=True)(broadcast_to(t, shape))
