"""Indexing: ``x[...]`` in every form, with gradients by scatter-add; gather, scatter, masks."""
import numpy as np

from ..autograd.function import Op
from .. import _backend
from ._util import _make, Tensor


def normalize_index(t, index):
    """Turn tensors and lists inside an index into arrays numpy understands."""
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    for i in index:
        if isinstance(i, Tensor):
            i = i.array
        elif isinstance(i, list):
            i = np.asarray(i)
        out.append(i)
    return tuple(out)


class GetItem(Op):
    """``x[index]``; its gradient scatters (adds) back into a zero tensor of x's shape."""
    saves = ()
    backward_name = 'IndexBackward0'

    def __init__(self, index):
        self.index = index

    def forward(self, a):
        self.in_shape, self.in_dtype = a.shape, a.dtype
        return a[self.index]

    def backward(self, grad):
        return (IndexPut(self.index, self.in_shape)(grad),)


class IndexPut(Op):
    """Scatter-add ``grad`` into zeros of ``shape`` at ``index`` (repeated indices sum)."""
    saves = ()
    backward_name = 'IndexPutBackward0'

    def __init__(self, index, shape):
        self.index, self.shape = index, shape

    def forward(self, g):
        out = _backend.xp_of(g).zeros(self.shape, g.dtype)
        _backend.scatter_add(out, self.index, g)
        return out

    def backward(self, grad):
        return (GetItem(self.index)(grad),)


def getitem_array_index(t, idx):
    """``t[idx]`` for an already normalised index."""
    return GetItem(idx)(t)


def getitem(t, index):
    idx = normalize_index(t, index)
    try:
        return GetItem(idx)(t)
    except IndexError as e:
        raise IndexError(f"{e} (indexing a tensor of shape {list(t.array.shape)})") from None


# --- placeholders, being written now (each helper replaces its block) ---
def gather(*args, **kwargs):
    raise NotImplementedError('gather')


def scatter(*args, **kwargs):
    raise NotImplementedError('scatter')


def scatter_add(*args, **kwargs):
    raise NotImplementedError('scatter_add')


def index_select(*args, **kwargs):
    raise NotImplementedError('index_select')


def masked_fill(*args, **kwargs):
    raise NotImplementedError('masked_fill')


def masked_select(*args, **kwargs):
    raise NotImplementedError('masked_select')
