"""minitorch.utils.data against torch.utils.data.

Sequential orders, lengths, batch sizes, collated values/dtypes and error messages must
match torch. Random orders come from minitorch's own generator and cannot match torch's,
so shuffling is tested by its properties: every epoch is a permutation, epochs differ,
and a seed (global or ``generator=``) reproduces the order.
"""
from collections import OrderedDict, namedtuple

import numpy as np
import pytest
import torch
import torch.utils.data as tdata
from hypothesis import given, settings, strategies as st

import minitorch
import minitorch.utils.data as mdata
from minitorch.utils.data import DataLoader, Dataset

Point = namedtuple('Point', 'x y')


def plain(x):
    """A batch (torch or minitorch) as nested Python/numpy data with dtype names, to compare."""
    if isinstance(x, (torch.Tensor, minitorch.Tensor)):
        arr = x.detach().numpy() if isinstance(x, torch.Tensor) else x.numpy()
        return ('tensor', str(x.dtype).split('.')[-1], arr.tolist())
    if isinstance(x, dict):
        return (type(x).__name__, {k: plain(v) for k, v in x.items()})
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [plain(v) for v in x])
    return x


def both(fn):
    """``fn(module)`` run with torch.utils.data and minitorch.utils.data; the outcomes (or errors)."""
    out = []
    for mod in (tdata, mdata):
        try:
            out.append(('ok', fn(mod)))
        except Exception as e:  # noqa: BLE001 -- the point is to compare torch's error with ours
            # the gist of the message: torch's first clause, ignoring case and spacing
            out.append((type(e), str(e).split(';')[0].split(' (')[0].lower().replace(' ', '')))
    return out


