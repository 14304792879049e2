"""Reductions over dims: sum, mean, prod, max/min, var/std, logsumexp, norm, all/any."""
from ..autograd.function import Op
from .. import _dtype
from ._util import wrap_dims, cast
from .broadcast import broadcast_to


def _keep_shape(shape, axes):
    """``shape`` with the reduced ``axes`` set to 1 (the keepdim shape)."""
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


class Sum(Op):
    saves = ()

    def __init__(self, axes, keepdim):
        self.axes, self.keepdim = axes, keepdim

    def forward(self, a):
        self.in_shape = a.shape
        return a.sum(axis=self.axes, keepdims=self.keepdim)

    def backward(self, grad):
        if not self.keepdim:
            grad = grad.reshape(_keep_shape(self.in_shape, self.axes))
        return (broadcast_to(grad, self.in_shape),)


def sum(t, dim=None, keepdim=False, dtype=None):
    """Sum over ``dim`` (all dims when None). Integer and bool sums are int64, as in torch."""
    if dtype is not None:
        t = cast(t, _dtype.to_dtype(dtype))
    elif t.array.dtype.kind in 'iub':
        t = cast(t, _dtype.int64)
    axes = wrap_dims(dim, t.array.ndim)
    if t.array.ndim == 0:
        axes = ()
    return Sum(axes, keepdim)(t)


def mean(t, dim=None, keepdim=False, dtype=None):
    """Mean over ``dim``; integer tensors raise as in torch (ask for a float dtype)."""
    if dtype is not None:
        t = cast(t, _dtype.to_dtype(dtype))
    if t.array.dtype.kind not in 'fc':
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {t.dtype.name.capitalize()}. Use x.float().mean() or pass dtype=.")
    axes = wrap_dims(dim, t.array.ndim)
    n = 1
    for a in axes:
        n *= t.array.shape[a]
    s = Sum(axes if t.array.ndim else (), keepdim)(t)
    return s / n


# --- placeholders, being written now (each helper replaces its block) ---
def prod(*args, **kwargs):
    raise NotImplementedError('prod')


def max(*args, **kwargs):
    raise NotImplementedError('max')


def min(*args, **kwargs):
    raise NotImplementedError('min')


def amax(*args, **kwargs):
    raise NotImplementedError('amax')


def amin(*args, **kwargs):
    raise NotImplementedError('amin')


def argmax(*args, **kwargs):
    raise NotImplementedError('argmax')


def argmin(*args, **kwargs):
    raise NotImplementedError('argmin')


def var(*args, **kwargs):
    raise NotImplementedError('var')


def std(*args, **kwargs):
    raise NotImplementedError('std')


def logsumexp(*args, **kwargs):
    raise NotImplementedError('logsumexp')


def norm(*args, **kwargs):
    raise NotImplementedError('norm')


def all(*args, **kwargs):
    raise NotImplementedError('all')


def any(*args, **kwargs):
    raise NotImplementedError('any')
