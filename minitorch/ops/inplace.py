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
from .._backend import xp_of
from ._util import _make, cast, Tensor
from . import arithmetic as ar, elementwise as ew
from .broadcast import sum_to


def _check_leaf(t):
    """torch refuses in-place writes to a leaf that requires grad (or a view of one) while recording:
    its ``.grad`` would then belong to values that no longer exist."""
    if not grad_mode.enabled:
        return
    if t._requires_grad and t.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation. "
                           "Wrap the update in `with minitorch.no_grad():` (as optimizers do), or use an "
                           "out-of-place op.")
    base = t._base
    if base is not None and base._requires_grad and base.grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                           "operation. Wrap the update in `with minitorch.no_grad():`, or clone() the view first.")


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
        raise RuntimeError(f"result type {_scalar_name(result_array.dtype)} can't be cast to the desired output "
                           f"type {_scalar_name(arr.dtype)}; convert explicitly, e.g. x = x.float() before the "
                           "in-place op, or use the out-of-place op")
    if not arr.flags.writeable:
        raise RuntimeError("unsupported operation: this tensor is an expanded (broadcast) view whose elements "
                           "share memory; clone() it before writing in place")
    arr[...] = result_array
    t._version_counter[0] += 1


# torch's scalar type names, as its casting errors print them
_SCALAR_NAMES = {'float16': 'Half', 'float32': 'Float', 'float64': 'Double', 'int8': 'Char', 'int16': 'Short',
                 'int32': 'Int', 'int64': 'Long', 'uint8': 'Byte', 'bool': 'Bool'}


def _scalar_name(np_dtype):
    return _SCALAR_NAMES.get(np_dtype.name, np_dtype.name)


def _recording(t, *others):
    if not grad_mode.enabled:
        return False
    if t._requires_grad:
        return True
    return any(isinstance(o, Tensor) and o._requires_grad for o in others)


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
    # The shell holds a copy of the old values: backward may need them (torch saves the
    # "original self" too), and they are about to be overwritten.
    shell = _make(t.array.copy(), t._requires_grad, t.grad_fn)
    others = tuple(shell if o is t else o for o in others)  # x.mul_(x) reads the old x twice
    out = fn(shell, *others)
    _write(t, out.array.astype(t.array.dtype, copy=False))
    t.grad_fn = out.grad_fn
    t._requires_grad = out._requires_grad
    if out.grad_fn is not None and out.grad_fn.saves_output:
        # the op's saved output is the tensor itself: keep watching its version from here on
        out.grad_fn.out = t.array
        out.grad_fn.versions[-1] = (t._version_counter, t._version_counter[0])
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
        t._version_counter[0] += 1
        return True
    return False


def add_(t, other, alpha=1):
    if alpha != 1:
        other = other * alpha
    if not _recording(t, other) and _fast(t, 'add', other):
        return t
    return _apply(t, ar.add, other)


def sub_(t, other, alpha=1):
    if alpha != 1:
        other = other * alpha
    if not _recording(t, other) and _fast(t, 'sub', other):
        return t
    return _apply(t, ar.sub, other)


def mul_(t, other):
    if not _recording(t, other) and _fast(t, 'mul', other):
        return t
    return _apply(t, ar.mul, other)


def div_(t, other):
    if not _recording(t, other) and _fast(t, 'div', other):
        return t
    return _apply(t, ar.div, other)


def pow_(t, exponent):
    return _apply(t, ar.pow, exponent)


def clamp_(t, min=None, max=None):
    return _apply(t, lambda x: ew.clamp(x, min, max))


def relu_(t):
    return _apply(t, ew.relu)


def zero_(t):
    """Fill with zeros."""
    return _overwrite(t, 0)


def fill_(t, value):
    """Fill with ``value`` (a number or a 0-d tensor)."""
    if isinstance(value, Tensor):
        if value.array.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.array.ndim} dimensions.")
        if value._requires_grad and grad_mode.enabled:
            return _apply(t, lambda x, v: _CopyFrom()(x, cast(v, x.dtype)), value)
        value = value.item()
    return _overwrite(t, value)


def _overwrite(t, values):
    """Write ``values`` (a number or an array that doesn't depend on ``t``) into ``t``.

    When ``t`` is part of a graph, the write is recorded so that its old history gets a
    zero gradient (and the new values none), as torch's ``fill_`` does.
    """
    _check_leaf(t)
    if _recording(t):
        v = _make(xp_of(t.array).asarray(values, dtype=t.array.dtype))
        return _apply(t, lambda x: _CopyFrom()(x, v))
    t.array[...] = values
    t._version_counter[0] += 1
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
        t._version_counter[0] += 1
        return t
    return _apply(t, lambda x, s: _CopyFrom()(x, cast(s, x.dtype)), src)


class _CopyFrom(Op):
    """The recorded form of ``copy_`` and ``fill_``: the result is ``src`` broadcast to ``t``'s shape."""
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
    return _overwrite(t, _to_device(rng_for(generator, t.device).uniform(a, b, t.array.shape), t))


def normal_(t, mean=0.0, std=1.0, generator=None):
    """Fill with samples from N(mean, std**2)."""
    from ..random import rng_for
    return _overwrite(t, _to_device(rng_for(generator, t.device).normal(mean, std, t.array.shape), t))


def _to_device(arr, t):
    from .._backend import to_device
    return to_device(arr.astype(t.array.dtype), t.device)


def masked_fill_(t, mask, value):
    from .indexing import masked_fill
    return _apply(t, lambda x: masked_fill(x, mask, value))


# -- x[index] = value ---------------------------------------------------------------------------

def setitem(t, index, value):
    """``t[index] = value`` for every index form ``t[index]`` accepts; ``value`` (a number or a tensor)
    is cast to ``t``'s dtype and broadcast into the slot. Recorded (``CopySlices``) when ``t`` or
    ``value`` requires grad."""
    from .indexing import parse_index, write, SetItem
    parsed = parse_index(t, index)
    if isinstance(value, Tensor):
        if type(value.array) is not np.ndarray and value.device != t.device:
            if value.array.ndim:
                raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two "
                                   f"devices, {t.device} and {value.device}! Move the value with .to(x.device).")
            value = value.to(t.device)  # torch accepts a 0-d value from another device, as a number
    elif not isinstance(value, (int, float, bool, np.number, np.bool_)):
        raise TypeError(f"can't assign a {type(value).__name__} to a {t.dtype} tensor; assign a number or a "
                        "tensor (e.g. minitorch.tensor(value))")
    if not _recording(t, value):
        _check_leaf(t)
        write(t.array, parsed, value.array if isinstance(value, Tensor) else value)
        t._version_counter[0] += 1
        return
    if not isinstance(value, Tensor):
        value = _make(xp_of(t.array).asarray(value).astype(t.array.dtype))
    elif value.array.dtype != t.array.dtype:
        value = cast(value, t.dtype)
    _apply(t, lambda x, v: SetItem(parsed)(x, v), value)

