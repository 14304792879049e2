"""Creating tensors: tensor(), the legacy constructors, zeros/ones/full/arange/..., random ones."""
import numpy as np

from . import _dtype, _backend
from .random import rng_for
from .tensor import Tensor

_make = Tensor._make


def _to_array(data):
    """Python data (scalars, nested lists of numbers or 0-d tensors, arrays) as a numpy array."""
    if isinstance(data, Tensor):
        return _backend.to_numpy(data.array)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        data = [_to_array(x) for x in data]
    try:
        arr = np.array(data)
    except ValueError as e:
        raise ValueError(f"could not make a tensor from ragged nested sequences ({e}); every row must "
                         "have the same length") from None
    if arr.dtype == object:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}; pass numbers, nested lists of "
                        "numbers or a numpy array")
    return arr


def _finish(arr, dtype, device, requires_grad, infer_float):
    """Cast ``arr`` (numpy) to the requested or inferred dtype, move it, wrap it."""
    if dtype is not None:
        arr = arr.astype(_dtype.to_dtype(dtype).np, copy=False)
    elif infer_float and arr.dtype.kind == 'f':
        arr = arr.astype(_dtype.get_default_dtype().np, copy=False)
    elif arr.dtype.kind in 'iu' and arr.dtype not in (np.uint8, np.int8, np.int16, np.int32, np.int64):
        arr = arr.astype(np.int64)
    else:
        _dtype.from_numpy(arr.dtype)  # rejects dtypes torch lacks, with torch's message
    if device is not None:
        arr = _backend.to_device(arr, _backend.as_device(device))
    t = _make(arr)
    if requires_grad:
        t.requires_grad = True  # raises for integer dtypes, as torch does
    return t


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (numbers, nested lists, numpy arrays, tensors).

    Python floats become the default dtype (float32), ints int64, bools bool; numpy
    arrays keep their dtype.
    """
    from_python = not isinstance(data, (np.ndarray, Tensor, np.generic))
    arr = np.array(_to_array(data), copy=True)
    return _finish(arr, dtype, device, requires_grad, infer_float=from_python)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with a numpy array or tensor when no conversion is needed."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype or device) else data
    if isinstance(data, np.ndarray):
        return _finish(data, dtype, device, False, infer_float=False)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(arr):
    """A tensor sharing memory with the numpy array ``arr``."""
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(arr).__name__})")
    _dtype.from_numpy(arr.dtype)
    return _make(arr)


def legacy_new(cls, args, dtype, device, requires_grad, default=None):
    """``Tensor(...)``/``FloatTensor(...)``: from data (copied) or from sizes (uninitialised)."""
    d = default or _dtype.get_default_dtype()
    if dtype is not None:
        d = _dtype.to_dtype(dtype)
    if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
        data = args[0]
        if isinstance(data, Tensor):
            arr = data.array.astype(d.np, copy=False)
            t = _make(arr)
        else:
            t = _finish(np.array(_to_array(data), copy=True), d, device, False, False)
    else:
        t = empty(*args, dtype=d, device=device)
    if requires_grad:
        t.requires_grad = True
    return t


def _legacy_type(name, d):
    def new(*args, device=None):
        return legacy_new(Tensor, args, None, device, False, default=d)
    new.__name__ = name
    new.__doc__ = f"torch's legacy ``{name}``: a {d.name} tensor from data, or uninitialised from sizes."
    return new


FloatTensor = _legacy_type('FloatTensor', _dtype.float32)
DoubleTensor = _legacy_type('DoubleTensor', _dtype.float64)
LongTensor = _legacy_type('LongTensor', _dtype.int64)
IntTensor = _legacy_type('IntTensor', _dtype.int32)
BoolTensor = _legacy_type('BoolTensor', _dtype.bool_)
ByteTensor = _legacy_type('ByteTensor', _dtype.uint8)


# -- filled tensors ---------------------------------------------------------------------------

def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    size = tuple(int(s) for s in size)
    for s in size:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return size


def _filled(fill, size, dtype, device, requires_grad, default=None):
    d = _dtype.to_dtype(dtype) if dtype is not None else (default or _dtype.get_default_dtype())
    dev = _backend.as_device(device)
    xp = _backend.xp_for(dev)
    arr = xp.full(size, fill, dtype=d.np) if fill is not None else xp.empty(size, dtype=d.np)
    t = _make(arr)
    if requires_grad:
        t.requires_grad = True
    return t


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of zeros of the given size."""
    return _filled(0, _size(size), dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of ones of the given size."""
    return _filled(1, _size(size), dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, out=None):
    """An uninitialised tensor of the given size."""
    return _filled(None, _size(size), dtype, device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of ``fill_value``; its dtype follows the value (bool, int64 or the default float)."""
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value if not isinstance(fill_value, Tensor) else fill_value.item())
    return _filled(fill_value, _size((size,) if isinstance(size, int) else (tuple(size),)), dtype, device, requires_grad)


