"""Reductions over dims: sum, mean, prod, max/min, var/std, logsumexp, norm, all/any.

Every differentiable reduction is a ``_Reduction``: it remembers the reduced ``axes`` and
``keepdim``, and its backward first gives the reduced gradient its size-1 dims back
(``keep``) and broadcasts it over the input (``spread``).
"""
import builtins
import math
import warnings
from collections import namedtuple

import numpy as np

from ..autograd.function import Op
from .. import _dtype
from ._util import _make, wrap_dim, wrap_dims, cast, float_operand, Tensor
from .broadcast import broadcast_to
from .elementwise import where, exp, sign, abs as _abs, maximum, minimum
from .._backend import xp_of

# torch.return_types.max / min: a tuple that also has .values and .indices
max_return = namedtuple('max', ['values', 'indices'])
min_return = namedtuple('min', ['values', 'indices'])


def _keep_shape(shape, axes):
    """``shape`` with the reduced ``axes`` set to 1 (the keepdim shape)."""
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _axes(t, dim):
    """``dim`` as sorted non-negative axes; None or an empty tuple mean every dim, as in torch."""
    ndim = t.array.ndim
    if dim is None or (type(dim) in (tuple, list) and not dim):
        return tuple(range(ndim))
    if isinstance(dim, float):
        raise TypeError(f"argument 'dim' must be an int or a tuple of ints, not float ({dim})")
    axes = wrap_dims(dim, ndim)
    return axes if ndim else ()  # a 0-d tensor accepts dim 0 / -1 and has nothing to reduce


def _count(shape, axes):
    """How many elements each reduced slice holds."""
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _as_array(result):
    # numpy gives scalars for 0-d results; tensors hold arrays
    return np.asarray(result) if isinstance(result, np.generic) else result


class _Reduction(Op):
    """A reduction over ``axes``; backward uses ``keep``/``spread`` to undo the reduced shape."""

    def __init__(self, axes, keepdim):
        self.axes, self.keepdim = axes, keepdim

    def keep(self, t):
        """A reduced tensor with its reduced dims back as size 1."""
        if self.keepdim:
            return t
        return t.reshape(_keep_shape(self.inputs[0].array.shape, self.axes))

    def spread(self, t):
        """A reduced tensor broadcast over the input's shape."""
        return broadcast_to(self.keep(t), self.inputs[0].array.shape)

    def spread_array(self, a):
        """``spread`` for a gradient flowing as an array.

        It fills a new array rather than taking numpy's broadcast view: ``broadcast_to`` is
        Python code that costs ~2 us, several times an op on a small tensor.
        """
        shape = self.inputs[0].array.shape
        if not self.keepdim:
            a = a.reshape(_keep_shape(shape, self.axes))
        out = xp_of(a).empty(shape, a.dtype)
        out[...] = a
        return out


# -- sum, mean, prod ------------------------------------------------------------------------

class Sum(_Reduction):
    saves = ()

    def forward(self, a):
        return a.sum(axis=self.axes, keepdims=self.keepdim)

    def backward(self, grad):
        return (self.spread(grad),)

    def backward_arrays(self, grad):
        return (self.spread_array(grad),)


class Mean(_Reduction):
    saves = ()

    def forward(self, a):
        return a.sum(axis=self.axes, keepdims=self.keepdim) / _count(a.shape, self.axes)  # quicker than a.mean

    def backward(self, grad):
        return (self.spread(grad) / _count(self.inputs[0].array.shape, self.axes),)

    def backward_arrays(self, grad):
        g = self.spread_array(grad)
        g /= _count(self.inputs[0].array.shape, self.axes)  # in place: spread_array made a new array
        return (g,)


