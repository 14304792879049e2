"""The only module that knows numpy from cupy.

Every tensor's array is a ``numpy.ndarray`` (CPU) or a ``cupy.ndarray`` (CUDA); the device
is read off the array, so it can never drift from the data. Everything else asks this
module for the array module of a device, for transfers, and for the few kernels whose
numpy and cupy spellings differ.
"""
import numpy as np

try:  # cupy is an optional extra; importing it must never break the CPU engine
    import cupy as _cupy
except Exception:  # pragma: no cover - depends on the machine
    _cupy = None


class device:
    """Where a tensor lives: ``device('cpu')``, ``device('cuda')``, ``device('cuda', 0)``, ``device('cuda:0')``."""

    __slots__ = ('type', 'index')

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, str) and ':' in type:
            if index is not None:
                raise ValueError(f"device string must not include an index when an index is given: {type!r}")
            type, _, idx = type.partition(':')
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ('cpu', 'cuda'):
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {type}")
        self.type = type
        self.index = index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f'{self.type}:{self.index}'

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = device('cpu')


def cupy_usable():
    """True when cupy imports and sees at least one GPU; never raises."""
    if _cupy is None:
        return False
    try:
        return _cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


def as_device(d):
    """Normalise a device spec (str, int, device, None) to a device; CUDA without index means cuda:0."""
    if d is None:
        return CPU
    if type(d) is device and d.type == 'cpu':
        return CPU
    if isinstance(d, int) and not isinstance(d, bool):
        d = device('cuda', d)
    d = device(d)
    if d.type == 'cpu':
        return CPU
    if d.index is None:
        d = device('cuda', 0)
    return d


def device_of(array):
    """The device an array lives on."""
    if type(array) is np.ndarray or _cupy is None:
        return CPU
    return device('cuda', array.device.id)


def xp_of(array):
    """The array module (numpy or cupy) that owns ``array``."""
    if type(array) is np.ndarray or _cupy is None:
        return np
    return _cupy.get_array_module(array)


def xp_for(d):
    """The array module for a device."""
    if d.type == 'cpu':
        return np
    require_cuda()
    return _cupy


def require_cuda():
    if not cupy_usable():
        raise RuntimeError(
            "CUDA is not available: minitorch runs on the GPU through cupy. Install it with "
            "`pip install -e .[gpu]` (or the cupy wheel matching your CUDA, e.g. cupy-cuda12x) "
            "on a machine with an NVIDIA GPU, and check with `minitorch.cuda.is_available()`.")


def to_device(array, d):
    """Copy ``array`` to device ``d`` (no copy when it is already there)."""
    src = device_of(array)
    if src == d:
        return array
    if d.type == 'cpu':
        return _cupy.asnumpy(array)
    xp = xp_for(d)
    with _cupy.cuda.Device(d.index):
        return xp.asarray(array)


def to_numpy(array):
    return array if type(array) is np.ndarray else _cupy.asnumpy(array)


def scatter_add(target, index, values):
    """target[index] += values, summing repeated indices (numpy's add.at, cupy's scatter_add)."""
    if type(target) is np.ndarray:
        np.add.at(target, index, values)
    else:
        _cupy.add.at(target, index, values)
    return target


def sliding_windows(array, window):
    """A read-only strided view of every ``window``-sized patch over the last two axes:
    shape (..., H - kh + 1, W - kw + 1, kh, kw). No copy."""
    if type(array) is np.ndarray:
        return np.lib.stride_tricks.sliding_window_view(array, window, axis=(-2, -1))
    h, w = array.shape[-2:]
    kh, kw = window
    s = array.strides
    shape = array.shape[:-2] + (h - kh + 1, w - kw + 1, kh, kw)
    return _cupy.lib.stride_tricks.as_strided(array, shape, s + s[-2:])


# -- GPU bookkeeping used by minitorch.cuda ----------------------------------------------------------
_gpu_peak = [0]


def seed_gpu(seed):
    """Seed cupy's default random stream."""
    _cupy.random.seed(int(seed) & 0xFFFF_FFFF)


def gpu_peak_bytes():
    return _gpu_peak[0]


def reset_gpu_peak():
    _gpu_peak[0] = 0
