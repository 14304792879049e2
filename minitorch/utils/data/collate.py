"""Turning a list of samples into one batch, as ``torch.utils.data.default_collate``."""
import collections.abc

import numpy as np

from ... import _creation, _dtype
from ...ops.shape import stack
from ...tensor import Tensor

_NOT_COLLATABLE = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _numpy_ok(arr):
    # strings and Python objects have no tensor dtype; torch refuses them with the same message
    if arr.dtype.kind in 'USOV':
        raise TypeError(_NOT_COLLATABLE.format(arr.dtype))
    return arr


def default_collate(batch):
    """Collate a list of samples into a batch, with an outer batch dimension.

    Tensors are stacked; numpy arrays and numpy scalars are stacked into tensors; Python
    ints become an int64 tensor, floats a float64 tensor, bools a bool tensor; strings
    are left as a list. Tuples and lists are transposed (a list of ``(x, y)`` samples
    gives ``[xs, ys]``), dicts are collated per key, recursively.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, (np.ndarray, np.generic)) and not isinstance(elem, (np.str_, np.bytes_)):
        return _creation.from_numpy(_numpy_ok(np.stack(batch)))
    if isinstance(elem, float):
        return _creation.tensor(batch, dtype=_dtype.float64)
    if isinstance(elem, int):  # bool is an int: a batch of bools becomes a bool tensor
        return _creation.tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([sample[key] for sample in batch]) for key in elem}
        try:
            return type(elem)(collated)  # keeps OrderedDict and friends
        except TypeError:
            return collated
    if isinstance(elem, tuple) and hasattr(elem, '_fields'):  # namedtuple
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [default_collate(column) for column in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # torch returns tuples of columns as a list
        try:
            return type(elem)(columns)
        except TypeError:
            return columns
    raise TypeError(_NOT_COLLATABLE.format(type(elem)))


def default_convert(data):
    """Convert numpy arrays (also inside dicts, tuples and lists) to tensors, without batching.

    The DataLoader's default ``collate_fn`` when ``batch_size=None``.
    """
    if isinstance(data, np.ndarray) and data.dtype.kind not in 'USOV':
        return _creation.as_tensor(data)
    if isinstance(data, np.generic) and not isinstance(data, (np.str_, np.bytes_)):
        return _creation.as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return type(data)({key: default_convert(value) for key, value in data.items()})
    if isinstance(data, tuple) and hasattr(data, '_fields'):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (list, tuple)):
        return [default_convert(d) for d in data]  # torch turns tuples into lists here too
    return data
