"""In-place ops: ``add_``, ``mul_``, ``x[i] = v``, ``+=``, ``zero_``, ``copy_``, ``uniform_``...

An in-place write bumps the tensor's version counter (shared with its views), so a
backward that saved the old values raises instead of using overwritten ones.

When the write must be recorded for autograd, the op runs out of place on a "shell" that
stands for the tensor's old value (same array, the old ``grad_fn``), and the result is
copied into the tensor's own memory; the tensor then takes the op as its ``grad_fn``.
When nothing is recorded (``no_grad``, as in optimizer steps), numpy writes in place.
"""
import numpy as np

from ..autograd import grad_mode
from ..autograd.function import Op
from .. import _dtype
from .._backend import xp_of
from ._util import _make, cast, Tensor
from . import elementwise as ew
from .broadcast import sum_to


def _check_leaf(t):
    if t.requires_grad and t.grad_fn is None and grad_mode.enabled:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation. "
                           "Wrap the update in `with minitorch.no_grad():` (as optimizers do), or use an "
                           "out-of-place op.")


def _write(t, result_array):
    """Copy ``result_array`` into ``t``'s memory with torch's casting and shape rules; bump the version."""
    arr = t.array
    if result_array.shape != arr.shape:
        try:
            bshape = np.broadcast_shapes(result_array.shape, arr.shape)
        except ValueError:
            bshape = result_array.shape
        if bshape != arr.shape:
            raise RuntimeError(f"output with shape {list(arr.shape)} doesn't match the broadcast shape {list(bshape)}")
    if result_array.dtype != arr.dtype and not np.can_cast(result_array.dtype, arr.dtype, casting='same_kind'):
        raise RuntimeError(f"result type {_dtype.from_numpy(result_array.dtype).name.capitalize()} can't be cast "
                           f"to the desired output type {_dtype.from_numpy(arr.dtype).name.capitalize()}")
    if not arr.flags.writeable:
        raise RuntimeError("unsupported operation: this tensor is an expanded (broadcast) view whose elements "
                           "share memory; clone() it before writing in place")
    arr[...] = result_array
    t._version[0] += 1


def _recording(t, *others):
    if not grad_mode.enabled:
        return False
    if t.requires_grad:
        return True
    return any(isinstance(o, Tensor) and o.requires_grad for o in others)


def _apply(t, fn, *others):
    """Run ``fn(shell, *others)`` (an out-of-place op) and make its result ``t``'s new value."""
    _check_leaf(t)
    if not _recording(t, *others):
        with grad_mode.no_grad():
            out = fn(t, *others)
        _write(t, out.array)
        return t
    if t._base is not None and (t._base.requires_grad or t.requires_grad):
        raise RuntimeError("minitorch does not record in-place ops on a view of a tensor that requires grad "
                           "(torch rewrites the base's history; minitorch keeps views simple). Use the "
                           "out-of-place op, or clone() the view first.")
    shell = _make(t.array, t.requires_grad, t.grad_fn)
    shell._version = t._version
    out = fn(shell, *others)
    _write(t, out.array.astype(t.array.dtype, copy=False))
    t.grad_fn = out.grad_fn
    t._requires_grad = out._requires_grad
    if out.grad_fn is not None and out.grad_fn.saves_output:
        # the op's saved output is the tensor itself: keep watching its version from here on
        out.grad_fn.out = t.array
        out.grad_fn.versions[-1] = (t._version, t._version[0])
    return t


_UFUNCS = {'add': np.add, 'sub': np.subtract, 'mul': np.multiply, 'div': np.true_divide}


def _fast(t, name, other):
    """Plain numpy in place, for the common unrecorded case (optimizer updates)."""
    a = t.array
    if type(a) is np.ndarray and a.dtype.kind == 'f' and t._base is None:
        b = other.array if isinstance(other, Tensor) else other
        if isinstance(other, Tensor):
            if type(b) is not np.ndarray or not np.can_cast(b.dtype, a.dtype, 'same_kind') or \
                    (b.shape != a.shape and np.broadcast_shapes(a.shape, b.shape) != a.shape):
                return False
        elif not isinstance(b, (int, float)):
            return False
        _UFUNCS[name](a, b, out=a, casting='same_kind')
        t._version[0] += 1
        return True
    return False


def add_(t, other, alpha=1):
    if alpha != 1:
        other = other * alpha
    if not _recording(t, other) and _fast(t, 'add', other):
        return t
    return _apply(t, ew.add, other)


def sub_(t, other, alpha=1):
    if alpha != 1:
        other = other * alpha
    if not _recording(t, other) and _fast(t, 'sub', other):
        return t
    return _apply(t, ew.sub, other)


