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
    out = ToCopy(d)(t)
    if not d.is_floating_point and out.requires_grad:
        # integer results carry no gradient, as in torch
        out = _make(out.array)
    return out


def _parse_to_args(t, args, kwargs):
    dev = kwargs.pop('device', None)
    dt = kwargs.pop('dtype', None)
    kwargs.pop('non_blocking', None)
    copy = kwargs.pop('copy', False)
    kwargs.pop('memory_format', None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, _dtype.dtype) or a in (float, int, bool) or isinstance(a, np.dtype):
            dt = a
        elif isinstance(a, (str, _backend.device, int)):
            dev = a
        elif isinstance(a, bool):
            pass
        else:
            raise TypeError(f"to() received an invalid argument {a!r}; expected a dtype, a device or a tensor")
    dt = None if dt is None else _dtype.to_dtype(dt)
    dev = None if dev is None else _backend.as_device(dev)
    return dev, dt, copy


def to(t, *args, **kwargs):
    """Convert ``t`` to a device and/or dtype; returns ``t`` itself when nothing changes."""
    dev, dt, copy = _parse_to_args(t, args, dict(kwargs))
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
    'torch.FloatTensor': _dtype.float32, 'torch.DoubleTensor': _dtype.float64, 'torch.HalfTensor': _dtype.float16,
    'torch.LongTensor': _dtype.int64, 'torch.IntTensor': _dtype.int32, 'torch.ShortTensor': _dtype.int16,
    'torch.CharTensor': _dtype.int8, 'torch.ByteTensor': _dtype.uint8, 'torch.BoolTensor': _dtype.bool_,
}
_NAME_OF = {v: k for k, v in _TYPE_NAMES.items()}


def type_(t, dtype=None):
    """With no argument, torch's type string ('torch.FloatTensor'); otherwise a cast."""
    if dtype is None:
        name = _NAME_OF[t.dtype]
        return name.replace('torch.', 'torch.cuda.') if t.is_cuda else name
    if isinstance(dtype, str):
        key = dtype.replace('minitorch.', 'torch.').replace('.cuda.', '.')
        if key not in _TYPE_NAMES:
            raise ValueError(f"invalid type: {dtype!r}")
        out = cast(t, _TYPE_NAMES[key])
        return out.cuda() if '.cuda.' in dtype else out
    return cast(t, _dtype.to_dtype(dtype))
