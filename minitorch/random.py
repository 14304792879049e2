"""Random number generators: one numpy Generator per device, seeded by ``manual_seed``.

minitorch's streams are its own (numpy's PCG64), so its random numbers differ from
torch's; parity tests copy values across instead of relying on equal seeds.
"""
import numpy as np


class Generator:
    """A seedable source of random numbers, as ``torch.Generator``."""

    def __init__(self, device='cpu'):
        from ._backend import as_device
        self.device = as_device(device)
        self._seed = 67280421310721  # torch's default initial seed
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed):
        """Reset the stream from ``seed``; returns self."""
        seed = int(seed)
        if seed < 0:
            seed &= 0xFFFF_FFFF_FFFF_FFFF
        self._seed = seed
        self._rng = np.random.default_rng(seed)
        return self

    def seed(self):
        """Seed from the operating system's entropy; returns the new seed."""
        s = int(np.random.SeedSequence().entropy) & 0xFFFF_FFFF_FFFF_FFFF
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from ._creation import tensor
        import pickle
        return tensor(list(pickle.dumps(self._rng.bit_generator.state)), dtype='uint8')

    def set_state(self, state):
        import pickle
        self._rng.bit_generator.state = pickle.loads(bytes(state.tolist()))
        return self

    @property
    def rng(self):
        """The numpy Generator behind this one."""
        return self._rng


default_generator = Generator()


def manual_seed(seed):
    """Seed every device's default generator (CPU here; the GPU's too when cupy is usable)."""
    default_generator.manual_seed(seed)
    try:
        from . import cuda
        cuda._seed_all(seed)
    except ImportError:
        pass
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def rng_for(generator=None):
    """The numpy Generator to draw from: the given one's, else the default's."""
    return (generator or default_generator)._rng