class Squares(Dataset):
    """A custom map-style dataset, as a learner writes one."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.float32(i) * np.ones(2, np.float32), i * i


# -- datasets -------------------------------------------------------------------------------------

def test_dataset_base():
    with pytest.raises(NotImplementedError, match="should implement __getitem__"):
        Dataset()[0]
    both_sets = Squares(2) + Squares(3)
    assert isinstance(both_sets, mdata.ConcatDataset) and len(both_sets) == 5
    assert both_sets[4][1] == 4


def test_tensor_dataset():
    x, y = minitorch.randn(5, 3), minitorch.arange(5)
    ds = mdata.TensorDataset(x, y)
    assert len(ds) == 5 and ds.tensors == (x, y)
    xi, yi = ds[2]
    assert minitorch.equal(xi, x[2]) and yi.item() == 2
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        mdata.TensorDataset(minitorch.zeros(3), minitorch.zeros(4))


def test_subset_and_concat_match_torch():
    for fn in (lambda m: [m.Subset(list(range(10)), [1, 3, 5])[i] for i in (0, -1)],
               lambda m: m.Subset(list(range(10)), [1, 3, 5]).__getitems__([2, 0]),
               lambda m: len(m.Subset(range(10), [1, 3])),
               lambda m: [m.ConcatDataset([range(3), range(10, 14)])[i] for i in range(-7, 7)],
               lambda m: m.ConcatDataset([range(3), range(4)]).cumulative_sizes,
               lambda m: m.ConcatDataset([range(3), range(4)])[-8],
               lambda m: m.ConcatDataset([])):
        theirs, ours = both(fn)
        assert theirs == ours
    with pytest.raises(IndexError, match="out of range"):
        mdata.ConcatDataset([range(3), range(4)])[7]


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 40), parts=st.lists(st.integers(1, 9), min_size=1, max_size=4))
def test_random_split_sizes_match_torch(n, parts):
    fractions = [p / sum(parts) for p in parts]
    fractions[-1] = 1 - sum(fractions[:-1])
    lengths = [int(f * n) for f in fractions]
    lengths[-1] = n - sum(lengths[:-1])
    for spec in (fractions, lengths):
        theirs = tdata.random_split(range(n), spec)
        ours = mdata.random_split(range(n), spec)
        assert [len(s) for s in ours] == [len(s) for s in theirs]
        assert sorted(i for s in ours for i in s) == list(range(n))  # disjoint and covering


def test_random_split_reproducible_and_errors():
    def split(**kw):
        return [list(s) for s in mdata.random_split(range(20), [5, 15], **kw)]
    def seeded(s):
        return split(generator=minitorch.Generator().manual_seed(s))
    assert seeded(3) == seeded(3) and seeded(3) != seeded(4)
    minitorch.manual_seed(0)
    first = split()
    minitorch.manual_seed(0)
    assert split() == first
    for spec in ([3, 3], [0.5, 0.6], [0.3, 0.3, 0.4]):
        theirs, ours = both(lambda m: [len(s) for s in m.random_split(range(10), spec)])
        assert theirs == ours
    with pytest.raises(ValueError, match="non-negative"):
        mdata.random_split(range(10), [-1, 11])


# -- samplers -------------------------------------------------------------------------------------

def test_sequential_and_random_sampler():
    assert list(mdata.SequentialSampler(range(4))) == [0, 1, 2, 3]
    s = mdata.RandomSampler(range(10))
    epochs = [list(s) for _ in range(3)]
    assert all(sorted(e) == list(range(10)) for e in epochs) and len(s) == 10
    assert epochs[0] != epochs[1]
    long = list(mdata.RandomSampler(range(4), num_samples=10))  # permutations back to back
    assert sorted(long[:4]) == sorted(long[4:8]) == [0, 1, 2, 3] and len(set(long[8:])) == 2
    drawn = list(mdata.RandomSampler(range(3), replacement=True, num_samples=50))
    assert len(drawn) == 50 and set(drawn) <= {0, 1, 2}
    g = lambda: minitorch.Generator().manual_seed(7)  # noqa: E731
    assert list(mdata.RandomSampler(range(9), generator=g())) == list(mdata.RandomSampler(range(9), generator=g()))
    sub = list(mdata.SubsetRandomSampler([10, 20, 30]))
    assert sorted(sub) == [10, 20, 30]


@pytest.mark.parametrize('data, kwargs', [(range(10), dict(num_samples=0)), (range(10), dict(replacement=1)),
                                          (range(10), dict(num_samples=-1, replacement=True)),
                                          (range(10), dict(num_samples=2.5)), (range(0), {})])
def test_random_sampler_errors_match_torch(data, kwargs):
    theirs, ours = both(lambda m: m.RandomSampler(data, **kwargs))
    assert theirs == ours and theirs[0] != 'ok'


@settings(max_examples=25, deadline=None)
@given(n=st.integers(0, 30), batch_size=st.integers(1, 8), drop_last=st.booleans())
def test_batch_sampler_matches_torch(n, batch_size, drop_last):
    theirs, ours = both(lambda m: (lambda b: (list(b), len(b)))(
        m.BatchSampler(m.SequentialSampler(range(n)), batch_size, drop_last)))
    assert theirs == ours


@pytest.mark.parametrize('args', [(0, False), (-2, False), (True, False), (2.0, False), (3, 1)])
def test_batch_sampler_errors_match_torch(args):
    theirs, ours = both(lambda m: m.BatchSampler(range(5), *args))
    assert theirs == ours and theirs[0] != 'ok'


# -- collate --------------------------------------------------------------------------------------

BATCHES = {
    'ints': [1, 2, 3],
    'floats': [1.5, 2.0],
    'bools': [True, False],
    'strings': ['a', 'b'],
    'numpy': [np.arange(6, dtype=np.uint8).reshape(2, 3), np.ones((2, 3), np.uint8)],
    'numpy float': [np.ones(2), np.zeros(2)],
    'numpy scalars': [np.float32(1), np.float32(2)],
    'numpy ints': [np.int64(3), np.int64(4)],
    'tuples': [(1, 2.0), (3, 4.0)],
    'lists': [[1, 2], [3, 4]],
    'namedtuples': [Point(1, 2.0), Point(3, 4.0)],
    'dicts': [{'a': 1, 'b': np.zeros(2)}, {'a': 2, 'b': np.ones(2)}],
    'ordered dicts': [OrderedDict(a=1.0), OrderedDict(a=2.0)],
    'nested': [({'x': [1, 2]}, 'label'), ({'x': [3, 4]}, 'other')],
    'ragged': [[1, 2], [3]],
    'objects': [object()],
    'nones': [None, None],
    'string arrays': [np.array(['a']), np.array(['b'])],
}


@pytest.mark.parametrize('name', BATCHES)
def test_default_collate_matches_torch(name):
    theirs, ours = both(lambda m: plain(m.default_collate(BATCHES[name])))
    if name in ('objects', 'nones'):  # torch names the class; so do we
        assert theirs[0] is ours[0] is TypeError
    else:
        assert theirs == ours


def test_default_collate_stacks_tensors():
    a, b = minitorch.randn(2, 3), minitorch.randn(2, 3)
    out = mdata.default_collate([a, b])
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.numpy(), np.stack([a.numpy(), b.numpy()]))
    leaf = minitorch.ones(2, requires_grad=True)
    stacked = mdata.default_collate([leaf, leaf * 2])
    stacked.sum().backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), [3.0, 3.0])


def test_default_convert_matches_torch():
    data = {'a': np.ones(2), 'b': [np.int32(1), 'x'], 'c': (np.zeros(1), 2)}
    theirs, ours = both(lambda m: plain(m.default_convert(data)))
    assert theirs == ours


# -- DataLoader -----------------------------------------------------------------------------------

@pytest.mark.parametrize('kwargs', [
    dict(batch_size=0), dict(batch_size=-1), dict(batch_size=1.5), dict(batch_size=True),
    dict(shuffle=True, sampler=[0]), dict(batch_sampler=[[0]], batch_size=2), dict(batch_sampler=[[0]], shuffle=True),
    dict(batch_sampler=[[0]], drop_last=True), dict(batch_size=None, drop_last=True), dict(num_workers=-1),
    dict(prefetch_factor=2), dict(persistent_workers=True), dict(timeout=-1), dict(drop_last=1),
])
def test_dataloader_errors_match_torch(kwargs):
    theirs, ours = both(lambda m: m.DataLoader(range(10), **kwargs))
    assert theirs == ours and theirs[0] != 'ok'


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 30), batch_size=st.one_of(st.none(), st.integers(1, 8)), drop_last=st.booleans())
def test_dataloader_sequential_matches_torch(n, batch_size, drop_last):
    drop_last = drop_last and batch_size is not None
    data = [(np.float64(i), {'i': i, 'v': np.full(2, i, np.float32)}) for i in range(n)]
    theirs, ours = both(lambda m: (lambda dl: (len(dl), [plain(b) for b in dl]))(
        m.DataLoader(data, batch_size=batch_size, drop_last=drop_last)))
    assert theirs == ours


def test_dataloader_tensor_dataset():
    x = minitorch.tensor(np.arange(20.0).reshape(10, 2), dtype=minitorch.float32)
    y = minitorch.arange(10)
    ours = [plain(b) for b in DataLoader(mdata.TensorDataset(x, y), batch_size=4)]
    ref = tdata.TensorDataset(torch.arange(20.0).reshape(10, 2), torch.arange(10))
    assert ours == [plain(b) for b in tdata.DataLoader(ref, batch_size=4)]


def test_dataloader_tensor_dataset_batched_fetch_equals_per_sample_collate():
    """A TensorDataset's batches are gathered with one index per tensor: the same batches, dtypes and
    shapes as default_collate stacking samples one by one (a wrapper collate takes that path)."""
    x = minitorch.randn(37, 1, 4, 4)
    y = minitorch.arange(37)
    w = minitorch.tensor(np.arange(37) % 2 == 0)
    ds = mdata.TensorDataset(x, y, w)

    def batches(collate):
        loader = DataLoader(ds, batch_size=8, shuffle=True, collate_fn=collate,
                            generator=minitorch.Generator().manual_seed(3))
        return [[(t.dtype, tuple(t.shape), t.tolist()) for t in b] for b in loader]
    fast = batches(None)
    assert fast == batches(lambda samples: mdata.default_collate(samples))
    assert len(fast) == 5 and fast[0][0][1] == (8, 1, 4, 4) and fast[-1][1][1] == (5,)


def test_dataloader_shuffle_is_a_reproducible_permutation():
    dl = DataLoader(range(23), batch_size=5, shuffle=True)
    assert isinstance(dl.sampler, mdata.RandomSampler) and len(dl) == 5
    epochs = [[i for b in dl for i in b.tolist()] for _ in range(3)]
    assert all(sorted(e) == list(range(23)) for e in epochs)
    assert epochs[0] != epochs[1]
    minitorch.manual_seed(1)
    first = [b.tolist() for b in dl]
    minitorch.manual_seed(1)
    assert [b.tolist() for b in dl] == first
    seeded = lambda s: [b.tolist() for b in DataLoader(range(23), 5, shuffle=True,  # noqa: E731
                                                       generator=minitorch.Generator().manual_seed(s))]
    assert seeded(5) == seeded(5) and seeded(5) != seeded(6)
    dropped = DataLoader(range(23), batch_size=5, shuffle=True, drop_last=True)
    sizes = [len(b) for b in dropped]
    assert sizes == [5, 5, 5, 5] and len(dropped) == 4


def test_dataloader_custom_dataset_sampler_and_collate():
    ds = Squares(7)
    xs, ys = next(iter(DataLoader(ds, batch_size=3)))
    assert xs.shape == (3, 2) and xs.dtype == minitorch.float32 and ys.tolist() == [0, 1, 4]
    assert ys.dtype == minitorch.int64
    dl = DataLoader(ds, sampler=[6, 0], batch_size=2)
    assert next(iter(dl))[1].tolist() == [36, 0]
    dl = DataLoader(ds, batch_sampler=[[1, 2], [3]], collate_fn=lambda batch: [y for _, y in batch])
    assert list(dl) == [[1, 4], [9]] and len(dl) == 2
    in_process = DataLoader(ds, batch_size=7, num_workers=2, pin_memory=True)  # runs in this process
    assert next(iter(in_process))[1].tolist() == [i * i for i in range(7)]


def test_dataloader_dict_dataset_and_subset():
    records = [{'x': np.full(3, i, np.float32), 'y': i % 2, 'name': f'r{i}'} for i in range(6)]
    train, _ = mdata.random_split(records, [4, 2], generator=minitorch.Generator().manual_seed(0))
    batch = next(iter(DataLoader(train, batch_size=4)))
    assert batch['x'].shape == (4, 3) and batch['y'].dtype == minitorch.int64 and len(batch['name']) == 4
    assert sorted(batch['x'][:, 0].tolist()) == sorted(float(records[i]['x'][0]) for i in train.indices)
