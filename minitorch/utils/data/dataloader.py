"""DataLoader: iterate over a dataset in (shuffled) mini-batches, as ``torch.utils.data.DataLoader``."""
from .collate import default_collate, default_convert
from .dataset import TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler


class DataLoader:
    """Combines a dataset and a sampler, and provides an iterable over the given dataset.

    Args:
        dataset: a map-style dataset (``__getitem__`` and ``__len__``).
        batch_size: how many samples per batch to load (default 1); ``None`` disables
            batching, so each sample is only converted (numpy arrays to tensors).
        shuffle: reshuffle the data at every epoch (a new permutation each pass).
        sampler: an iterable of indices defining the order; mutually exclusive with ``shuffle``.
        batch_sampler: an iterable of index lists; mutually exclusive with ``batch_size``,
            ``shuffle``, ``sampler`` and ``drop_last``.
        num_workers: accepted for compatibility, but loading always runs in this process,
            in order (no worker processes), whatever the value.
        collate_fn: merges a list of samples into a batch (default: ``default_collate``).
        pin_memory: accepted for compatibility; has no effect.
        drop_last: drop the last incomplete batch when the dataset size is not divisible
            by the batch size.
        generator: a ``minitorch.Generator`` for the shuffling order (default: the global
            one, seeded by ``minitorch.manual_seed``).

    ``timeout``, ``worker_init_fn``, ``multiprocessing_context``, ``prefetch_factor``,
    ``persistent_workers`` and ``pin_memory_device`` only concern worker processes; they
    are validated as torch does and otherwise ignored.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None,
                 persistent_workers=False, pin_memory_device=''):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing. Let "
                             "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                 "sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive "
                             "with drop_last")
        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.generator = generator
        self.collate_fn = collate_fn or (default_collate if batch_sampler is not None else default_convert)

    def __iter__(self):
        dataset, collate = self.dataset, self.collate_fn
        if self.batch_sampler is None:
            return (collate(dataset[i]) for i in self.sampler)
        if (collate is default_collate and type(dataset) is TensorDataset
                and not any(t.requires_grad for t in dataset.tensors)):
            # What default_collate would stack from one sample at a time, gathered with one index
            # per tensor: the same batch, without a Python-level fetch per sample (most of an
            # epoch's time for a small model).
            return ([t[indices] for t in dataset.tensors] for indices in self.batch_sampler)
        return (collate(self._fetch(indices)) for indices in self.batch_sampler)

    def _fetch(self, indices):
        """The samples at ``indices``, as a list (``__getitems__`` fetches them in one call)."""
        getitems = getattr(self.dataset, '__getitems__', None)
        if getitems is not None:
            return getitems(indices)
        return [self.dataset[i] for i in indices]

    def __len__(self):
        """The number of batches per epoch (of samples when ``batch_size=None``)."""
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)