def sum(t, dim=None, keepdim=False, dtype=None):
    """Sum over ``dim`` (an int, a tuple, or None for all dims). Integer and bool sums are int64, as in torch."""
    if dtype is not None:
        t = cast(t, _dtype.to_dtype(dtype))
    axes = _axes(t, dim)
    if t.array.dtype.kind in 'iub':  # integers carry no gradient; sum straight into int64
        return _make(_as_array(t.array.sum(axis=axes, keepdims=keepdim, dtype=np.int64)))
    op = Sum(axes, keepdim)
    if dim is not None:
        op.backward_name = 'SumBackward1'  # torch's name for the overload with dims
    return op(t)


def mean(t, dim=None, keepdim=False, dtype=None):
    """Mean over ``dim``; integer tensors raise as in torch (ask for a float dtype)."""
    if dtype is not None:
        dtype = _dtype.to_dtype(dtype)
        if not dtype.is_floating_point:
            raise RuntimeError(f"mean(): could not infer output dtype. Optional dtype must be either a floating "
                               f"point or complex dtype. Got: {dtype.name.capitalize()}")
        t = cast(t, dtype)
    if t.array.dtype.kind not in 'fc':
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {t.dtype.name.capitalize()}. Use x.float().mean() or pass dtype=.")
    op = Mean(_axes(t, dim), keepdim)
    if dim is not None:
        op.backward_name = 'MeanBackward1'
    return op(t)


class Prod(_Reduction):
    saves_output = True

    def forward(self, a):
        return a.prod(axis=self.axes, keepdims=self.keepdim)

    def backward(self, grad):
        # d out / d x_i is the product of all the other elements.
        (x,) = self.inputs
        g = self.keep(grad)
        zero = x.array == 0
        if not zero.any():
            return (g * self.keep(self.output()) / x,)
        # With zeros, out / x is 0/0. Split the product of the others into its nonzero factors
        # (p_safe / x_safe, zeros read as 1) and its zero factors. The zero factors' product is 1
        # when there are none, the other zero itself (value 0, slope 1) when there is one, else 0;
        # written so, the second derivative is right too.
        is_zero = _make(zero)
        others = zero.sum(axis=self.axes, keepdims=True) - zero  # zeros among the other elements
        x_safe = where(is_zero, 1.0, x)
        p_safe = Prod(self.axes, True)(x_safe)
        zeros_only = where(is_zero, x, 0.0)
        other_zero = Sum(self.axes, True)(zeros_only) - zeros_only
        zero_factor = where(_make(others == 0), 1.0, where(_make(others == 1), other_zero, 0.0))
        return (g * p_safe / x_safe * zero_factor,)


def prod(t, dim=None, keepdim=False, dtype=None):
    """Product of the elements over ``dim`` (one int, or None for all). Integer and bool inputs give int64."""
    if dtype is not None:
        t = cast(t, _dtype.to_dtype(dtype))
    if dim is not None and not isinstance(dim, (int, np.integer)):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__} (torch.prod reduces one dim "
                        "at a time; call it once per dim)")
    axes = _axes(t, dim)
    if t.array.dtype.kind in 'iub':
        return _make(_as_array(t.array.prod(axis=axes, keepdims=keepdim, dtype=np.int64)))
    op = Prod(axes, keepdim)
    op.backward_name = 'ProdBackward0' if dim is None else 'ProdBackward1'
    return op(t)


# -- max, min and their indices ---------------------------------------------------------------

class Extreme(_Reduction):
    """amax / amin, and max() / min() without a dim: equal maxima share the gradient evenly, as in torch."""
    saves_output = True

    def __init__(self, axes, keepdim, largest, name):
        self.axes, self.keepdim, self.largest, self.backward_name = axes, keepdim, largest, name

    def forward(self, a):
        return a.max(axis=self.axes, keepdims=self.keepdim) if self.largest else \
            a.min(axis=self.axes, keepdims=self.keepdim)

    def backward(self, grad):
        x = self.inputs[0].array
        out = self.out if self.keepdim else self.out.reshape(_keep_shape(x.shape, self.axes))
        hit = x == out
        share = (hit / hit.sum(axis=self.axes, keepdims=True)).astype(x.dtype, copy=False)
        return (self.spread(grad) * _make(_as_array(share)),)


