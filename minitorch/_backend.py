"""The only module that knows numpy from cupy.

Every tensor's array is a ``numpy.ndarray`` (CPU) or a ``cupy.ndarray`` (CUDA); the device
is read off the array, so it can never drift from the data. Everything else asks this
module for the array module of an array or a device, for transfers, for random
generators, and for the few kernels whose numpy and cupy spellings differ.

A non-CPU array library is described by an *accelerator* object (``_Cupy`` below is the
one real one). The test suite registers a second, numpy-backed one through
``_register_test_accelerator`` so that the device plumbing runs in CI without a GPU.
"""
import numpy as np

try:  # cupy is an optional extra; importing it must never break the CPU engine
    import cupy as _cupy
except Exception:  # pragma: no cover - depends on the machine
    _cupy = None

_ndarray = np.ndarray
_DEVICE_TYPES = ['cpu', 'cuda']


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
        if type not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
                               f"string: {type}")
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative, got {index}")
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


class _Cupy:
    """CUDA through cupy: what ``_backend`` needs from a non-CPU array library.

    An accelerator names its device ``type`` and ``array_type``, gives its array module
    (``xp``), says whether it is ``usable()``, which device an array is on (``index``),
    moves arrays (``to_host``, ``from_host``), makes random generators (``rng``) and
    spells the kernels numpy and cupy name differently (``scatter_add``, ``as_strided``).
    """
    type = 'cuda'

    def __init__(self, cupy):
        self.xp = cupy
        self.array_type = cupy.ndarray
        self.memory = None  # the _MemoryTracker, installed once a GPU is found

    def usable(self):
        if self.memory is not None:
            return True
        try:
            found = self.xp.cuda.runtime.getDeviceCount() > 0
        except Exception:  # no driver, no GPU, a broken install: all mean "not available"
            return False
        if found:
            self.memory = _memory_tracker(self.xp)
        return found

    def device_count(self):
        return self.xp.cuda.runtime.getDeviceCount()

    def index(self, array):
        return array.device.id

    def to_host(self, array):
        return self.xp.asnumpy(array)

    def from_host(self, array, index):
        with self.xp.cuda.Device(index):
            return self.xp.asarray(array)

    def move(self, array, index):
        with self.xp.cuda.Device(index):
            return self.xp.asarray(array)  # cupy copies across GPUs (peer access or through the host)

    def scatter_add(self, target, index, values):
        import cupyx
        cupyx.scatter_add(target, index, values)

    def as_strided(self, array, shape, strides):
        return self.xp.lib.stride_tricks.as_strided(array, shape, strides)

    def erf(self, array):
        from cupyx.scipy import special  # CUDA's own erf: one kernel, accurate in float32 and float64
        return special.erf(array)

    def rng(self, index, seed):
        with self.xp.cuda.Device(index):
            return _CupyRng(self.xp.random.RandomState(seed & 0xFFFF_FFFF_FFFF_FFFF), index)


class _CupyRng:
    """cupy's RandomState (cuRAND) under numpy ``Generator``'s method names, so random code is
    written once: draws happen on the GPU the generator belongs to."""

    def __init__(self, state, index):
        self.state, self.index = state, index

    def _on(self):
        return _cupy.cuda.Device(self.index)

    def random(self, size, dtype=np.float64):
        with self._on():
            return self.state.random_sample(size, dtype)

    def standard_normal(self, size, dtype=np.float64):
        with self._on():
            return self.state.standard_normal(size, dtype)

    def integers(self, low, high, size, dtype=np.int64):
        with self._on():
            return self.state.randint(low, high, size, dtype)

    def uniform(self, low, high, size):
        with self._on():
            return self.state.uniform(low, high, size)

    def normal(self, loc, scale, size):
        with self._on():
            return self.state.normal(loc, scale, size)

    def permutation(self, n):
        with self._on():
            return self.state.permutation(n)


def _memory_tracker(cupy):
    """Count the bytes cupy's pool hands to arrays, per GPU, and keep their high-water mark.

    cupy's pool knows its current ``used_bytes`` but not the peak, which
    ``max_memory_allocated`` needs; a memory hook sees every malloc and free. cupy keeps
    hooks per thread, so this one counts the arrays made on the thread that found the GPU.
    """
    from cupy.cuda import memory_hook

    class _MemoryTracker(memory_hook.MemoryHook):
        name = 'minitorch_memory_tracker'

        def __init__(self):
            self.used, self.peak = {}, {}

        def malloc_postprocess(self, device_id, size, mem_size, *args, **kwargs):
            used = self.used[device_id] = self.used.get(device_id, 0) + mem_size
            if used > self.peak.get(device_id, 0):
                self.peak[device_id] = used

        def free_postprocess(self, device_id, mem_size, *args, **kwargs):
            self.used[device_id] = self.used.get(device_id, 0) - mem_size

        def reset_peak(self, device_id):
            self.peak[device_id] = self.used.get(device_id, 0)

    tracker = _MemoryTracker()
    tracker.__enter__()  # installed for good (hooks are context managers in cupy)
    return tracker


# array type -> accelerator, for every non-CPU array library minitorch can see
_ACCELERATORS = {}
_BY_DEVICE_TYPE = {}


def _register(acc):
    _ACCELERATORS[acc.array_type] = acc
    _BY_DEVICE_TYPE[acc.type] = acc
    if acc.type not in _DEVICE_TYPES:
        _DEVICE_TYPES.append(acc.type)


if _cupy is not None:
    _register(_Cupy(_cupy))


