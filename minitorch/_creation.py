"""Creating tensors: tensor(), the legacy constructors, zeros/ones/full/arange/..., random ones."""
import math
import operator
import warnings

import numpy as np

from . import _dtype, _backend
from .random import rng_for
from .tensor import Tensor, Size

_make = Tensor._make
_PY_DTYPES = {float: None, int: _dtype.int64, bool: _dtype.bool_}  # None: the default float dtype


# -- tensor() from Python data ----------------------------------------------------------------

def _scan(data):
    """torch's dtype for nested Python data, and whether tensors sit inside it.

    The dtype is the promotion of every leaf's own: Python floats count as the default
    dtype, ints as int64, bools as bool; numpy scalars, arrays and tensors inside the data
    keep theirs (so ``[np.float64(1.5), 2]`` is float64). It is None for data without
    leaves (``[]``).
    """
    if isinstance(data, (list, tuple)):
        result, has_tensor = None, False
        for kind in set(map(type, data)):  # one look per type keeps long flat lists fast
            if kind in _PY_DTYPES or issubclass(kind, np.generic):
                found = [(_scalar_type_dtype(kind), False)]
            else:
                found = [_scan(item) for item in data if type(item) is kind]
            for d, tensor_inside in found:
                has_tensor = has_tensor or tensor_inside
                if d is not None:
                    result = d if result is None else _dtype.promote(result, d)
        return result, has_tensor
    if isinstance(data, Tensor):
        return data.dtype, True
    if isinstance(data, (np.ndarray, np.generic)):
        return _dtype.from_numpy(data.dtype), False
    if isinstance(data, (bool, int, float)):
        return _dtype.scalar_dtype(data), False
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}; pass numbers, nested lists of "
                       "numbers, or a numpy array")


def _scalar_type_dtype(kind):
    if kind in _PY_DTYPES:
        return _PY_DTYPES[kind] or _dtype.get_default_dtype()
    return _dtype.from_numpy(np.dtype(kind))


def _tensors_to_arrays(data):
    """The data with every tensor inside replaced by its numpy values (one-element tensors only, as torch)."""
    if isinstance(data, Tensor):
        if data.array.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars; to combine "
                             "tensors use minitorch.stack(list_of_tensors)")
        return _backend.to_numpy(data.array).reshape(())
    if isinstance(data, (list, tuple)):
        return [_tensors_to_arrays(x) for x in data]
    return data


def _ragged_error(data):
    """torch's error for nested lists whose rows differ in length (numpy only says 'inhomogeneous')."""
    sizes = []
    probe = data
    while isinstance(probe, (list, tuple, np.ndarray)):
        sizes.append(len(probe))
        if not len(probe):
            break
        probe = probe[0]

    def check(seq, dim):
        if len(seq) != sizes[dim]:
            return ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(seq)}); "
                              "every row of a nested list must have the same length")
        for item in seq:
            is_seq = isinstance(item, (list, tuple, np.ndarray))
            if dim + 1 < len(sizes) and not is_seq:
                return TypeError(f"not a sequence: expected a list at dim {dim + 1}, got {item!r}")
            if dim + 1 == len(sizes) and is_seq:
                return TypeError(f"expected a number at dim {dim + 1}, got a {type(item).__name__}")
            if is_seq:
                err = check(item, dim + 1)
                if err:
                    return err
        return None

    return check(data, 0) or ValueError("could not make a tensor from these nested sequences")


def _python_to_array(data, dtype=None):
    """Nested Python data as a numpy array of ``dtype``, else of torch's inferred dtype."""
    if isinstance(data, range):
        data = list(data)
    inferred, has_tensor = _scan(data)  # also rejects strings and objects, as torch does
    d = _dtype.to_dtype(dtype) if dtype is not None else inferred or _dtype.get_default_dtype()
    if has_tensor:
        data = _tensors_to_arrays(data)
    try:
        arr = np.array(data)
    except ValueError:
        raise _ragged_error(data) from None
    return arr.astype(d.np, copy=False)


def _finish(arr, dtype, device, requires_grad):
    """Cast ``arr`` to ``dtype`` (when given), move it to ``device``, wrap it."""
    if dtype is not None:
        arr = arr.astype(_dtype.to_dtype(dtype).np, copy=False)
    if device is not None:
        arr = _backend.to_device(arr, _backend.as_device(device))
    t = _make(arr)
    if requires_grad:
        _require_grad(t)
    return t