class ExtremeAlong(Op):
    """max / min along one dim, with where they are: the gradient goes to that index only."""
    saves = ()

    def __init__(self, axis, keepdim, largest):
        self.axis, self.keepdim, self.largest = axis, keepdim, largest
        self.backward_name = 'MaxBackward0' if largest else 'MinBackward0'

    def forward(self, a):
        find = a.argmax if self.largest else a.argmin
        self.index = find(axis=self.axis, keepdims=True)
        values = _xp(a).take_along_axis(a, self.index, self.axis)
        return values if self.keepdim else values.squeeze(self.axis)

    def backward(self, grad):
        x = self.inputs[0].array
        positions = _xp(x).arange(x.shape[self.axis]).reshape([-1 if i == self.axis else 1 for i in range(x.ndim)])
        one_hot = (positions == self.index).astype(x.dtype)
        g = grad if self.keepdim else grad.reshape(_keep_shape(x.shape, (self.axis,)))
        return (broadcast_to(g, x.shape) * _make(one_hot),)


_xp = xp_of  # numpy or cupy, whichever holds the array


def _check_nonempty(t, axes, name, dim_given):
    """torch refuses to take the max of nothing; say which dim is empty."""
    if t.array.size:
        return
    if not dim_given:
        error = IndexError if name.startswith('arg') else RuntimeError  # torch's choice
        raise error(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                    "Specify the reduction dim with the 'dim' argument.")
    for a in axes:
        if t.array.shape[a] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {a} to have non-zero size.")


def _extreme(t, dim, keepdim, largest):
    name = 'max' if largest else 'min'
    if isinstance(dim, Tensor):  # torch.max(a, b) is the elementwise maximum
        return maximum(t, dim) if largest else minimum(t, dim)
    if dim is None:
        _check_nonempty(t, (), name, False)
        return Extreme(tuple(range(t.array.ndim)), False, largest, name.capitalize() + 'Backward1')(t)
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__} "
                        f"(use amax/amin to reduce several dims at once)")
    axis = wrap_dim(int(dim), t.array.ndim)
    if t.array.ndim == 0:  # a 0-d tensor is its own max, at index 0
        t = t.reshape(1)
        keepdim = False
    _check_nonempty(t, (axis,), name, True)
    op = ExtremeAlong(axis, keepdim, largest)
    values = op(t)
    index = op.index if keepdim else op.index.squeeze(axis)
    return (max_return if largest else min_return)(values, _make(index.astype(np.int64, copy=False)))


def max(t, dim=None, keepdim=False):
    """The largest element (a 0-d tensor); with ``dim``, ``(values, indices)`` along that dim.

    ``max(a, b)`` with a tensor ``b`` is the elementwise ``maximum``, as in torch.
    """
    return _extreme(t, dim, keepdim, True)


def min(t, dim=None, keepdim=False):
    """The smallest element (a 0-d tensor); with ``dim``, ``(values, indices)`` along that dim.

    ``min(a, b)`` with a tensor ``b`` is the elementwise ``minimum``, as in torch.
    """
    return _extreme(t, dim, keepdim, False)


def _amax(t, dim, keepdim, largest):
    axes = _axes(t, dim)
    name = 'amax' if largest else 'amin'
    _check_nonempty(t, axes, name, True)
    return Extreme(axes, keepdim, largest, name.capitalize() + 'Backward0')(t)


def amax(t, dim=(), keepdim=False):
    """The maximum over ``dim`` (an int or a tuple; all dims by default). Ties share the gradient evenly."""
    return _amax(t, dim, keepdim, True)


def amin(t, dim=(), keepdim=False):
    """The minimum over ``dim`` (an int or a tuple; all dims by default). Ties share the gradient evenly."""
    return _amax(t, dim, keepdim, False)