def _register_test_accelerator(acc):
    """For minitorch's own test suite only: add a simulated device type (``tests/simdevice.py``)
    so moves, mismatch errors and state placement are tested on machines without a GPU."""
    if acc.type in ('cpu', 'cuda'):
        raise ValueError("a test accelerator must not pose as the CPU or CUDA")
    _register(acc)


def cupy_usable():
    """True when cupy imports and sees at least one GPU; never raises."""
    acc = _BY_DEVICE_TYPE.get('cuda')
    return acc is not None and acc.usable()


def as_device(d):
    """Normalise a device spec (str, int, device, None) to a device; a GPU type without index means index 0."""
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
        d = device(d.type, 0)
    return d


def device_of(array):
    """The device an array lives on."""
    if type(array) is _ndarray:
        return CPU
    acc = _ACCELERATORS.get(type(array))
    if acc is None:  # numpy scalars and subclasses of numpy arrays are host data
        return CPU
    return device(acc.type, acc.index(array))


def is_cpu_array(array):
    """True for a plain numpy array (host memory)."""
    return type(array) is _ndarray


_ZEROS = bytes(16)  # read-only: arrays made over it cannot be written


def stub(array):
    """A read-only array with ``array``'s shape, dtype and device that holds no memory (all its
    elements are one zero): it stands in for an input whose values a graph node does not need."""
    if type(array) is _ndarray:
        return np.ndarray(array.shape, array.dtype, _ZEROS, 0, (0,) * array.ndim)
    xp = xp_of(array)
    return xp.broadcast_to(xp.zeros((), dtype=array.dtype), array.shape)


def xp_of(array):
    """The array module (numpy or cupy) that owns ``array``."""
    if type(array) is _ndarray:
        return np
    acc = _ACCELERATORS.get(type(array))
    return np if acc is None else acc.xp


def accelerator(d):
    """The accelerator behind non-CPU device ``d``; raises with install hints when it is not usable."""
    acc = _BY_DEVICE_TYPE.get(d.type)
    if acc is None or not acc.usable():
        if d.type == 'cuda':
            require_cuda()
        raise RuntimeError(f"device type {d.type!r} is not available here")
    return acc


def xp_for(d):
    """The array module for a device."""
    if d.type == 'cpu':
        return np
    return accelerator(d).xp


def require_cuda():
    """Raise torch's 'no CUDA' error unless a GPU is usable, saying what to install and how to check.

    As torch: AssertionError when the GPU backend is missing altogether (torch "not compiled
    with CUDA"; here, cupy not installed), RuntimeError when it is there but finds no GPU.
    """
    if cupy_usable():
        return
    how = ("Install it with `pip install -e .[gpu]` (or the cupy wheel matching your CUDA, e.g. "
           "`pip install cupy-cuda12x`) on a machine with an NVIDIA GPU, and check with "
           "`python -c 'import minitorch; print(minitorch.cuda.is_available())'`; "
           "or stay on the CPU with device='cpu'.")
    if _cupy is None:
        raise AssertionError(f"Torch not compiled with CUDA enabled: minitorch runs on the GPU through cupy, "
                             f"which is not installed. {how}")
    raise RuntimeError(f"Found no NVIDIA driver or GPU on your system: cupy is installed but sees no CUDA "
                       f"device (check `nvidia-smi`). {how}")


def to_device(array, d):
    """Copy ``array`` to device ``d`` (no copy when it is already there)."""
    src = device_of(array)
    if src == d:
        return array
    if src.type != 'cpu':
        if d.type == src.type:
            return _ACCELERATORS[type(array)].move(array, d.index)
        array = _ACCELERATORS[type(array)].to_host(array)
        if d.type == 'cpu':
            return array
    return accelerator(d).from_host(array, d.index)


def to_numpy(array):
    """The array as a numpy array (a copy to host memory for device arrays)."""
    if type(array) is _ndarray:
        return array
    acc = _ACCELERATORS.get(type(array))
    return np.asarray(array) if acc is None else acc.to_host(array)


def scatter_add(target, index, values):
    """target[index] += values, summing repeated indices (numpy's add.at, cupyx's scatter_add)."""
    if type(target) is _ndarray:
        np.add.at(target, index, values)
    else:
        _ACCELERATORS[type(target)].scatter_add(target, index, values)
    return target


def sliding_windows(array, window):
    """A read-only strided view of every ``window``-sized patch over the last two axes:
    shape (..., H - kh + 1, W - kw + 1, kh, kw). No copy."""
    if type(array) is _ndarray:
        return np.lib.stride_tricks.sliding_window_view(array, window, axis=(-2, -1))
    h, w = array.shape[-2:]
    kh, kw = window
    s = array.strides
    shape = array.shape[:-2] + (h - kh + 1, w - kw + 1, kh, kw)
    return _ACCELERATORS[type(array)].as_strided(array, shape, s + s[-2:])


def erf(array):
    """erf of a device array by the device library's own kernel, or None where there is none
    (then ``ops/erf.py`` computes it with array operations, as it does on the CPU)."""
    acc = _ACCELERATORS.get(type(array))
    return acc.erf(array) if acc is not None and hasattr(acc, 'erf') else None


def new_rng(d, seed):
    """A random generator for device ``d`` seeded with ``seed``, with numpy ``Generator``'s methods
    (random, standard_normal, integers, uniform, normal, permutation) drawing on that device."""
    if d.type == 'cpu':
        return np.random.default_rng(seed)
    return accelerator(d).rng(d.index, seed)


def device_count(device_type='cuda'):
    """How many devices of this type are usable (0 when none)."""
    acc = _BY_DEVICE_TYPE.get(device_type)
    if acc is None or not acc.usable():
        return 0
    return acc.device_count()
