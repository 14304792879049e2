"""Comparisons and logic: results are bool tensors and carry no gradient."""
import numpy as np

from ._util import _make, binary_operands, Tensor
from .broadcast import broadcast_shapes


def _compare(ufunc, a, b):
    a, b = binary_operands(a, b)
    if a.device != b.device:
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                           f"{a.device} and {b.device}!")
    try:
        return _make(ufunc(a.array, b.array))
    except ValueError:
        broadcast_shapes(a.array.shape, b.array.shape)
        raise


def eq(a, b):
    """a == b elementwise (bool)."""
    return _compare(np.equal, a, b)


def ne(a, b):
    return _compare(np.not_equal, a, b)


def lt(a, b):
    return _compare(np.less, a, b)


def le(a, b):
    return _compare(np.less_equal, a, b)


def gt(a, b):
    return _compare(np.greater, a, b)


def ge(a, b):
    return _compare(np.greater_equal, a, b)


def _as_bool(t):
    return t.array.astype(bool, copy=False)


def logical_and(a, b):
    a, b = binary_operands(a, b)
    return _make(np.logical_and(a.array, b.array))


def logical_or(a, b):
    a, b = binary_operands(a, b)
    return _make(np.logical_or(a.array, b.array))


def logical_xor(a, b):
    a, b = binary_operands(a, b)
    return _make(np.logical_xor(a.array, b.array))


def logical_not(a):
    return _make(np.logical_not(a.array))


def _bitwise(ufunc, a, b, name):
    a, b = binary_operands(a, b)
    if a.array.dtype.kind == 'f':
        raise RuntimeError(f'"{name}_cpu" not implemented for \'{a.dtype.name.capitalize()}\'')
    return _make(ufunc(a.array, b.array))


def bitwise_and(a, b):
    return _bitwise(np.bitwise_and, a, b, 'bitwise_and')


def bitwise_or(a, b):
    return _bitwise(np.bitwise_or, a, b, 'bitwise_or')


def bitwise_xor(a, b):
    return _bitwise(np.bitwise_xor, a, b, 'bitwise_xor')


def bitwise_not(a):
    if a.array.dtype.kind == 'f':
        raise TypeError("~ (bitwise_not) is only defined for integer and bool tensors; for a float mask compare "
                        "it first, e.g. ~(x > 0)")
    return _make(np.invert(a.array))


def isnan(a):
    return _make(np.isnan(a.array))


def isinf(a):
    return _make(np.isinf(a.array))


def isfinite(a):
    return _make(np.isfinite(a.array))


def isclose(a, b, rtol=1e-5, atol=1e-8, equal_nan=False):
    a, b = binary_operands(a, b)
    return _make(np.isclose(a.array, b.array, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(a, b, rtol=1e-5, atol=1e-8, equal_nan=False):
    """True when every element of a is close to b: |a - b| <= atol + rtol * |b|."""
    return bool(isclose(a, b, rtol, atol, equal_nan).array.all())


def equal(a, b):
    """True when a and b have the same shape and the same values."""
    if not isinstance(b, Tensor):
        raise TypeError(f"equal(): argument 'other' must be Tensor, not {type(b).__name__}")
    return a.array.shape == b.array.shape and bool((a.array == b.array).all())


def nonzero(a, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one tensor per dim."""
    idx = np.nonzero(a.array)
    if as_tuple:
        return tuple(_make(i.astype(np.int64)) for i in idx)
    return _make(np.stack(idx, axis=1).astype(np.int64) if idx else np.zeros((0, 0), np.int64))