def _arg(t, dim, keepdim, largest):
    name = 'argmax' if largest else 'argmin'
    a = t.array
    if dim is None:
        axis = None
        _check_nonempty(t, (), name, False)
    else:
        if not isinstance(dim, (int, np.integer)):
            raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
        axis = wrap_dim(int(dim), a.ndim) if a.ndim else None
        _check_nonempty(t, () if axis is None else (axis,), name, True)
    find = a.argmax if largest else a.argmin
    return _make(_as_array(find(axis=axis, keepdims=keepdim)).astype(np.int64, copy=False))


def argmax(t, dim=None, keepdim=False):
    """Index of the largest value (into the flattened tensor when ``dim`` is None); the first one on ties."""
    return _arg(t, dim, keepdim, True)


def argmin(t, dim=None, keepdim=False):
    """Index of the smallest value (into the flattened tensor when ``dim`` is None); the first one on ties."""
    return _arg(t, dim, keepdim, False)


# -- variance and standard deviation ----------------------------------------------------------

class Var(_Reduction):
    """sum((x - mean)^2) / (N - correction)."""

    def __init__(self, axes, keepdim, dof):
        self.axes, self.keepdim, self.dof = axes, keepdim, dof

    def forward(self, a):
        d = a - a.sum(axis=self.axes, keepdims=True) / _count(a.shape, self.axes)
        squares = (d * d).sum(axis=self.axes, keepdims=self.keepdim)
        if self.dof > 0:
            return squares / self.dof
        with np.errstate(divide='ignore', invalid='ignore'):  # torch gives inf / nan here, after its warning
            return squares / a.dtype.type(0)

    def backward(self, grad):
        (x,) = self.inputs
        scale = 2 / self.dof if self.dof > 0 else math.inf
        return (self.keep(grad) * scale * (x - mean(x, self.axes, True)),)


class Std(Var):
    saves_output = True

    def forward(self, a):
        return _xp(a).sqrt(Var.forward(self, a))

    def backward(self, grad):
        (x,) = self.inputs
        out = self.keep(self.output())
        live = _make(out.array != 0)
        out_safe = where(live, out, 1.0)  # a constant input has std 0 and gradient 0 (as torch), not 0/0
        return (self.keep(grad) * live / (out_safe * self.dof) * (x - mean(x, self.axes, True)),)


def _moments(op_cls, name, t, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):  # torch's var(input, unbiased) form
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}(): pass either unbiased or correction, not both "
                        "(correction=1 is unbiased=True, correction=0 is unbiased=False)")
    if correction is None:
        correction = 0 if unbiased is False else 1
    if t.array.dtype.kind not in 'fc':
        raise RuntimeError("std and var only support floating point and complex dtypes; convert first, e.g. x.float()")
    axes = _axes(t, dim)
    dof = _count(t.array.shape, axes) - correction
    if dof <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return op_cls(axes, keepdim, builtins.max(dof, 0))(t)


