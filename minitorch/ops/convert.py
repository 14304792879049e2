"""dtype and device conversion: ``to``, ``type``, and the differentiable cast."""
import numpy as np

from ..autograd.function import Op
from .. import _dtype, _backend
from ._util import _make, Tensor


class ToCopy(Op):
    """A copy with another dtype and/or device; the gradient goes back to the source's."""
    saves = ()

    def __init__(self, dtype=None, device=None):
        self.dtype, self.device = dtype, device

    def forward(self, a):
        self.src_dtype = a.dtype
        self.src_device = _backend.device_of(a)
        out = a
        if self.device is not None:
            out = _backend.to_device(out, self.device)
        if self.dtype is not None and out.dtype != self.dtype.np:
            out = out.astype(self.dtype.np)
        return out

    def backward(self, grad):
        return (ToCopy(_dtype.from_numpy(self.src_dtype), self.src_device)(grad),)


def cast(t, d):
    """``t`` converted to dtype ``d`` (differentiable between floating dtypes)."""
    if t.array.dtype == d.np:
        return t
    if not d.is_floating_point:
        return _make(t.array.astype(d.np))  # integer results carry no gradient, as in torch
    return ToCopy(d)(t)


def _parse_to_args(args, kwargs):
    """torch's ``to`` forms: (dtype), (device[, dtype]), (other tensor), with keyword device/dtype/copy."""
    dev = kwargs.pop('device', None)
    dt = kwargs.pop('dtype', None)
    copy = kwargs.pop('copy', False)
    kwargs.pop('non_blocking', None)
    kwargs.pop('memory_format', None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, bool):
            pass  # non_blocking, meaningless here
        elif isinstance(a, (_dtype.dtype, np.dtype)) or a is float or a is int or a is bool:
            dt = a
        elif isinstance(a, (str, _backend.device, int)):
            dev = a
        else:
            raise TypeError(f"to() received an invalid argument {a!r}; expected a dtype, a device or a tensor")
    dt = None if dt is None else _dtype.to_dtype(dt)
    dev = None if dev is None else _backend.as_device(dev)
    return dev, dt, copy


def to(t, *args, **kwargs):
    """Convert ``t`` to a device and/or dtype; returns ``t`` itself when nothing changes."""
    dev, dt, copy = _parse_to_args(args, dict(kwargs))
    if dev is not None and dev == t.device:
        dev = None
    if dt is not None and dt.np == t.array.dtype:
        dt = None
    if dev is None and dt is None:
        return t.clone() if copy else t
    if dev is not None and dev.type == 'cuda':
        _backend.require_cuda()
    out = ToCopy(dt, dev)(t)
    if dt is not None and not dt.is_floating_point and out.requires_grad:
        out = _make(out.array)
    return out


_TYPE_NAMES = {
    'FloatTensor': _dtype.float32, 'DoubleTensor': _dtype.float64, 'HalfTensor': _dtype.float16,
    'LongTensor': _dtype.int64, 'IntTensor': _dtype.int32, 'ShortTensor': _dtype.int16,
    'CharTensor': _dtype.int8, 'ByteTensor': _dtype.uint8, 'BoolTensor': _dtype.bool_,
}
_NAME_OF = {v: k for k, v in _TYPE_NAMES.items()}


def type_(t, dtype=None):
    """With no argument, the type name (``'minitorch.FloatTensor'``); otherwise a copy of that type.

    ``dtype`` may be a dtype, a legacy type (``minitorch.FloatTensor``) or its name, written
    with ``torch.`` or ``minitorch.`` (``'torch.cuda.FloatTensor'`` also moves to the GPU).
    """
    if dtype is None:
        return ('minitorch.cuda.' if t.is_cuda else 'minitorch.') + _NAME_OF[t.dtype]
    if isinstance(dtype, type) and isinstance(getattr(dtype, 'dtype', None), _dtype.dtype):
        return cast(t, dtype.dtype)  # a legacy type such as FloatTensor
    if isinstance(dtype, str):
        module, _, name = dtype.rpartition('.')
        if module not in ('torch', 'minitorch', 'torch.cuda', 'minitorch.cuda') or name not in _TYPE_NAMES:
            raise ValueError(f"invalid type: {dtype!r}")
        out = cast(t, _TYPE_NAMES[name])
        return out.cuda() if module.endswith('cuda') else out
    return cast(t, _dtype.to_dtype(dtype))
