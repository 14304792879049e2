"""MNIST for both engines, read once through ``minitorch.vision`` (torchvision cannot be imported here)."""
import numpy as np

from ..run import data_root


def load(run, train, transform, limit=None):
    """The MNIST split as a dataset of the run's engine: (image tensor, label) pairs.

    Images go through the given minitorch ``transform`` (e.g. ToTensor) and are handed to torch as
    arrays; ``limit`` keeps the first samples only (the short mode's subset).
    """
    import minitorch.vision
    key = ('mnist', train, id(transform))
    base = run.shared.get(key)
    if base is None:
        base = minitorch.vision.datasets.MNIST(data_root(), train=train, transform=transform, download=True)
        run.shared[key] = base
    T = run.T

    class Converted(T.utils.data.Dataset):
        def __len__(self):
            return len(base) if limit is None else min(limit, len(base))

        def __getitem__(self, i):
            img, label = base[i]
            return T.tensor(np.asarray(img.numpy()), dtype=run.dtype), label

    return base, Converted()


def test_arrays(run, limit=None):
    """The test split as (images uint8 N×28×28, labels int64) numpy arrays."""
    import minitorch.vision
    base = minitorch.vision.datasets.MNIST(data_root(), train=False, download=True)
    data, targets = base.data.numpy(), base.targets.numpy()
    if limit is not None:
        data, targets = data[:limit], targets[:limit]
    return data, targets
