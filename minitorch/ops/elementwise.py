"""Elementwise arithmetic and math functions, with broadcasting.

Every broadcasting op reduces its input gradients with ``sum_to``, so a (3,1) tensor
added to a (1,4) one gets (3,1) and (1,4) gradients back.
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


# -- arithmetic ---------------------------------------------------------------------------

class Add(Op):
    saves = ()

    def forward(self, a, b):
        return a + b

    def backward(self, grad):
        a, b = self.inputs
        # a constant operand (a wrapped scalar, a non-grad tensor) needs no reduction at all
        return (sum_to(grad, a.array.shape) if a._requires_grad else None,
                sum_to(grad, b.array.shape) if b._requires_grad else None)


class Sub(Op):
    saves = ()

    def forward(self, a, b):
        return a - b

    def backward(self, grad):
        a, b = self.inputs
        return (sum_to(grad, a.array.shape) if a._requires_grad else None,
                sum_to(-grad, b.array.shape) if b._requires_grad else None)


class Mul(Op):
    def forward(self, a, b):
        return a * b

    def backward(self, grad):
        a, b = self.inputs
        ga = sum_to(grad * b, a.array.shape) if a.requires_grad else None
        gb = sum_to(grad * a, b.array.shape) if b.requires_grad else None
        return ga, gb

    def _record(self, inputs, out):
        # Only the operand that the *other* gradient needs is saved (so x.mul_(2) stays legal).
        a, b = inputs
        self.saves = tuple(i for i, t in ((1, a), (0, b)) if t.requires_grad)
        return Op._record(self, inputs, out)


class Div(Op):
    def forward(self, a, b):
        return a / b

    def backward(self, grad):
        a, b = self.inputs
        ga = sum_to(grad / b, a.array.shape) if a.requires_grad else None
        gb = sum_to(-grad * a / (b * b), b.array.shape) if b.requires_grad else None
        return ga, gb

    def _record(self, inputs, out):
        a, b = inputs
        self.saves = (0, 1) if b.requires_grad else (1,)
        return Op._record(self, inputs, out)


class Neg(Op):
    saves = ()

    def forward(self, a):
        return -a

    def backward(self, grad):
        return (-grad,)


class PowConst(Op):
    """x ** c for a constant exponent c."""
    backward_name = 'PowBackward0'

    def __init__(self, c):
        self.c = c

    def forward(self, a):
        return a ** self.c

    def backward(self, grad):
        (a,) = self.inputs
        c = self.c
        if c == 0:
            return (grad * 0.0,)
        return (grad * c * a ** (c - 1),)


class Pow(Op):
    """x ** y for tensors; the exponent's gradient is out * log(x), taken as 0 where x == 0."""
    backward_name = 'PowBackward1'
    saves_output = True

    def forward(self, a, b):
        return a ** b

    def backward(self, grad):
        a, b = self.inputs
        ga = gb = None
        if a.requires_grad:
            ga = sum_to(grad * b * a ** (b - 1), a.array.shape)
        if b.requires_grad:
            safe_log = where(a == 0, 0.0, log(where(a == 0, 1.0, a)))
            gb = sum_to(grad * self.output() * safe_log, b.array.shape)
        return ga, gb


class RPowConst(Op):
    """c ** x for a constant base c."""
    backward_name = 'PowBackward2'
    saves_output = True
    saves = ()

    def __init__(self, c):
        self.c = c

    def forward(self, a):
        return np.asarray(self.c, dtype=a.dtype) ** a if type(a) is np.ndarray else self.c ** a

    def backward(self, grad):
        return (grad * self.output() * float(np.log(self.c)) if self.c > 0 else grad * 0.0,)


class FloorDivide(Op):
    def forward(self, a, b):
        return a // b

    def backward(self, grad):
        a, b = self.inputs
        return sum_to(grad * 0, a.array.shape), sum_to(grad * 0, b.array.shape)


class Remainder(Op):
    """Python's modulo (the result has the sign of the divisor), as torch's ``%``."""

    def forward(self, a, b):
        return a % b

    def backward(self, grad):
        a, b = self.inputs
        gb = None
        if b.requires_grad:
            gb = sum_to(-grad * floor(a / b), b.array.shape)
        return sum_to(grad, a.array.shape), gb


# -- a float tensor with a Python number: no constant tensor, no reduction in backward --------

def _float_scalar(t, s):
    """``s`` as a Python number when ``t`` is a floating tensor and ``s`` a plain number, else None.

    The result then keeps ``t``'s dtype (torch's rule for wrapped scalars), which is also what
    numpy does with a Python number; numpy scalars are converted first, as numpy would
    otherwise let a float64 scalar widen a float32 array.
    """
    ts = type(s)
    if ts is float or ts is int:
        pass
    elif isinstance(s, (np.floating, np.integer)):
        s = s.item()
    else:
        return None
    if isinstance(t, Tensor) and t.array.dtype.kind == 'f':
        return s
    return None


class AddScalar(Op):
    backward_name = 'AddBackward0'
    saves = ()

    def __init__(self, c):
        self.c = c

    def forward(self, a):
        return a + self.c

    def backward(self, grad):
        return (grad,)


class RSubScalar(Op):
    """c - x."""
    backward_name = 'RsubBackward1'
    saves = ()

    def __init__(self, c):
        self.c = c

    def forward(self, a):
        return self.c - a

    def backward(self, grad):
        return (-grad,)


