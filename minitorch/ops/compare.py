"""Comparisons and logic: results are bool tensors (int64 for nonzero) and carry no gradient.

Array work goes through operators (``a < b``, ``a & b``) or the array's own module
(``xp_of``), so the same code runs on numpy and cupy arrays.
"""
import operator as _op

import numpy as np

from .._backend import xp_of
from ._util import _make, binary_operands, Tensor
from .broadcast import broadcast_shapes

# what a comparison accepts as ``other``; anything else is a TypeError (and, for the operators,
# NotImplemented, so ``x == None`` is False and ``x < None`` a TypeError, as in torch)
_OTHER = (Tensor, int, float, bool, np.number, np.bool_, np.ndarray)
_TORCH_NAMES = {'float16': 'Half', 'float32': 'Float', 'float64': 'Double'}


def _out(x):
    # numpy hands back a scalar for 0-d inputs; a tensor holds an array
    return _make(np.asarray(x) if isinstance(x, np.generic) else x)


def _type_error(name, arg, value, expected='Tensor'):
    return TypeError(f"{name}(): argument '{arg}' must be {expected}, not {type(value).__name__}")


def _check_device(a, b):
    if type(a.array) is not type(b.array) or (type(a.array) is not np.ndarray and a.device != b.device):
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                           f"{a.device} and {b.device}! Move one with .to(device) first.")


def _elementwise(fn, a, b):
    """fn on the two arrays, turning numpy's broadcast ValueError into torch's RuntimeError."""
    _check_device(a, b)
    try:
        return _out(fn(a.array, b.array))
    except ValueError:
        broadcast_shapes(a.array.shape, b.array.shape)  # raises, naming both shapes
        raise


def _compare(fn, name, a, b):
    if not isinstance(a, Tensor):
        raise _type_error(name, 'input', a)
    if not isinstance(b, _OTHER):
        raise _type_error(name, 'other', b, 'Tensor or Number')
    a, b = binary_operands(a, b)  # int vs float compares as float, as torch promotes
    return _elementwise(fn, a, b)


def operator(fn, a, b):
    """``fn(a, b)`` for a Python operator: NotImplemented where ``fn`` rejects the operand's type,
    so Python falls back as it does for torch (``x == None`` is False, ``x < None`` a TypeError)."""
    try:
        return fn(a, b)
    except TypeError:
        return NotImplemented


# -- comparisons ------------------------------------------------------------------------------

def eq(input, other):
    """Computes ``input == other`` element-wise (a bool tensor), broadcasting; ``other`` may be a number."""
    return _compare(_op.eq, 'eq', input, other)


def ne(input, other):
    """Computes ``input != other`` element-wise (a bool tensor), broadcasting."""
    return _compare(_op.ne, 'ne', input, other)


def lt(input, other):
    """Computes ``input < other`` element-wise (a bool tensor), broadcasting."""
    return _compare(_op.lt, 'lt', input, other)


def le(input, other):
    """Computes ``input <= other`` element-wise (a bool tensor), broadcasting."""
    return _compare(_op.le, 'le', input, other)


def gt(input, other):
    """Computes ``input > other`` element-wise (a bool tensor), broadcasting."""
    return _compare(_op.gt, 'gt', input, other)


def ge(input, other):
    """Computes ``input >= other`` element-wise (a bool tensor), broadcasting."""
    return _compare(_op.ge, 'ge', input, other)


# -- logic ------------------------------------------------------------------------------------

def _logical(name, a, b):
    if not isinstance(a, Tensor):
        raise _type_error(name, 'input', a)
    if not isinstance(b, Tensor):
        raise _type_error(name, 'other', b)
    return _elementwise(getattr(xp_of(a.array), name), a, b)


def logical_and(input, other):
    """Element-wise logical AND; zeros are False, everything else True."""
    return _logical('logical_and', input, other)


def logical_or(input, other):
    """Element-wise logical OR; zeros are False, everything else True."""
    return _logical('logical_or', input, other)


def logical_xor(input, other):
    """Element-wise logical XOR; zeros are False, everything else True."""
    return _logical('logical_xor', input, other)


def logical_not(input):
    """Element-wise logical NOT: True where ``input`` is zero."""
    return _out(xp_of(input.array).logical_not(input.array))


