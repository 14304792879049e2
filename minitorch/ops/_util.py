"""Small helpers shared by the op files: operand conversion, promotion, dims."""
import numpy as np

from .. import _dtype
from ..tensor import Tensor
from .._backend import xp_of

_make = Tensor._make
_SCALARS = (int, float, bool, np.number, np.bool_)


def wrap_dim(dim, ndim):
    """A possibly negative dim as a non-negative index; IndexError naming the valid range."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def wrap_dims(dim, ndim):
    """``dim`` (None, int, or tuple/list of ints) as a sorted tuple of non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (wrap_dim(int(dim), ndim),)
    axes = tuple(sorted(wrap_dim(int(d), ndim) for d in dim))
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {tuple(dim)} appears multiple times in the list of dims")
    return axes


def _kind(t):
    return 2 if t.array.ndim else 1


def as_tensor_like(value, like):
    """A scalar, list or array as a constant tensor on ``like``'s device (no grad)."""
    if isinstance(value, Tensor):
        return value
    from .._creation import tensor
    return tensor(value, device=like.device)


def binary_operands(a, b):
    """Bring ``a`` and ``b`` (tensors or scalars, at least one a tensor) to torch's common dtype.

    Returns two Tensors of the same dtype. Python and numpy scalars only raise the category
    (an int tensor times 2.5 is float32; a float32 tensor plus a float64 scalar stays float32).
    """
    ta, tb = type(a) is Tensor or isinstance(a, Tensor), type(b) is Tensor or isinstance(b, Tensor)
    if ta and tb:
        if type(a.array) is not type(b.array):
            a, b = scalar_to_device(a, b)
        if a.array.dtype == b.array.dtype:
            return a, b
        d = _dtype.result_type([(a.dtype, _kind(a)), (b.dtype, _kind(b))])
        return cast(a, d), cast(b, d)
    if ta:
        t, s, first = a, b, True
    else:
        t, s, first = b, a, False
    if not isinstance(s, _SCALARS):
        if isinstance(s, (list, tuple, np.ndarray)):
            s = as_tensor_like(s, t)
            return binary_operands(a if ta else s, s if ta else b)
        raise TypeError(f"unsupported operand type: {type(s).__name__} (expected a Tensor or a number)")
    d = _dtype.result_type([(t.dtype, _kind(t)), (_dtype.scalar_dtype(s), 0)])
    xp = np if type(t.array) is np.ndarray else _xp(t)
    const = _make(xp.asarray(s, dtype=d.np))
    t = cast(t, d)
    return (t, const) if first else (const, t)


def scalar_to_device(a, b):
    """As torch, a 0-d CPU tensor meeting a tensor on another device acts as a number: it moves there
    (differentiably). Any other mix is left for the op to refuse."""
    if a.array.ndim == 0 and a.device.type == 'cpu':
        return a.to(b.device), b
    if b.array.ndim == 0 and b.device.type == 'cpu':
        return a, b.to(a.device)
    return a, b


def _xp(t):
    return xp_of(t.array)


def cast(t, d):
    """``t`` as dtype ``d``: itself when it already is, else a differentiable copy."""
    if t.array.dtype == d.np:
        return t
    from .convert import cast as _cast
    return _cast(t, d)


def float_operand(t):
    """Integer and bool tensors become the default float dtype, as torch does for exp, log, sqrt..."""
    if t.array.dtype.kind == 'f':
        return t
    return cast(t, _dtype.get_default_dtype())