class MulScalar(Op):
    backward_name = 'MulBackward0'
    saves = ()

    def __init__(self, c):
        self.c = c

    def forward(self, a):
        return a * self.c

    def backward(self, grad):
        return (grad * self.c,)


class DivScalar(Op):
    backward_name = 'DivBackward0'
    saves = ()

    def __init__(self, c):
        self.c = c

    def forward(self, a):
        return a / self.c

    def backward(self, grad):
        return (grad / self.c,)


def add(a, b, alpha=1):
    """a + alpha * b, broadcasting."""
    if alpha != 1:
        b = b * alpha
    if not isinstance(b, Tensor):
        c = _float_scalar(a, b)
        if c is not None:
            return AddScalar(c)(a)
    elif not isinstance(a, Tensor):
        c = _float_scalar(b, a)
        if c is not None:
            return AddScalar(c)(b)
    return _binary(Add(), a, b)


def sub(a, b, alpha=1):
    """a - alpha * b, broadcasting."""
    if alpha != 1:
        b = b * alpha
    if not isinstance(b, Tensor):
        c = _float_scalar(a, b)
        if c is not None:
            op = AddScalar(-c)
            op.backward_name = 'SubBackward0'
            return op(a)
    elif not isinstance(a, Tensor):
        c = _float_scalar(b, a)
        if c is not None:
            return RSubScalar(c)(b)
    return _binary(Sub(), a, b)


def rsub(a, b):
    return sub(b, a)


def mul(a, b):
    if not isinstance(b, Tensor):
        c = _float_scalar(a, b)
        if c is not None:
            return MulScalar(c)(a)
    elif not isinstance(a, Tensor):
        c = _float_scalar(b, a)
        if c is not None:
            return MulScalar(c)(b)
    return _binary(Mul(), a, b)


def _true_operands(a, b):
    a, b = binary_operands(a, b)
    if a.array.dtype.kind != 'f':  # integer true division gives the default float dtype
        d = _dtype.get_default_dtype()
        from ._util import cast
        a, b = cast(a, d), cast(b, d)
    return a, b


def div(a, b, rounding_mode=None):
    """a / b; ``rounding_mode`` 'floor' or 'trunc' rounds the quotient as torch does."""
    if rounding_mode == 'floor':
        return floor_divide(a, b)
    if rounding_mode == 'trunc':
        q = div(a, b)
        a2, _ = binary_operands(a, b)
        return trunc(q).to(a2.dtype) if a2.array.dtype.kind != 'f' else trunc(q)
    if rounding_mode is not None:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    if not isinstance(b, Tensor):
        c = _float_scalar(a, b)
        if c is not None:
            return DivScalar(c)(a)
    a, b = _true_operands(a, b)
    try:
        return Div()(a, b)
    except ValueError:
        broadcast_shapes(a.array.shape, b.array.shape)
        raise


def rdiv(a, b):
    return div(b, a)


def floor_divide(a, b):
    a, b = binary_operands(a, b)
    if a.array.dtype.kind in 'iu' and (b.array == 0).any():
        raise ZeroDivisionError("ZeroDivisionError: integer division by zero")
    return _binary(FloorDivide(), a, b)


def remainder(a, b):
    a, b = binary_operands(a, b)
    if a.array.dtype.kind in 'iu' and (b.array == 0).any():
        raise RuntimeError("ZeroDivisionError: integer modulo by zero")
    return _binary(Remainder(), a, b)


def neg(a):
    if a.array.dtype.kind == 'b':
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return Neg()(a)


def pow(a, b):
    """a ** b for a tensor and a number, a number and a tensor, or two tensors."""
    if isinstance(a, Tensor) and not isinstance(b, Tensor) and isinstance(b, (int, float, np.number)):
        if a.array.dtype.kind in 'iub':
            if isinstance(b, (float, np.floating)):
                a = float_operand(a)
            elif b < 0:
                raise RuntimeError("Integers to negative integer powers are not allowed.")
        if b == 1:
            return clone(a) if a.requires_grad else a
        return PowConst(b)(a)
    if not isinstance(a, Tensor) and isinstance(a, (int, float, np.number)):
        b = b if isinstance(a, int) or b.array.dtype.kind == 'f' else float_operand(b)
        if isinstance(a, int) and b.array.dtype.kind != 'f':
            return RPowConst(a)(b)
        return RPowConst(float(a))(b)
    a, b = binary_operands(a, b)
    return _binary(Pow(), a, b)


def rpow(a, b):
    return pow(b, a)


def lerp(start, end, weight):
    """start + weight * (end - start)."""
    return start + weight * (end - start)


# -- unary math -----------------------------------------------------------------------------

class Exp(Op):
    saves = ()
    saves_output = True

    def forward(self, a):
        return np.exp(a) if type(a) is np.ndarray else _xp(a).exp(a)

    def backward(self, grad):
        return (grad * self.output(),)


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


class Sigmoid(Op):
    saves = ()
    saves_output = True

    def forward(self, a):
        xp = _xp(a)
        # exp of a non-positive number never overflows, so this is stable at both ends
        e = xp.exp(-xp.abs(a))
        return xp.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)

    def backward(self, grad):
        out = self.output()
        return (grad * out * (1 - out),)


class Relu(Op):
    backward_name = 'ReluBackward0'

    def forward(self, a):
        return _xp(a).maximum(a, 0) if a.dtype.kind != 'b' else a

    def backward(self, grad):
        (a,) = self.inputs
        return (grad * _make(a.array > 0),)


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
