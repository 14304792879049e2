"""``minitorch.cuda``: the GPU as torch.cuda presents it, backed by cupy.

Without cupy, or without a GPU, ``is_available()`` is False, ``device_count()`` is 0, the
memory figures are 0 and seeding is a no-op; only the calls that need a GPU raise, and
their error says what to install.
"""
from . import _backend, random as _random


def is_available():
    """True when cupy is installed and sees at least one CUDA GPU (never raises)."""
    return _backend.cupy_usable()


def device_count():
    """The number of visible CUDA GPUs (0 without cupy or a GPU)."""
    return _backend.device_count('cuda')


def _cupy():
    _backend.require_cuda()
    return _backend._cupy


def _index(device):
    """The GPU number of ``device`` (None: the current GPU)."""
    if device is None:
        return _cupy().cuda.Device().id
    d = _backend.as_device(device)
    if d.type != 'cuda':
        raise ValueError(f"Expected a cuda device, but got: {d}")
    return d.index


def current_device():
    """The index of the GPU new CUDA tensors go to by default."""
    return _cupy().cuda.Device().id


def set_device(device):
    """Make ``device`` the current GPU."""
    _cupy().cuda.Device(_index(device)).use()


def synchronize(device=None):
    """Wait for every queued kernel on the GPU to finish (for honest timings)."""
    _cupy().cuda.Device(_index(device)).synchronize()


def manual_seed(seed):
    """Seed the random number generator of every GPU (a no-op without one, as torch's is lazy)."""
    _random.seed_device_type('cuda', int(seed))


manual_seed_all = manual_seed


def _tracker():
    acc = _backend._BY_DEVICE_TYPE.get('cuda')
    return acc.memory if acc is not None and acc.usable() else None


def memory_allocated(device=None):
    """Bytes held by live GPU tensors on ``device`` (cupy's memory pool: its used bytes)."""
    if not is_available():
        return 0
    with _cupy().cuda.Device(_index(device)):
        return _cupy().get_default_memory_pool().used_bytes()


def max_memory_allocated(device=None):
    """The high-water mark of ``memory_allocated`` since the program started or the last
    ``reset_peak_memory_stats``."""
    if not is_available():
        return 0
    i = _index(device)
    return max(_tracker().peak.get(i, 0), memory_allocated(i))


def reset_peak_memory_stats(device=None):
    """Start the high-water mark of ``max_memory_allocated`` again from the current figure."""
    if is_available():
        _tracker().reset_peak(_index(device))


def memory_reserved(device=None):
    """Bytes cupy's pool holds from the driver on ``device``, used or cached."""
    if not is_available():
        return 0
    with _cupy().cuda.Device(_index(device)):
        return _cupy().get_default_memory_pool().total_bytes()


def empty_cache():
    """Return cached, unused GPU memory to the driver (cupy's pool)."""
    if is_available():
        _cupy().get_default_memory_pool().free_all_blocks()