def _require_grad(t):
    if t.array.dtype.kind != 'f':
        raise RuntimeError(f"Only Tensors of floating point and complex dtype can require gradients (this one "
                           f"is {t.dtype}); create it with a floating dtype, e.g. dtype=minitorch.float32")
    t._requires_grad = True


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Constructs a tensor with no autograd history by copying ``data``.

    ``data`` may be a number, a (nested) list or tuple, a numpy array or a tensor. Python
    floats become the default dtype (float32), ints int64, bools bool; numpy arrays and
    scalars keep their dtype.
    """
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() "
                      "or sourceTensor.clone().detach().requires_grad_(True), rather than "
                      "minitorch.tensor(sourceTensor).", UserWarning, stacklevel=2)
        arr = _backend.to_numpy(data.array).copy()
    elif isinstance(data, (np.ndarray, np.generic)):
        _dtype.from_numpy(data.dtype)  # rejects dtypes torch lacks, with torch's message
        arr = np.array(data, copy=True)
    else:
        arr = _python_to_array(data, dtype)
    return _finish(arr, dtype, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Converts ``data`` into a tensor, sharing memory with a numpy array or tensor when no
    dtype or device conversion is needed."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype is not None or device is not None) else data
    if isinstance(data, np.ndarray):
        _dtype.from_numpy(data.dtype)
        return _finish(data, dtype, device, False)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray):
    """Creates a tensor from a numpy array; the two share memory, so a change to one shows in the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy(ndarray.dtype)
    return _make(ndarray)


# -- torch's legacy constructors: Tensor(...), FloatTensor(...), ... -------------------------

def legacy_new(args, d, device):
    """``Tensor(data)`` copies data as dtype ``d``; ``Tensor(2, 3)`` or ``Tensor(Size)`` is uninitialised."""
    if not args:
        return empty(0, dtype=d, device=device)
    first = args[0]
    if len(args) == 1 and isinstance(first, Tensor):
        if first.dtype is not d and d is not None:
            raise TypeError(f"expected {d} tensor (got {first.dtype}); convert it with .to({d})")
        return first  # torch returns the same data; a new dtype needs .to()
    if len(args) == 1 and isinstance(first, Size):
        return empty(first, dtype=d, device=device)
    if len(args) == 1 and not isinstance(first, (int, np.integer)):
        if isinstance(first, (float, bool, np.generic)):
            raise TypeError(f"new(): data must be a sequence (got {type(first).__name__})")
        d = d or _dtype.get_default_dtype()
        arr = np.array(first, copy=True) if isinstance(first, np.ndarray) else _python_to_array(first, d)
        return _finish(arr, d, device, False)
    return empty(*args, dtype=d, device=device)


class LegacyTensorType(type):
    """The type of ``FloatTensor``, ``LongTensor``...: calling one makes a tensor of its dtype, and
    ``isinstance(x, minitorch.FloatTensor)`` is True for CPU float32 tensors, as in torch."""

    def __call__(cls, *args, device=None):
        return legacy_new(args, cls.dtype, device)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and type(obj.array) is np.ndarray and obj.array.dtype == cls.dtype.np


def _legacy_type(name, d):
    doc = f"torch's legacy ``{name}``: a {d.name} tensor copied from data, or uninitialised from sizes."
    return LegacyTensorType(name, (), {'dtype': d, '__doc__': doc, '__module__': 'minitorch'})


FloatTensor = _legacy_type('FloatTensor', _dtype.float32)
DoubleTensor = _legacy_type('DoubleTensor', _dtype.float64)
HalfTensor = _legacy_type('HalfTensor', _dtype.float16)
LongTensor = _legacy_type('LongTensor', _dtype.int64)
IntTensor = _legacy_type('IntTensor', _dtype.int32)
ShortTensor = _legacy_type('ShortTensor', _dtype.int16)
CharTensor = _legacy_type('CharTensor', _dtype.int8)
ByteTensor = _legacy_type('ByteTensor', _dtype.uint8)
BoolTensor = _legacy_type('BoolTensor', _dtype.bool_)


# -- filled tensors ---------------------------------------------------------------------------