def _like(t, dtype, device):
    return (dtype if dtype is not None else t.dtype), (device if device is not None else t.device)


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return _filled(0, t.array.shape, d, dev, requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return _filled(1, t.array.shape, d, dev, requires_grad)


def empty_like(t, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return _filled(None, t.array.shape, d, dev, requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return _filled(fill_value, t.array.shape, d, dev, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 unless a bound is a float."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if vals[2] == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        dtype = _dtype.get_default_dtype() if any(isinstance(v, float) for v in vals) else _dtype.int64
    d = _dtype.to_dtype(dtype)
    # compute the count in float64 as torch does, then fill in the target dtype
    n = int(np.ceil((vals[1] - vals[0]) / vals[2]))
    arr = (vals[0] + np.arange(max(n, 0), dtype=np.float64) * vals[2]) if d.is_floating_point \
        else np.arange(vals[0], vals[1], vals[2])
    return _finish(arr.astype(d.np), None, device, requires_grad, False)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    d = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    arr = np.linspace(start, end, int(steps))
    return _finish(arr.astype(d.np), None, device, requires_grad, False)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The n x m identity matrix."""
    d = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    return _finish(np.eye(n, m, dtype=d.np), None, device, requires_grad, False)


# -- random tensors ---------------------------------------------------------------------------

def _random(draw, size, dtype, device, requires_grad, generator):
    d = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    if not d.is_floating_point:
        raise RuntimeError(f"\"check_uniform_bounds\" not implemented for '{d.name}'")
    arr = draw(rng_for(generator), _size(size), d.np)
    return _finish(arr, None, device, requires_grad, False)


def _draw_dtype(d):
    return d if d in (np.float32, np.float64) else np.float64


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples on [0, 1)."""
    return _random(lambda r, s, d: r.random(s, dtype=_draw_dtype(d)).astype(d, copy=False),
                   size, dtype, device, requires_grad, generator)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples."""
    return _random(lambda r, s, d: r.standard_normal(s, dtype=_draw_dtype(d)).astype(d, copy=False),
                   size, dtype, device, requires_grad, generator)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers drawn uniformly from [low, high); int64 by default."""
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    d = _dtype.to_dtype(dtype) if dtype is not None else _dtype.int64
    arr = rng_for(generator).integers(low, high, size=_size((size,)), dtype=np.int64).astype(d.np)
    return _finish(arr, None, device, requires_grad, False)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0..n-1 (int64)."""
    d = _dtype.to_dtype(dtype) if dtype is not None else _dtype.int64
    return _finish(rng_for(generator).permutation(int(n)).astype(d.np), None, device, requires_grad, False)


def rand_like(t, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return rand(*t.array.shape, dtype=d, device=dev, requires_grad=requires_grad)


def randn_like(t, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return randn(*t.array.shape, dtype=d, device=dev, requires_grad=requires_grad)


def randint_like(t, low, high=None, dtype=None, device=None):
    d, dev = _like(t, dtype, device)
    return randint(low, high, t.array.shape, dtype=d, device=dev)
