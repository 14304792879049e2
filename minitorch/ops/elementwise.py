"""Elementwise math (exp, log, tanh, sigmoid, relu, abs, clamp...) and selection (maximum,
minimum, where). Arithmetic operators live in ``arithmetic.py``.

Binary ops here broadcast and reduce their gradients with ``sum_to``.
"""
import numpy as np

from ..autograd.function import Op
from .. import _dtype
from ._util import _make, binary_operands, float_operand, Tensor
from .broadcast import sum_to, broadcast_shapes
from .._backend import xp_of


def _binary(op, a, b):
    a, b = binary_operands(a, b)
    try:
        return op(a, b)
    except ValueError:
        broadcast_shapes(a.array.shape, b.array.shape)  # raises torch's RuntimeError naming both shapes
        raise


# -- unary math -----------------------------------------------------------------------------

class Exp(Op):
    saves = ()
    saves_output = True

    def forward(self, a):
        return np.exp(a) if type(a) is np.ndarray else _xp(a).exp(a)

    def backward(self, grad):
        return (grad * self.output(),)

    def backward_arrays(self, grad):
        return (grad * self.out,)


class Log(Op):
    def forward(self, a):
        return _xp(a).log(a)

    def backward(self, grad):
        return (grad / self.inputs[0],)


class Log1p(Op):
    def forward(self, a):
        return _xp(a).log1p(a)

    def backward(self, grad):
        return (grad / (self.inputs[0] + 1),)


class Expm1(Op):
    saves = ()
    saves_output = True

    def forward(self, a):
        return _xp(a).expm1(a)

    def backward(self, grad):
        return (grad * (self.output() + 1),)


class Sqrt(Op):
    saves = ()
    saves_output = True

    def forward(self, a):
        return _xp(a).sqrt(a)

    def backward(self, grad):
        return (grad / (2 * self.output()),)


class Rsqrt(Op):
    saves = ()
    saves_output = True

    def forward(self, a):
        return 1 / _xp(a).sqrt(a)

    def backward(self, grad):
        out = self.output()
        return (grad * -0.5 * out * out * out,)


class Reciprocal(Op):
    saves = ()
    saves_output = True

    def forward(self, a):
        return 1 / a

    def backward(self, grad):
        out = self.output()
        return (-grad * out * out,)

    def backward_arrays(self, grad):
        out = self.out
        return (-grad * out * out,)


class Sin(Op):
    def forward(self, a):
        return _xp(a).sin(a)

    def backward(self, grad):
        return (grad * cos(self.inputs[0]),)


class Cos(Op):
    def forward(self, a):
        return _xp(a).cos(a)

    def backward(self, grad):
        return (grad * -sin(self.inputs[0]),)


class Tanh(Op):
    saves = ()
    saves_output = True

    def forward(self, a):
        return _xp(a).tanh(a)

    def backward(self, grad):
        out = self.output()
        return (grad * (1 - out * out),)

    def backward_arrays(self, grad):
        out = self.out
        return (grad * (1 - out * out),)


class Sigmoid(Op):
    saves = ()
    saves_output = True

    def forward(self, a):
        xp = _xp(a)
        # exp of a non-positive number never overflows, so this is stable at both ends
        e = xp.exp(-xp.abs(a))
        d = 1 + e
        return xp.where(a >= 0, 1 / d, e / d).astype(a.dtype, copy=False)

    def backward(self, grad):
        out = self.output()
        return (grad * out * (1 - out),)

    def backward_arrays(self, grad):
        out = self.out
        return (grad * out * (1 - out),)


class Relu(Op):
    backward_name = 'ReluBackward0'
    # the gradient reads the output (y > 0 exactly where x > 0), as torch's does, so the input, often
    # a convolution's large output, can be freed once forward is done
    saves = ()
    saves_output = True

    def forward(self, a):
        return _xp(a).maximum(a, 0) if a.dtype.kind != 'b' else a

    def backward(self, grad):
        return (grad * _make(self.out > 0),)

    def backward_arrays(self, grad):
        # the bool mask itself (a float copy of it would be one more output-sized temporary)
        return (grad * (self.out > 0),)


class Abs(Op):
    def forward(self, a):
        return _xp(a).abs(a)

    def backward(self, grad):
        return (grad * sign(self.inputs[0]),)


class Sign(Op):
    saves = ()

    def forward(self, a):
        return _xp(a).sign(a)

    def backward(self, grad):
        return (grad * 0,)


class Rounding(Op):
    """floor, ceil, round, trunc: piecewise constant, so the gradient is zero."""
    saves = ()

    def __init__(self, fn):
        self.fn = fn
        self.backward_name = fn.capitalize() + 'Backward0'

    def forward(self, a):
        xp = _xp(a)
        return {'floor': xp.floor, 'ceil': xp.ceil, 'round': xp.round, 'trunc': xp.trunc}[self.fn](a)

    def backward(self, grad):
        return (grad * 0,)


