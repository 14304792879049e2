"""``minitorch.cuda``: the GPU as torch.cuda presents it, backed by cupy.

Without cupy, or without a GPU, ``is_available()`` is False and nothing here raises except
the calls that need a GPU, which say what to install.
"""
from . import _backend


def is_available():
    """True when cupy is installed and sees at least one CUDA GPU (never raises)."""
    return _backend.cupy_usable()


def device_count():
    """The number of visible CUDA GPUs (0 without cupy or a GPU)."""
    if not is_available():
        return 0
    return _backend._cupy.cuda.runtime.getDeviceCount()


def current_device():
    _backend.require_cuda()
    return _backend._cupy.cuda.Device().id


def set_device(device):
    _backend.require_cuda()
    _backend._cupy.cuda.Device(_backend.as_device(device).index).use()


def synchronize(device=None):
    """Wait for every queued kernel on the GPU to finish (for honest timings)."""
    _backend.require_cuda()
    _backend._cupy.cuda.Device(_backend.as_device(device or 'cuda').index).synchronize()


def _seed_all(seed):
    """Seed the GPU generators, when there are any (called by ``minitorch.manual_seed``)."""
    if is_available():
        _backend.seed_gpu(seed)


def manual_seed(seed):
    """Seed the GPU's random stream (a no-op without a GPU, as torch's)."""
    _seed_all(seed)


manual_seed_all = manual_seed


def memory_allocated(device=None):
    """Bytes held by live GPU arrays (cupy's memory pool: used bytes)."""
    if not is_available():
        return 0
    return _backend._cupy.get_default_memory_pool().used_bytes()


def max_memory_allocated(device=None):
    """The high-water mark of ``memory_allocated`` since start or the last reset."""
    if not is_available():
        return 0
    return max(_backend.gpu_peak_bytes(), memory_allocated())


def reset_peak_memory_stats(device=None):
    _backend.reset_gpu_peak()


def memory_reserved(device=None):
    """Bytes cupy's pool holds from the driver, used or cached."""
    if not is_available():
        return 0
    return _backend._cupy.get_default_memory_pool().total_bytes()


def empty_cache():
    """Return cached, unused GPU memory to the driver (cupy's pool)."""
    if is_available():
        _backend._cupy.get_default_memory_pool().free_all_blocks()
