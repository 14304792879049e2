"""The error function and GELU, the activation built on it.

numpy has no ``erf``, so it is computed here from W. J. Cody's rational Chebyshev
approximations ("Rational Chebyshev approximations for the error function",
Math. Comp. 23, 1969), the ones behind SPECFUN's CALERF: three intervals of |x|, each
with its own rational function, accurate to about 1e-16 relative in float64. The code
is vectorised: each element is gathered into its interval's group and computed there only.
"""
import math

import numpy as np

from ..autograd import grad_mode
from ..autograd.function import Op
from .. import _backend
from .._backend import xp_of
from ._util import float_operand, _make
from .elementwise import exp, tanh

# erf(x) = x · P(x²) / Q(x²) for |x| <= 0.46875
_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
      1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
# erfc(x) = exp(-x²) · P(x) / Q(x) for 0.46875 < x <= 4
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
      8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
      2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
      3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03)
# erfc(x) = exp(-x²) / x · (1/√π + P(1/x²) / (x² Q(1/x²))) for x > 4
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
      6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
      2.33520497626869185e-3)
_SMALL, _MID = 0.46875, 4.0
_BIG = 27.0  # erfc(27) ≈ 5e-319 is below every float's precision: erf is ±1 from here on
_INV_SQRT_PI = 1 / math.sqrt(math.pi)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_PER_ELEMENT = 512  # measured crossover: below it, ~70 numpy calls cost more than per-element erf


def _rational(z, num, den):
    """num(z) / den(z) by Horner's rule, in place: Cody's numerators lead with their last
    coefficient and his denominators are monic."""
    n = z * num[-1]
    d = z.copy()
    for a, b in zip(num[:len(den) - 1], den[:-1]):
        n += a
        n *= z
        d += b
        d *= z
    n += num[len(den) - 1]
    d += den[-1]
    n /= d
    return n


def _erfc_large(y):
    """erfc(y) for y > 0.46875 (y may hold nan)."""
    xp = xp_of(y)
    y = xp.minimum(y, _BIG)
    r = xp.empty_like(y)
    mid = y <= _MID
    i = xp.flatnonzero(mid)
    if i.size:
        r[i] = _rational(y[i], _C, _D)
    i = xp.flatnonzero(~mid)
    if i.size:
        t = y[i]
        z = 1 / (t * t)
        r[i] = (_INV_SQRT_PI - z * _rational(z, _P, _Q)) / t
    # exp(-y²) as exp(-s²)·exp(-(y-s)(y+s)) with s = y rounded down to 1/16: s² is exact,
    # so the large exponent loses no digits (Cody's trick for the far tail)
    s = xp.trunc(y * 16) / 16
    r *= xp.exp(-s * s)
    r *= xp.exp((s - y) * (y + s))
    return r


def erf_array(x):
    """erf of a float array (numpy or cupy), in its own dtype."""
    if x.size <= _PER_ELEMENT and type(x) is np.ndarray:
        # small arrays: the C library's erf element by element beats Cody's many numpy calls
        return np.array([math.erf(v) for v in x.ravel().tolist()], dtype=x.dtype).reshape(x.shape)
    if type(x) is not np.ndarray:
        out = _backend.erf(x)
        if out is not None:
            return out
    xp = xp_of(x)
    flat = x.ravel()
    y = xp.abs(flat)
    out = xp.empty_like(flat)
    near = y <= _SMALL  # each element is computed in its own interval only
    i = xp.flatnonzero(near)
    if i.size:
        xs = flat[i]
        out[i] = xs * _rational(xs * xs, _A, _B)
    i = xp.flatnonzero(~near)
    if i.size:
        xl = flat[i]
        out[i] = xp.copysign((0.5 - _erfc_large(xp.abs(xl))) + 0.5, xl)
    return out.reshape(x.shape)


class Erf(Op):
    """d erf(x)/dx = 2/√π · exp(-x²)."""

    def forward(self, a):
        return erf_array(a)

    def backward(self, grad):
        x = self.inputs[0]
        return (grad * exp(-(x * x)) * _TWO_OVER_SQRT_PI,)


def erf(input):
    """The error function, erf(x) = 2/√π ∫₀ˣ exp(-t²) dt; integer inputs give the default float dtype."""
    return Erf()(float_operand(input))


# GELU's constants: Φ(x) = ½(1 + erf(x/√2)), φ(x) = exp(-x²/2)/√(2π), and the tanh form's √(2/π)
_INV_SQRT2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_CUBIC = 0.044715


class Gelu(Op):
    """x · Φ(x), Φ the standard normal CDF; ``approximate='tanh'`` uses
    ½x(1 + tanh(√(2/π)(x + 0.044715x³))). One node forward; backward in tensor ops."""

    def __init__(self, approximate):
        self.approximate = approximate

    def forward(self, x):
        # Φ(x) (or the tanh) is kept for backward, which then needs no second erf
        # (asarray: numpy gives scalars for a 0-d x, and backward wraps these in tensors)
        xp = xp_of(x)
        if self.approximate == 'tanh':
            self.t = xp.asarray(xp.tanh(_SQRT_2_OVER_PI * (x + _CUBIC * x * x * x)))
            return 0.5 * x * (1 + self.t)
        self.cdf = xp.asarray(0.5 * (1 + erf_array(x * _INV_SQRT2)))
        return x * self.cdf

    def backward(self, grad):
        x = self.inputs[0]
        # under create_graph the saved values must be recomputed as functions of x
        recompute = grad_mode.enabled
        if self.approximate == 'tanh':
            t = tanh(_SQRT_2_OVER_PI * (x + _CUBIC * x * x * x)) if recompute else _make(self.t)
            slope = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * _CUBIC * x * x)
        else:  # d/dx x·Φ(x) = Φ(x) + x·φ(x)
            cdf = 0.5 * (1 + erf(x * _INV_SQRT2)) if recompute else _make(self.cdf)
            slope = cdf + x * exp(-0.5 * x * x) * _INV_SQRT_2PI
        return (grad * slope,)


def gelu(input, approximate='none'):
    """Gaussian Error Linear Unit: x · Φ(x), Φ the standard normal CDF (``approximate='tanh'``: the tanh form)."""
    if approximate not in ('none', 'tanh'):
        raise RuntimeError(f"approximate argument must be either none or tanh (got {approximate!r}).")
    if input.array.dtype.kind != 'f':
        raise NotImplementedError(f'"GeluKernelImpl" not implemented for {input.dtype.name} tensors; '
                                  'convert first, e.g. x.float()')
    return Gelu(approximate)(input)
