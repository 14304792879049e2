"""Neural-network ops that need their own numerics: softmax and log_softmax (stable).

Both subtract the max along ``dim`` first, so exp never overflows, and both have a fused
backward written with tensor ops (so second derivatives work).
"""
import numpy as np

from ..autograd.function import Op
from .. import _dtype
from ._util import wrap_dim, cast
from .elementwise import exp
from .reduce import sum
from .._backend import xp_of


class Softmax(Op):
    saves = ()
    saves_output = True

    def __init__(self, axis):
        self.axis = axis

    def forward(self, a):
        xp = _xp(a)
        e = xp.exp(a - a.max(axis=self.axis, keepdims=True))
        e /= e.sum(axis=self.axis, keepdims=True)
        return e

    def backward(self, grad):
        out = self.output()
        return (out * (grad - sum(grad * out, self.axis, True)),)


class LogSoftmax(Op):
    saves = ()
    saves_output = True

    def __init__(self, axis):
        self.axis = axis

    def forward(self, a):
        xp = _xp(a)
        shifted = a - a.max(axis=self.axis, keepdims=True)
        return shifted - xp.log(xp.exp(shifted).sum(axis=self.axis, keepdims=True))

    def backward(self, grad):
        # exp(log_softmax) is softmax; each output moves with every input through the logsumexp
        return (grad - exp(self.output()) * sum(grad, self.axis, True),)


_xp = xp_of  # numpy or cupy, whichever holds the array


def _prepare(name, t, dim, dtype):
    if dim is None:
        raise TypeError(f"{name}() missing the required argument 'dim': the dimension whose values are "
                        f"normalised, e.g. {name}(x, dim=-1) for the last dim (the classes of a batch of logits)")
    if dtype is not None:
        t = cast(t, _dtype.to_dtype(dtype))
    if t.array.dtype.kind != 'f':
        raise NotImplementedError(f"{name} is not implemented for {t.dtype.name} tensors; convert first "
                                  f"(x.float()) or pass dtype=minitorch.float32")
    axis = wrap_dim(dim, t.array.ndim)
    return t, axis if t.array.ndim else None  # a 0-d tensor is its own slice


def softmax(t, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``: the values along ``dim`` are positive and sum to 1.

    ``dtype`` casts the input first (as torch does), e.g. to compute in float64.
    """
    t, axis = _prepare('softmax', t, dim, dtype)
    return Softmax(axis)(t)


def log_softmax(t, dim=None, dtype=None):
    """log(softmax(x)) along ``dim``, computed as x - logsumexp(x) so it stays finite for large inputs."""
    t, axis = _prepare('log_softmax', t, dim, dtype)
    return LogSoftmax(axis)(t)
