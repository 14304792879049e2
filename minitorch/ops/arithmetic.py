"""Arithmetic with broadcasting: + - * / // % ** and their reversed forms.

Every broadcasting op reduces its input gradients with ``sum_to``, so a (3,1) tensor
added to a (1,4) one gets (3,1) and (1,4) gradients back. A floating tensor with a plain
number takes a single-input op instead (no constant tensor, nothing to reduce).
"""
import numpy as np

from ..autograd.function import Op
from .. import _dtype
from ._util import binary_operands, float_operand, cast, Tensor
from .broadcast import sum_to, sum_to_array, broadcast_shapes
from .elementwise import _binary, where, log, floor, trunc, clone, reciprocal


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

    def backward_arrays(self, grad):
        a, b = self.inputs
        return (sum_to_array(grad, a.array.shape) if a._requires_grad else None,
                sum_to_array(grad, b.array.shape) if b._requires_grad else None)


class Sub(Op):
    saves = ()

    def forward(self, a, b):
        return a - b

    def backward(self, grad):
        a, b = self.inputs
        return (sum_to(grad, a.array.shape) if a._requires_grad else None,
                sum_to(-grad, b.array.shape) if b._requires_grad else None)

    def backward_arrays(self, grad):
        a, b = self.inputs
        return (sum_to_array(grad, a.array.shape) if a._requires_grad else None,
                sum_to_array(-grad, b.array.shape) if b._requires_grad else None)


class Mul(Op):
    def forward(self, a, b):
        return a * b

    def backward(self, grad):
        a, b = self.inputs
        ga = sum_to(grad * b, a.array.shape) if a.requires_grad else None
        gb = sum_to(grad * a, b.array.shape) if b.requires_grad else None
        return ga, gb

    def backward_arrays(self, grad):
        a, b = self.inputs
        return (sum_to_array(grad * b.array, a.array.shape) if a._requires_grad else None,
                sum_to_array(grad * a.array, b.array.shape) if b._requires_grad else None)

    def _record(self, inputs, out):
        # Only the operand that the *other* gradient needs is saved (so x.mul_(2) stays legal).
        if inputs[0]._requires_grad:
            self.saves = (1, 0) if inputs[1]._requires_grad else (1,)
        else:
            self.saves = (0,)
        return Op._record(self, inputs, out)


class Div(Op):
    def forward(self, a, b):
        return a / b

    def backward(self, grad):
        a, b = self.inputs
        ga = sum_to(grad / b, a.array.shape) if a.requires_grad else None
        gb = sum_to(-grad * a / (b * b), b.array.shape) if b.requires_grad else None
        return ga, gb

    def backward_arrays(self, grad):
        a, b = self.inputs[0].array, self.inputs[1].array
        return (sum_to_array(grad / b, a.shape) if self.inputs[0]._requires_grad else None,
                sum_to_array(-grad * a / (b * b), b.shape) if self.inputs[1]._requires_grad else None)

    def _record(self, inputs, out):
        self.saves = (0, 1) if inputs[1]._requires_grad else (1,)
        return Op._record(self, inputs, out)


class Neg(Op):
    saves = ()

    def forward(self, a):
        return -a

    def backward(self, grad):
        return (-grad,)

    backward_arrays = backward


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

    backward_arrays = backward


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

    backward_arrays = backward


class MulScalar(Op):
    backward_name = 'MulBackward0'
    saves = ()

    def __init__(self, c):
        self.c = c

    def forward(self, a):
        return a * self.c

    def backward(self, grad):
        return (grad * self.c,)

    backward_arrays = backward


class DivScalar(Op):
    backward_name = 'DivBackward0'
    saves = ()

    def __init__(self, c):
        self.c = c

    def forward(self, a):
        return a / self.c

    def backward(self, grad):
        return (grad / self.c,)

    backward_arrays = backward


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
    """``b / a`` for a tensor ``a`` and a number ``b``: as torch, a's reciprocal times b (so the
    graph shows MulBackward0 over ReciprocalBackward0, and the rounding is torch's)."""
    if isinstance(b, Tensor):
        return div(b, a)
    return mul(reciprocal(a), b)


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