def mul_(t, other):
    if not _recording(t, other) and _fast(t, 'mul', other):
        return t
    return _apply(t, ew.mul, other)


def div_(t, other):
    if not _recording(t, other) and _fast(t, 'div', other):
        return t
    return _apply(t, ew.div, other)


def pow_(t, exponent):
    return _apply(t, ew.pow, exponent)


def clamp_(t, min=None, max=None):
    return _apply(t, lambda x: ew.clamp(x, min, max))


def relu_(t):
    return _apply(t, ew.relu)


def zero_(t):
    """Fill with zeros (never recorded as a function of the old values)."""
    return fill_(t, 0)


def fill_(t, value):
    if isinstance(value, Tensor):
        if value.array.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.array.ndim} dimensions.")
        if value.requires_grad and grad_mode.enabled:
            return _apply(t, lambda x, v: ew.where(_make(np.ones(x.array.shape, bool)), v, x), value)
        value = value.item()
    _check_leaf(t)
    if _recording(t):
        return _apply(t, lambda x: ew.mul(x, 0.0) + value)
    t.array[...] = value
    t._version[0] += 1
    return t


def copy_(t, src):
    """Copy ``src``'s values (broadcast, cast, moved across devices) into ``t``."""
    if not isinstance(src, Tensor):
        from .._creation import tensor
        src = tensor(src)
    if src.device != t.device:
        src = src.to(t.device)
    if not _recording(t, src):
        _check_leaf(t)
        if src.array.shape != t.array.shape:
            np.broadcast_shapes(src.array.shape, t.array.shape)
        t.array[...] = src.array
        t._version[0] += 1
        return t
    return _apply(t, lambda x, s: _CopyFrom()(x, cast(s, x.dtype)), src)


class _CopyFrom(Op):
    """The recorded form of ``copy_``: the result is ``src`` broadcast to ``t``'s shape."""
    backward_name = 'CopyBackwards'
    saves = ()

    def forward(self, old, src):
        return xp_of(old).broadcast_to(src, old.shape).copy()

    def backward(self, grad):
        old, src = self.inputs
        return grad * 0, sum_to(grad, src.array.shape)


def uniform_(t, a=0.0, b=1.0, generator=None):
    """Fill with samples from U(a, b)."""
    from ..random import rng_for
    _check_leaf(t)
    with grad_mode.no_grad():
        t.array[...] = _to_device(rng_for(generator).uniform(a, b, t.array.shape), t)
    t._version[0] += 1
    return t


def normal_(t, mean=0.0, std=1.0, generator=None):
    """Fill with samples from N(mean, std**2)."""
    from ..random import rng_for
    _check_leaf(t)
    t.array[...] = _to_device(rng_for(generator).normal(mean, std, t.array.shape), t)
    t._version[0] += 1
    return t


def _to_device(arr, t):
    from .._backend import to_device
    return to_device(arr.astype(t.array.dtype), t.device)


def masked_fill_(t, mask, value):
    from .indexing import masked_fill
    return _apply(t, lambda x: masked_fill(x, mask, value))


# -- x[index] = value ---------------------------------------------------------------------------

class SetItem(Op):
    """out = old with ``out[index] = value``; old gets the gradient outside the index, value inside."""
    backward_name = 'CopySlices'
    saves = ()

    def __init__(self, index):
        self.index = index

    def forward(self, old, value):
        out = old.copy()
        out[self.index] = value
        return out

    def backward(self, grad):
        old, value = self.inputs
        from .indexing import getitem_array_index
        g_old = g_value = None
        if old.requires_grad:
            zero = _make(xp_of(grad.array).zeros((), grad.array.dtype))
            g_old = SetItem(self.index)(grad, zero)
        if value.requires_grad:
            picked = getitem_array_index(grad, self.index)
            g_value = sum_to(picked, value.array.shape)
        return g_old, g_value


def setitem(t, index, value):
    """``t[index] = value`` for every index form ``t[index]`` accepts."""
    from .indexing import normalize_index
    idx = normalize_index(t, index)
    if not isinstance(value, Tensor):
        if isinstance(value, (list, tuple, np.ndarray)):
            from .._creation import tensor
            value = tensor(value, dtype=t.dtype, device=t.device)
        else:
            value = _make(xp_of(t.array).asarray(value, dtype=t.array.dtype))
    if value.device != t.device:
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                           f"{t.device} and {value.device}!")
    if not _recording(t, value):
        _check_leaf(t)
        t.array[idx] = value.array
        t._version[0] += 1
        return
    if value.dtype is not t.dtype:
        value = value.to(t.dtype)
    _apply(t, lambda x, v: SetItem(idx)(x, v), value)