def var(t, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance over ``dim``: sum((x - mean)^2) / (N - correction).

    ``correction`` defaults to 1 (Bessel's correction); ``unbiased=False`` means ``correction=0``.
    """
    return _moments(Var, 'var', t, dim, unbiased, keepdim, correction)


def std(t, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation over ``dim``: the square root of ``var`` with the same arguments."""
    return _moments(Std, 'std', t, dim, unbiased, keepdim, correction)


# -- logsumexp and norms ----------------------------------------------------------------------

class LogSumExp(_Reduction):
    saves_output = True
    backward_name = 'LogsumexpBackward0'

    def forward(self, a):
        xp = _xp(a)
        # Shift by the max so exp cannot overflow; a slice of all -inf (or an inf max) is shifted by 0 instead.
        m = a.max(axis=self.axes, keepdims=True) if a.size else xp.zeros(_keep_shape(a.shape, self.axes), a.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        out = xp.log(xp.exp(a - m).sum(axis=self.axes, keepdims=True)) + m
        return out if self.keepdim else out.reshape([s for i, s in enumerate(out.shape) if i not in self.axes])

    def backward(self, grad):
        # the gradient of logsumexp is softmax: exp(x - logsumexp(x))
        (x,) = self.inputs
        return (self.keep(grad) * exp(x - self.keep(self.output())),)


def logsumexp(t, dim, keepdim=False):
    """log(sum(exp(t))) over ``dim``, computed stably (large inputs do not overflow)."""
    t = float_operand(t)
    return LogSumExp(_axes(t, dim), keepdim)(t)


class Norm(_Reduction):
    """The vector p-norm (sum |x|^p)^(1/p); where the norm is 0 the gradient is 0, as in torch."""
    saves_output = True
    backward_name = 'LinalgVectorNormBackward0'

    def __init__(self, axes, keepdim, p):
        self.axes, self.keepdim, self.p = axes, keepdim, p

    def forward(self, a):
        xp = _xp(a)
        if self.p == 2:
            return xp.sqrt((a * a).sum(axis=self.axes, keepdims=self.keepdim))
        if self.p == 0:  # the number of nonzero elements
            return (a != 0).sum(axis=self.axes, keepdims=self.keepdim).astype(a.dtype)
        return (xp.abs(a) ** self.p).sum(axis=self.axes, keepdims=self.keepdim) ** (1 / self.p)

    def backward(self, grad):
        (x,) = self.inputs
        if self.p == 0:
            return (self.spread(grad) * 0,)
        out = self.keep(self.output())
        live = _make(out.array != 0)
        out_safe = where(live, out, 1.0)
        g = self.keep(grad) * live
        if self.p == 2:
            return (x * (g / out_safe),)
        # d/dx_i = sign(x_i) (|x_i| / norm)^(p-1); zeros read as 1 so p < 1 does not give inf * 0
        nonzero = _make(x.array != 0)
        return (g * sign(x) * (where(nonzero, _abs(x), 1.0) / out_safe) ** (self.p - 1),)


def norm(t, p='fro', dim=None, keepdim=False, dtype=None):
    """The vector p-norm over ``dim`` (all dims when None).

    ``p``: 'fro' (the default, the 2-norm of all the elements reduced), a number (2, 1, 0.5, ...),
    ``inf`` (largest absolute value) or ``-inf`` (smallest).
    """
    if dtype is not None:
        t = cast(t, _dtype.to_dtype(dtype))
    if t.array.dtype.kind not in 'fc':
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{t.dtype.name.capitalize()}; convert it first, e.g. x.float()")
    if isinstance(p, str):
        if p == 'nuc':
            raise NotImplementedError("minitorch does not implement the nuclear norm (p='nuc')")
        if p != 'fro':
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        if isinstance(dim, (tuple, list)) and len(dim) > 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
        p = 2
    axes = _axes(t, dim)
    if p == math.inf:
        return _amax(_abs(t), axes, keepdim, True)
    if p == -math.inf:
        return _amax(_abs(t), axes, keepdim, False)
    if p == 1:
        return sum(_abs(t), axes, keepdim)
    return Norm(axes, keepdim, p)(t)


# -- all, any -----------------------------------------------------------------------------------

def _logical(t, dim, keepdim, name):
    a = t.array
    if dim is None:
        axes = None
    else:  # unlike sum, an empty dim tuple reduces nothing
        axes = wrap_dims(dim, a.ndim) if a.ndim else ()
    out = _as_array(getattr(a, name)(axis=axes, keepdims=keepdim))
    return _make(out.astype(np.uint8) if a.dtype == np.uint8 else out)  # torch keeps uint8 for uint8


def all(t, dim=None, keepdim=False):
    """Whether every element (over ``dim``) is nonzero; a bool tensor (uint8 for uint8 input)."""
    return _logical(t, dim, keepdim, 'all')


def any(t, dim=None, keepdim=False):
    """Whether any element (over ``dim``) is nonzero; a bool tensor (uint8 for uint8 input)."""
    return _logical(t, dim, keepdim, 'any')