def _size(size):
    """Sizes given as varargs ``(2, 3)`` or one tuple/list/Size, checked to be non-negative ints."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    try:
        size = tuple(map(operator.index, size))
    except TypeError:
        raise TypeError(f"size must be a tuple of ints, but got {tuple(size)}") from None
    if size and min(size) < 0:
        bad = next(s for s in size if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {list(size)}")
    return size


def _pick_dtype(dtype, default=None):
    if dtype is not None:
        return _dtype.to_dtype(dtype)
    return default or _dtype.get_default_dtype()


def _filled(kind, size, d, device, requires_grad, fill_value=None):
    """A new tensor from the array module's ``zeros``, ``ones``, ``empty`` or ``full``."""
    xp = _backend.xp_for(_backend.as_device(device))
    if kind == 'full':
        arr = xp.full(size, fill_value, dtype=d.np)
    else:
        arr = getattr(xp, kind)(size, dtype=d.np)
    t = _make(arr)
    if requires_grad:
        _require_grad(t)
    return t


def zeros(*size, dtype=None, device=None, requires_grad=False):
    """A tensor filled with the scalar value 0, of the shape given by ``size`` (varargs or a tuple)."""
    return _filled('zeros', _size(size), _pick_dtype(dtype), device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    """A tensor filled with the scalar value 1, of the shape given by ``size`` (varargs or a tuple)."""
    return _filled('ones', _size(size), _pick_dtype(dtype), device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of uninitialised data, of the shape given by ``size`` (varargs or a tuple)."""
    return _filled('empty', _size(size), _pick_dtype(dtype), device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of size ``size`` filled with ``fill_value``; the dtype follows the value
    (bool, int64 or the default float) unless given."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' must be tuple of ints, not {type(size).__name__}; "
                        f"write full(({size},), value)")
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    d = _pick_dtype(dtype, _dtype.scalar_dtype(fill_value))
    return _filled('full', _size((size,)), d, device, requires_grad, fill_value)


def _like(t, dtype, device):
    return _pick_dtype(dtype, t.dtype), (t.device if device is None else device)


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros with the size of ``input`` (and its dtype and device unless given)."""
    d, dev = _like(input, dtype, device)
    return _filled('zeros', input.array.shape, d, dev, requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False):
    """A tensor of ones with the size of ``input`` (and its dtype and device unless given)."""
    d, dev = _like(input, dtype, device)
    return _filled('ones', input.array.shape, d, dev, requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor with the size of ``input`` (and its dtype and device unless given)."""
    d, dev = _like(input, dtype, device)
    return _filled('empty', input.array.shape, d, dev, requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of ``fill_value`` with the size of ``input`` (and its dtype and device unless given)."""
    d, dev = _like(input, dtype, device)
    return _filled('full', input.array.shape, d, dev, requires_grad, fill_value)


# -- ranges -----------------------------------------------------------------------------------

def _number(v):
    return v.item() if isinstance(v, Tensor) else v


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values from ``start`` to ``end`` (exclusive) taken with ``step``.

    The result is int64 unless one of the bounds or the step is a float, then the default
    float dtype; it has ``ceil((end - start) / step)`` elements, so ``arange(0, 1, 0.1)``
    has 10.
    """
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if dtype is None:
        is_float = any(isinstance(v, (float, np.floating)) for v in (start, end, step))
        d = _dtype.get_default_dtype() if is_float else _dtype.int64
    else:
        d = _dtype.to_dtype(dtype)
    if not d.is_floating_point:
        start, end, step = int(start), int(end), int(step)  # torch truncates the bounds for integer results
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"upper bound and lower bound inconsistent with step sign (start={start}, "
                           f"end={end}, step={step}); use a negative step to count down")
    n = math.ceil((end - start) / step)
    # like torch, each value is start + i * step in double precision, then cast
    arr = np.arange(n, dtype=np.float64) * step + start if d.is_floating_point else np.arange(start, end, step)
    return _finish(arr.astype(d.np, copy=False), None, device, requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` values evenly spaced from ``start`` to ``end``, both included."""
    start, end = _number(start), _number(end)
    if not isinstance(steps, (int, np.integer)):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = _pick_dtype(dtype)
    # torch computes the first half forward from start and the second half back from end, so both
    # ends are exact; floating results are computed in their own precision, integers in double
    work = d.np if d.is_floating_point else np.dtype(np.float64)
    start, end = work.type(start), work.type(end)
    i = np.arange(steps, dtype=work)
    step = (end - start) / work.type(max(steps - 1, 1))
    arr = np.where(i < steps // 2, start + step * i, end - step * (steps - 1 - i)) if steps > 1 else i + start
    return _finish(arr.astype(d.np, copy=False), None, device, requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """A 2-D tensor with ones on the diagonal and zeros elsewhere (n rows, m columns, m = n by default)."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    d = _pick_dtype(dtype)
    return _finish(np.eye(n, m, dtype=d.np), None, device, requires_grad)


# -- random tensors ---------------------------------------------------------------------------

# torch names dtypes by their C type in "not implemented for" errors
_C_NAMES = {'bool': 'Bool', 'uint8': 'Byte', 'int8': 'Char', 'int16': 'Short', 'int32': 'Int', 'int64': 'Long'}


def _random(draw, kernel, size, dtype, device, requires_grad, generator):
    d = _pick_dtype(dtype)
    if not d.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_C_NAMES[d.name]}'; random floats "
                                  "need a floating dtype (use randint for integers)")
    work = d.np if d.np in (np.float32, np.float64) else np.float64  # numpy draws only these two
    dev = _backend.as_device(device)  # drawn by that device's generator, on the device
    arr = draw(rng_for(generator, dev), _size(size), work).astype(d.np, copy=False)
    return _finish(arr, None, None, requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Random numbers from a uniform distribution on [0, 1), of the shape given by ``size``."""
    return _random(lambda r, s, w: r.random(s, dtype=w), 'check_uniform_bounds',
                   size, dtype, device, requires_grad, generator)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Random numbers from the standard normal distribution (mean 0, variance 1)."""
    return _random(lambda r, s, w: r.standard_normal(s, dtype=w), 'normal_kernel_cpu',
                   size, dtype, device, requires_grad, generator)


def randint(*args, size=None, low=None, high=None, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Random integers drawn uniformly from [low, high); int64 unless ``dtype`` is given.

    Called as torch's ``randint(high, size)`` or ``randint(low, high, size)``.
    """
    args = list(args)
    if size is None and len(args) >= 2:
        size = args.pop()
    if size is not None and not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not {type(size).__name__}; "
                        f"write e.g. randint(10, (3,))")
    if len(args) == 2:
        low, high = args
    elif len(args) == 1:
        if high is None:
            high = args[0]
        else:
            low = args[0]
    elif args:
        raise TypeError(f"randint() takes (high, size) or (low, high, size), got {len(args) + 1} positional arguments")
    if size is None or high is None:
        raise TypeError("randint() needs high and a size tuple: randint(high, (n,)) or randint(low, high, (n,))")
    low = 0 if low is None else low
    low, high = _number(low), _number(high)
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    d = _pick_dtype(dtype, _dtype.int64)
    dev = _backend.as_device(device)
    arr = rng_for(generator, dev).integers(low, high, size=_size((size,)), dtype=np.int64).astype(d.np, copy=False)
    return _finish(arr, None, None, requires_grad)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of the integers 0 to n - 1 (int64 unless ``dtype`` is given)."""
    n = operator.index(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    d = _pick_dtype(dtype, _dtype.int64)
    dev = _backend.as_device(device)
    return _finish(rng_for(generator, dev).permutation(n).astype(d.np), None, None, requires_grad)


def rand_like(input, dtype=None, device=None, requires_grad=False):
    """Uniform [0, 1) random numbers with the size of ``input`` (and its dtype and device unless given)."""
    d, dev = _like(input, dtype, device)
    return rand(input.array.shape, dtype=d, device=dev, requires_grad=requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad=False):
    """Standard normal random numbers with the size of ``input`` (and its dtype and device unless given)."""
    d, dev = _like(input, dtype, device)
    return randn(input.array.shape, dtype=d, device=dev, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, dtype=None, device=None, requires_grad=False):
    """Random integers in [low, high) with the size of ``input``; ``randint_like(x, high)`` or ``(x, low, high)``."""
    if high is None:
        low, high = 0, low
    d, dev = _like(input, dtype, device)
    return randint(low, high, input.array.shape, dtype=d, device=dev, requires_grad=requires_grad)
