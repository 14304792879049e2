"""Map-style datasets: anything with ``__getitem__(index)`` and ``__len__()``."""
import bisect
import itertools
import math
import warnings

from ...random import rng_for


class Dataset:
    """An abstract class representing a dataset: a map from indices to samples.

    Subclasses implement ``__getitem__`` (one sample for an index) and usually ``__len__``,
    which samplers and the DataLoader use. ``a + b`` concatenates two datasets.
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Dataset wrapping tensors: sample ``i`` is ``(t[i] for t in tensors)``.

    Every tensor must have the same size in its first dimension.
    """

    def __init__(self, *tensors):
        sizes = [t.size(0) for t in tensors]
        if len(set(sizes)) > 1:
            # torch raises AssertionError here; an explicit raise survives ``python -O``
            raise AssertionError(f"Size mismatch between tensors: their first dimensions are {sizes}; "
                                 "every tensor needs one row per sample")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].size(0)


class Subset(Dataset):
    """Subset of a dataset at the specified indices."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        """A list of samples for a list of indices (the DataLoader's batched fetch)."""
        inner = [self.indices[i] for i in indices]
        if hasattr(self.dataset, '__getitems__'):
            return self.dataset.__getitems__(inner)
        return [self.dataset[i] for i in inner]

    def __len__(self):
        return len(self.indices)


class ConcatDataset(Dataset):
    """Dataset as a concatenation of multiple datasets, one after another."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        n = len(self)
        if idx < 0:
            if -idx > n:
                raise ValueError("absolute value of index should not exceed dataset length")
            idx += n
        if idx >= n:
            raise IndexError(f"index {idx} is out of range for a ConcatDataset of length {n}")
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


def random_split(dataset, lengths, generator=None):
    """Randomly split a dataset into non-overlapping new datasets of given lengths.

    ``lengths`` are sizes summing to ``len(dataset)``, or fractions summing to 1: then
    each split gets ``floor(frac * len(dataset))`` samples and the remainder is dealt
    out one by one, round-robin, from the first split. Returns a list of ``Subset``.
    ``generator`` (a ``minitorch.Generator``) makes the split reproducible.
    """
    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        sizes = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.")
        lengths = sizes
    if any(length < 0 for length in lengths):
        raise ValueError(f"random_split lengths must be non-negative, got {lengths}")
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset! "
                         f"(lengths {lengths} sum to {sum(lengths)}, the dataset has {n} samples)")
    order = rng_for(generator).permutation(n).tolist()
    ends = itertools.accumulate(lengths)
    return [Subset(dataset, order[end - length:end]) for length, end in zip(lengths, ends)]
