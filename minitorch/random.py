"""Random number generators: one per device, seeded by ``manual_seed``.

The CPU's is numpy's (PCG64); a GPU's is cupy's (cuRAND), drawing on the GPU itself.
minitorch's streams are its own, so its random numbers differ from torch's; parity
tests copy values across instead of relying on equal seeds.
"""
import numpy as np

from . import _backend

_INITIAL_SEED = 67280421310721  # torch's default initial seed


class Generator:
    """A seedable source of random numbers, as ``torch.Generator``."""

    def __init__(self, device='cpu'):
        self.device = _backend.as_device(device)
        self._seed = _INITIAL_SEED
        self._rng = _backend.new_rng(self.device, self._seed)

    def manual_seed(self, seed):
        """Reset the stream from ``seed``; returns self."""
        seed = int(seed)
        if seed < 0:
            seed &= 0xFFFF_FFFF_FFFF_FFFF
        self._seed = seed
        self._rng = _backend.new_rng(self.device, seed)
        return self

    def seed(self):
        """Seed from the operating system's entropy; returns the new seed."""
        s = int(np.random.SeedSequence().entropy) & 0xFFFF_FFFF_FFFF_FFFF
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The generator's state as a uint8 tensor (CPU generators only here)."""
        self._check_cpu('get_state')
        from ._creation import tensor
        import pickle
        return tensor(list(pickle.dumps(self._rng.bit_generator.state)), dtype='uint8')

    def set_state(self, state):
        """Restore a state returned by ``get_state``."""
        self._check_cpu('set_state')
        import pickle
        self._rng.bit_generator.state = pickle.loads(bytes(state.tolist()))
        return self

    def _check_cpu(self, what):
        if self.device.type != 'cpu':
            raise NotImplementedError(f"Generator.{what}() is supported for CPU generators only in minitorch; "
                                      "re-seed a GPU generator with manual_seed(seed) instead")

    @property
    def rng(self):
        """The numpy (or cupy) generator behind this one."""
        return self._rng


default_generator = Generator()
_device_defaults = {}   # non-CPU device -> its default Generator, made on first use
_device_seeds = {}      # device type -> the seed its default generators start from


def default_generator_for(device):
    """The default generator of ``device`` (a ``minitorch.device``): CPU's, or one per GPU."""
    if device.type == 'cpu':
        return default_generator
    g = _device_defaults.get(device)
    if g is None:
        g = _device_defaults[device] = Generator(device).manual_seed(_device_seeds.get(device.type, _INITIAL_SEED))
    return g


def seed_device_type(device_type, seed):
    """Seed the default generators of every device of one type (``'cuda'``), present and future."""
    _device_seeds[device_type] = seed
    for d, g in _device_defaults.items():
        if d.type == device_type:
            g.manual_seed(seed)


def manual_seed(seed):
    """Seed the random number generators of every device (the CPU's and, as torch, every GPU's)."""
    default_generator.manual_seed(seed)
    for device_type in _backend._DEVICE_TYPES[1:]:
        seed_device_type(device_type, seed)
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def rng_for(generator=None, device=None):
    """The generator to draw from for a tensor on ``device`` (a ``minitorch.device``; None: the CPU):
    the given one's, else that device's default. Its draws land on that device."""
    if generator is not None:
        if device is not None and generator.device.type != device.type:
            raise RuntimeError(f"Expected a '{device.type}' device type for generator but found "
                               f"'{generator.device.type}'; make it with minitorch.Generator(device='{device}')")
        return generator._rng
    if device is None or device.type == 'cpu':
        return default_generator._rng
    return default_generator_for(device)._rng