# -- bitwise (integer and bool tensors) -------------------------------------------------------

def _not_for_float(name, t):
    if t.array.dtype.kind == 'f':
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_TORCH_NAMES[t.dtype.name]}'; bitwise "
                                  f"ops take integer or bool tensors (for masks, compare first: (x > 0) & (y < 1))")


def _bitwise(fn, name, a, b):
    if not isinstance(a, Tensor):
        raise _type_error(name, 'input', a)
    if not isinstance(b, _OTHER):
        raise _type_error(name, 'other', b, 'Tensor or Number')
    a, b = binary_operands(a, b)
    _not_for_float(name, a)
    return _elementwise(fn, a, b)


def bitwise_and(input, other):
    """Bitwise AND of integer or bool tensors (``&``); logical AND for bool."""
    return _bitwise(_op.and_, 'bitwise_and', input, other)


def bitwise_or(input, other):
    """Bitwise OR of integer or bool tensors (``|``); logical OR for bool."""
    return _bitwise(_op.or_, 'bitwise_or', input, other)


def bitwise_xor(input, other):
    """Bitwise XOR of integer or bool tensors (``^``); logical XOR for bool."""
    return _bitwise(_op.xor, 'bitwise_xor', input, other)


def bitwise_not(input):
    """Bitwise NOT of an integer or bool tensor; logical NOT for bool."""
    _not_for_float('bitwise_not', input)
    return _out(~input.array)


def invert(input):
    """The ``~`` operator: bitwise_not, with the TypeError torch raises for float tensors."""
    if input.array.dtype.kind == 'f':
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors; to flip a "
                        "mask, make it bool first, e.g. ~(x > 0)")
    return _out(~input.array)


# -- special values and closeness ---------------------------------------------------------------

def isnan(input):
    """True where ``input`` is NaN."""
    return _out(xp_of(input.array).isnan(input.array))


def isinf(input):
    """True where ``input`` is +inf or -inf."""
    return _out(xp_of(input.array).isinf(input.array))


def isfinite(input):
    """True where ``input`` is neither NaN nor infinite."""
    return _out(xp_of(input.array).isfinite(input.array))


def isclose(input, other, rtol=1e-5, atol=1e-8, equal_nan=False):
    """True where ``|input - other| <= atol + rtol * |other|`` (equal infinities count as close;
    NaNs only with ``equal_nan``). Both tensors must have the same dtype."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise _type_error('isclose', *(('input', input) if not isinstance(input, Tensor) else ('other', other)))
    if input.array.dtype != other.array.dtype:
        raise RuntimeError(f"{input.dtype.name} did not match {other.dtype.name}: isclose compares tensors of one "
                           f"dtype; convert one first, e.g. other.to(input.dtype)")
    for name, tol in (('rtol', rtol), ('atol', atol)):
        if tol < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {tol}")
    if input.array.dtype.kind == 'b':  # bools have no difference to measure: close means equal
        return _elementwise(_op.eq, input, other)
    xp = xp_of(input.array)
    return _elementwise(lambda a, b: xp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan), input, other)


def allclose(input, other, rtol=1e-5, atol=1e-8, equal_nan=False):
    """True (a Python bool) when every element of ``input`` is close to ``other``, as in isclose."""
    if not isinstance(other, Tensor):
        raise _type_error('allclose', 'other', other)
    return bool(isclose(input, other, rtol, atol, equal_nan).array.all())


def equal(input, other):
    """True (a Python bool) when the two tensors have the same shape and the same values."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise _type_error('equal', *(('input', input) if not isinstance(input, Tensor) else ('other', other)))
    _check_device(input, other)
    return input.array.shape == other.array.shape and bool((input.array == other.array).all())


def nonzero(input, as_tuple=False):
    """Indices of the non-zero elements: an (n, input.dim()) int64 tensor, one row per element;
    with ``as_tuple``, one 1-D index tensor per dim (a 0-d input counts as 1-D)."""
    a = input.array
    xp = xp_of(a)
    if as_tuple:
        return tuple(_make(i.astype(np.int64, copy=False)) for i in xp.nonzero(xp.atleast_1d(a)))
    return _make(xp.argwhere(a).astype(np.int64, copy=False))
