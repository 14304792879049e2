"""dtype objects, their numpy mapping, and torch's type-promotion rules."""
import builtins as _b

import numpy as np

_pyfloat, _pyint, _pybool = _b.float, _b.int, _b.bool  # shadowed below by torch aliases


class dtype:
    """A tensor element type, printed like torch's (``minitorch.float32``)."""

    __slots__ = ('name', 'np', 'is_floating_point', 'is_signed', 'itemsize', '_rank')
    is_complex = False  # minitorch has no complex dtypes

    def __init__(self, name, np_dtype, rank):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == 'f'
        self.is_signed = self.np.kind in 'fi'
        self.itemsize = self.np.itemsize
        self._rank = rank  # category: 0 bool, 1 integer, 2 floating

    def __repr__(self):
        return 'minitorch.' + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


bool_ = dtype('bool', np.bool_, 0)
uint8 = dtype('uint8', np.uint8, 1)
int8 = dtype('int8', np.int8, 1)
int16 = dtype('int16', np.int16, 1)
int32 = dtype('int32', np.int32, 1)
int64 = dtype('int64', np.int64, 1)
float16 = dtype('float16', np.float16, 2)
float32 = dtype('float32', np.float32, 2)
float64 = dtype('float64', np.float64, 2)

# torch's aliases
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)
_FROM_NP = {d.np: d for d in ALL}
_NAMES = {d.name: d for d in ALL}


def _by_name(name):
    return _NAMES[name]


def from_numpy(np_dtype):
    """The minitorch dtype for a numpy dtype; TypeError for ones torch lacks."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        pass
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"can't convert np.ndarray of type {np_dtype}. The only supported types are: "
                        "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.") from None


_default = float32


def get_default_dtype():
    """The floating dtype used for Python floats and for ``tensor([1.5])`` (float32 unless changed)."""
    return _default


def set_default_dtype(d):
    """Set the default floating dtype (float32 unless changed): Python floats, ``tensor([1.5])``,
    ``zeros``, ``rand`` and friends follow it. Only floating dtypes are accepted, as in torch."""
    global _default
    if type(d) is not dtype or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default = d


def to_dtype(d):
    """Accept a minitorch dtype or a Python type as torch does (``float`` is float64, ``int`` int64)."""
    if type(d) is dtype:
        return d
    if d is _pyfloat:
        return float64
    if d is _pyint:
        return int64
    if d is _pybool:
        return bool_
    return from_numpy(d)  # numpy dtypes and names ('uint8') are a convenience torch lacks


def promote(a, b):
    """torch.promote_types: the smallest dtype that holds both.

    The higher category wins outright (bool < integer < floating), so int64 with float16
    is float16; within a category the wider type wins, and uint8 with int8 is int16.
    """
    if a is b:
        return a
    if a._rank != b._rank:
        return a if a._rank > b._rank else b
    return from_numpy(np.promote_types(a.np, b.np))


def scalar_dtype(x):
    """The dtype torch gives a Python (or numpy) scalar standing alone."""
    if isinstance(x, (_pybool, np.bool_)):
        return bool_
    if isinstance(x, (_pyint, np.integer)):
        return int64
    if isinstance(x, (_pyfloat, np.floating)):
        return _default
    raise TypeError(f"unsupported scalar type {type(x).__name__}")


def operand(x):
    """(dtype, kind) of a tensor or number for ``result_type``: kind 2 for a tensor with dims,
    1 for a zero-dim tensor, 0 for a Python or numpy number."""
    d = getattr(x, 'dtype', None)
    if type(d) is dtype:
        return d, (2 if x.dim() else 1)
    return scalar_dtype(x), 0


def _combine(higher, lower):
    # a lower-priority operand counts only when it is of a higher category, or the higher is bool
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote(higher, lower)
    return higher


def result_type(operands):
    """torch's result type for tensors and scalars together.

    ``operands`` is a list of (dtype, kind) with kind 2 for a tensor with dims, 1 for a
    zero-dim tensor, 0 for a Python scalar. Operands of one kind promote among themselves;
    then zero-dim tensors and scalars only matter when they are of a higher category
    (bool < integer < floating): an int tensor times 2.5 is float32, a float32 tensor plus
    a float64 zero-dim tensor stays float32.
    """
    best = [None, None, None]
    for d, kind in operands:
        cur = best[kind]
        best[kind] = d if cur is None else promote(cur, d)
    return _combine(best[2], _combine(best[1], best[0]))