class Clamp(Op):
    """The gradient passes where min <= x <= max, as torch's clamp."""

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def forward(self, a):
        xp = _xp(a)
        out = a
        if self.lo is not None:
            out = xp.maximum(out, xp.asarray(self.lo, dtype=a.dtype))
        if self.hi is not None:
            out = xp.minimum(out, xp.asarray(self.hi, dtype=a.dtype))
        return out if out is not a else a.copy()

    def backward(self, grad):
        x = self.inputs[0].array
        mask = True
        if self.lo is not None:
            mask = x >= self.lo
        if self.hi is not None:
            mask = mask & (x <= self.hi)
        return (grad * _make(_xp(x).asarray(mask)),)


class Maximum(Op):
    """Elementwise max; where the two are equal each gets half the gradient, as torch does."""

    def forward(self, a, b):
        return _xp(a).maximum(a, b)

    def backward(self, grad):
        return _minmax_grads(self.inputs, grad, np.greater)


class Minimum(Op):
    def forward(self, a, b):
        return _xp(a).minimum(a, b)

    def backward(self, grad):
        return _minmax_grads(self.inputs, grad, np.less)


def _minmax_grads(inputs, grad, better):
    a, b = inputs
    wa = better(a.array, b.array) + 0.5 * (a.array == b.array)
    wa = _make(wa.astype(grad.array.dtype))
    return sum_to(grad * wa, a.array.shape), sum_to(grad * (1 - wa), b.array.shape)


class Where(Op):
    def __init__(self, cond):
        self.cond = cond

    saves = ()

    def forward(self, a, b):
        return _xp(a).where(self.cond, a, b)

    def backward(self, grad):
        a, b = self.inputs
        c = _make(self.cond)
        zero = grad * 0
        return (sum_to(where(c, grad, zero), a.array.shape) if a.requires_grad else None,
                sum_to(where(c, zero, grad), b.array.shape) if b.requires_grad else None)


class Clone(Op):
    saves = ()

    def forward(self, a):
        return a.copy()

    def backward(self, grad):
        return (grad,)

    backward_arrays = backward


_xp = xp_of  # numpy or cupy, whichever holds the array


def _float_unary(op_cls):
    def fn(a):
        return op_cls()(float_operand(a))
    fn.__name__ = op_cls.__name__.lower()
    fn.__doc__ = f"Elementwise {fn.__name__}; integer inputs give the default float dtype."
    return fn


exp = _float_unary(Exp)
log = _float_unary(Log)
log1p = _float_unary(Log1p)
expm1 = _float_unary(Expm1)
sqrt = _float_unary(Sqrt)
rsqrt = _float_unary(Rsqrt)
reciprocal = _float_unary(Reciprocal)
sin = _float_unary(Sin)
cos = _float_unary(Cos)
tanh = _float_unary(Tanh)
sigmoid = _float_unary(Sigmoid)


def log2(a):
    return log(a) / float(np.log(2))


def log10(a):
    return log(a) / float(np.log(10))


def square(a):
    return a * a


def relu(a):
    """max(a, 0) elementwise."""
    return Relu()(a)


def abs(a):
    return Abs()(a)


def sign(a):
    return Sign()(a)


def floor(a):
    return a if a.array.dtype.kind in 'iub' else Rounding('floor')(a)


def ceil(a):
    return a if a.array.dtype.kind in 'iub' else Rounding('ceil')(a)


def round(a, decimals=0):
    if a.array.dtype.kind in 'iub':
        return a
    if decimals:
        scale = 10.0 ** decimals
        return Rounding('round')(a * scale) / scale
    return Rounding('round')(a)


def trunc(a):
    return a if a.array.dtype.kind in 'iub' else Rounding('trunc')(a)


def clamp(a, min=None, max=None):
    """Limit values to [min, max]; either bound may be None (but not both)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = a
        if min is not None:
            out = maximum(out, min)
        if max is not None:
            out = minimum(out, max)
        return out
    if a.array.dtype.kind in 'iub' and any(isinstance(v, float) for v in (min, max)):
        a = float_operand(a)
    return Clamp(min, max)(a)


def maximum(a, b):
    return _binary(Maximum(), a, b)


def minimum(a, b):
    return _binary(Minimum(), a, b)


def where(condition, a=None, b=None):
    """Pick from ``a`` where ``condition`` holds, else from ``b`` (broadcasting all three)."""
    if a is None and b is None:
        from .compare import nonzero
        return nonzero(condition, as_tuple=True)
    cond = condition.array if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype.kind != 'b':
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_dtype.from_numpy(cond.dtype).name}; compare it first, e.g. where(x > 0, ...)")
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        from .._creation import tensor
        a = tensor(a)
    a, b = binary_operands(a, b)
    broadcast_shapes(cond.shape, a.array.shape, b.array.shape)  # clear error on a mismatch
    return Where(cond)(a, b)


def clone(a):
    """A copy with its own memory; gradients flow back to ``a``."""
    return Clone()(a)
