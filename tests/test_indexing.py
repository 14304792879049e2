"""Indexing against torch: x[index] in every form, x[index] = value, gather/scatter, masks.

Indexing is linear, so each op is squared (``sq``) before comparing: then the second
gradient runs through the backward kernels' own backward (scatter-add -> index).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import compare


def sq(f):
    """``f`` followed by squaring, so its gradient depends on the input (exercises double backward)."""
    def g(T, *xs):
        out = f(T, *xs)
        return tuple(o ** 2 for o in out) if isinstance(out, tuple) else out ** 2
    return g


# -- reading: x[index] ------------------------------------------------------------------------------

BASIC = [
    lambda T, x: x[1], lambda T, x: x[-1], lambda T, x: x[1, 2], lambda T, x: x[1, 2, 3], lambda T, x: x[:, 1],
    lambda T, x: x[..., -1], lambda T, x: x[0:1], lambda T, x: x[:, ::2], lambda T, x: x[1:, 1::2, :3],
    lambda T, x: x[None], lambda T, x: x[:, None, 1], lambda T, x: x[..., None], lambda T, x: x[...],
    lambda T, x: x[-2:, -1], lambda T, x: x[5:], lambda T, x: x[T.tensor(1)], lambda T, x: x[T.tensor(0):T.tensor(1)],
    lambda T, x: x[np.int64(1), 2], lambda T, x: x[0, ..., 1], lambda T, x: x[:, :, 1:3][..., 0],
]

ADVANCED = [
    lambda T, x: x[[0, 1, 1]], lambda T, x: x[T.tensor([1, 0, 1])], lambda T, x: x[:, [0, 2]],
    lambda T, x: x[[0, 1], [1, 2]], lambda T, x: x[[0, 1], :, [1, 2]], lambda T, x: x[T.tensor([1, 0, 1]), :, None],
    lambda T, x: x[1, :, [0, 1]], lambda T, x: x[T.tensor(1), :, [0, 1]], lambda T, x: x[:, 1, [0, 1, 2]],
    lambda T, x: x[x > 0], lambda T, x: x[x[:, 0, 0] > 0], lambda T, x: x[:, x[0, :, 0] > -5],
    lambda T, x: x[T.tensor([[0], [1]]), T.tensor([0, 2, 2])], lambda T, x: x[[]], lambda T, x: x[True],
    lambda T, x: x[[True, False]], lambda T, x: x[T.tensor([-1, -2])], lambda T, x: x[..., [3, 3, 0]],
    lambda T, x: x[np.array([0, 1, 0])], lambda T, x: x[T.tensor([1, 0], dtype=T.int32)],
    lambda T, x: x[None, [1, 0], None, 2:], lambda T, x: x[x > 0][1:3],
    lambda T, x: x[T.tensor([True, False]), 1, [2, 0, 0]],
]


@pytest.mark.parametrize('fn', BASIC + ADVANCED)
def test_getitem(fn):
    compare(sq(fn), [(2, 3, 4)])


@pytest.mark.parametrize('fn', BASIC)
def test_basic_index_is_a_view(fn):
    x = minitorch.randn(2, 3, 4, requires_grad=True) * 1
    y = fn(minitorch, x)
    assert y._base is x and y._version_counter is x._version_counter
    assert y.array.base is not None  # shares numpy memory


def test_view_writes_through_and_bumps_version():
    x = minitorch.zeros(3, 4)
    row = x[1]
    row[2] = 5.0
    assert x[1, 2].item() == 5.0 and x._version == 1
    s = x[0, 0]  # all-int index: still a 0-d view, not a copy
    s.fill_(7.0)
    assert x[0, 0].item() == 7.0


def test_advanced_index_is_a_copy():
    x = minitorch.zeros(3, 4)
    y = x[[0, 1]]
    y[0, 0] = 1.0
    assert x.sum().item() == 0 and y._base is None


def test_grad_fn_names():
    x = minitorch.randn(3, 4, requires_grad=True)
    assert x[0].grad_fn.name() == 'SelectBackward0'
    assert x[1:].grad_fn.name() == 'SliceBackward0'
    assert x[[0, 0]].grad_fn.name() == 'IndexBackward0'


def test_repeated_indices_sum_their_gradients():
    x = minitorch.ones(3, requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data())
def test_getitem_random(shape, data):
    index = []
    k = data.draw(st.integers(1, 4))  # every list the same length, so they broadcast
    for n in shape:
        kind = data.draw(st.sampled_from(['int', 'slice', 'list', 'all']))
        if kind == 'int':
            index.append(data.draw(st.integers(-n, n - 1)))
        elif kind == 'slice':
            index.append(slice(data.draw(st.integers(-n, n)), data.draw(st.integers(-n, n)),
                               data.draw(st.integers(1, 3))))
        elif kind == 'list':
            index.append(data.draw(st.lists(st.integers(-n, n - 1), min_size=k, max_size=k)))
        else:
            index.append(slice(None))
    index = tuple(index)
    compare(sq(lambda T, x: x[index]), [tuple(shape)], dtypes=('float64',))


@pytest.mark.parametrize('index, error, match', [
    (5, IndexError, 'index 5 is out of bounds for dimension 0 with size 2'),
    (-3, IndexError, 'index -3 is out of bounds for dimension 0 with size 2'),
    ((0, 7), IndexError, 'index 7 is out of bounds for dimension 1 with size 3'),
    ([0, 5], IndexError, 'index 5 is out of bounds for dimension 0 with size 2'),
    (1.0, IndexError, 'only integers, slices'),
    (slice(None, None, -1), ValueError, 'step must be greater than zero'),
    ((0, 0, 0, 0), IndexError, 'too many indices for tensor of dimension 3'),
])
def test_getitem_errors(index, error, match):
    for T in (torch, minitorch):
        with pytest.raises(error, match=match):
            T.zeros(2, 3, 4)[index]


@pytest.mark.parametrize('make_index, match', [
    (lambda T: T.tensor([0., 1.]), 'tensors used as indices must be long, int, byte or bool tensors'),
    (lambda T: T.tensor(0.), 'tensors used as indices must be long, int, byte or bool tensors'),
    (lambda T: T.tensor([True, False, True]), r'The shape of the mask \[3\] at index 0 does not match'),
    (lambda T: T.ones(2, 4, dtype=T.bool), r'mask \[2, 4\] at index 1 does not match the shape of the indexed tensor \[2, 3, 4\] at index 1'),
    (lambda T: (slice(None), T.tensor([True, False])), r'mask \[2\] at index 0 does not match the shape of the indexed tensor \[2, 3, 4\] at index 1'),
    (lambda T: (T.tensor([0, 1]), T.tensor([0, 1, 2])), 'shape mismatch: indexing tensors could not be broadcast'),
])
def test_index_tensor_errors(make_index, match):
    for T in (torch, minitorch):
        with pytest.raises(IndexError, match=match):
            T.zeros(2, 3, 4)[make_index(T)]


def test_list_of_lists_is_a_tuple_with_a_warning():
    for T in (torch, minitorch):
        with pytest.warns(UserWarning, match='non-tuple sequence for multidimensional indexing'):
            assert T.zeros(2, 3, 4)[[[0, 1], [1, 2]]].shape == (2, 4)


def test_zero_dim_index_error():
    for T in (torch, minitorch):
        with pytest.raises(IndexError, match='invalid index of a 0-dim tensor'):
            T.tensor(3.0)[0]
        assert T.tensor(3.0)[None].shape == (1,)


# -- writing: x[index] = value --------------------------------------------------------------------

def _set(index, value=None):
    """x[index] = value (a constant, or the second input times 3) on a non-leaf, then squared."""
    def fn(T, x, *v):
        y = x * 1.0
        y[index(T) if callable(index) else index] = (v[0] * 3 if v else value)
        return y ** 2
    return fn


@pytest.mark.parametrize('index, value', [
    (1, 2.5), ((0, 1), -1.0), (slice(0, 2), 0), ((slice(None), 2), 7), ((Ellipsis, 0), 1.5),
    ([0, 1], 3.0), (lambda T: T.tensor([1, -2]), 4.0), (lambda T: (T.tensor([0, 1]), T.tensor([1, 2])), 0.5),
    ((1, slice(None), [0, 3]), 2.0), (lambda T: T.tensor([True, False]), 9.0), (None, 1.0),
])
def test_setitem_scalar(index, value):
    compare(_set(index, value), [(2, 3, 4)])


@pytest.mark.parametrize('index, vshape', [
    (1, (3, 4)), (1, (4,)), (1, (1, 4)), (1, (1, 1, 4)), ((slice(None), 1), (2, 4)), ((slice(None), 1), (2, 1)),
    ([1, 0], (2, 3, 4)), ([1, 0], (3, 1)), ((slice(None), [2, 0]), (2, 2, 4)), ((0, 0, 0), ()),
    ((0, slice(None), [1, 3]), (3, 2)),
])
def test_setitem_tensor(index, vshape):
    compare(_set(index), [(2, 3, 4), vshape])


def test_setitem_mask_with_tensor_value():
    def fn(T, x, v):
        y = x * 1.0
        mask = x > 0
        y[mask] = v[:int(mask.sum())] * 2
        return y ** 2
    compare(fn, [(3, 4), (12,)])


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True), col=st.integers(-4, 3))
def test_setitem_random(rows, col):
    compare(_set((rows, slice(None), col)), [(4, 3, 4), (len(rows), 3)], dtypes=('float64',))


def test_setitem_casts_and_broadcasts():
    for T in (torch, minitorch):
        x = T.zeros(3, 4, dtype=T.int64)
        x[0] = 1.7
        x[1] = T.tensor([1.5, 2.5, 3.5, 4.5])
        x[2, :2] = T.tensor(True)
        assert x.tolist() == [[1, 1, 1, 1], [1, 2, 3, 4], [1, 1, 0, 0]]
        b = T.zeros(3, dtype=T.bool)
        b[0] = 2.5
        assert b.tolist() == [True, False, False]


def test_setitem_value_gets_gradient_and_makes_result_non_leaf():
    for T in (torch, minitorch):
        x = T.zeros(3, 4)
        v = T.ones(4, requires_grad=True)
        x[1] = v * 2
        assert not x.is_leaf and x.requires_grad and x.grad_fn.name().endswith('CopySlices')
        (x * T.arange(12.).reshape(3, 4)).sum().backward()
        assert v.grad.tolist() == [8., 10., 12., 14.]


def test_setitem_records_on_non_leaf_and_bumps_version():
    x = minitorch.ones(2, 3, requires_grad=True)
    y = x * 2
    before = y._version
    y[0, 1] = 0.0
    assert y._version == before + 1 and y.grad_fn.name() == 'CopySlices'
    y.sum().backward()
    assert x.grad.tolist() == [[2., 0., 2.], [2., 2., 2.]]


def test_setitem_on_leaf_requiring_grad_raises():
    for T in (torch, minitorch):
        x = T.zeros(3, requires_grad=True)
        with pytest.raises(RuntimeError, match='leaf Variable that requires grad is being used in an in-place'):
            x[0] = 1.0
        with T.no_grad():
            x[0] = 1.0  # allowed without recording, as optimizers do
        assert x[0].item() == 1.0


def test_setitem_after_save_breaks_backward():
    for T in (torch, minitorch):
        x = T.ones(3, requires_grad=True)
        y = x * 1
        z = y.exp()  # exp saves its output
        z[0] = 0.0
        with pytest.raises(RuntimeError, match='modified by an inplace operation'):
            z.sum().backward()


@pytest.mark.parametrize('index, value, error, match', [
    (5, 1.0, IndexError, 'index 5 is out of bounds for dimension 0 with size 3'),
    (0, lambda T: T.ones(2, 4), RuntimeError, ''),
    (0, [1.0, 2.0, 3.0, 4.0], TypeError, "can't assign a list"),
    (lambda T: T.tensor([0.]), 1.0, IndexError, 'tensors used as indices must be long, int, byte or bool'),
    (lambda T: T.zeros(3, 4) > 1, lambda T: T.ones(2), RuntimeError, 'shape mismatch'),
])
def test_setitem_errors(index, value, error, match):
    for T in (torch, minitorch):
        x = T.zeros(3, 4)
        with pytest.raises(error, match=match):
            x[index(T) if callable(index) else index] = value(T) if callable(value) else value


# -- gather, scatter, index_select ----------------------------------------------------------------

IDX = np.array([[0, 3, 3], [2, 1, 0]])


@pytest.mark.parametrize('fn', [
    lambda T, x, i: T.gather(x, 1, i), lambda T, x, i: x.gather(-1, i), lambda T, x, i: x.gather(0, i % 3),
    lambda T, x, i: x.gather(1, i[:1, :2]), lambda T, x, i: x.gather(1, i.int()),
])
def test_gather(fn):
    compare(sq(fn), inputs=[np.random.default_rng(0).normal(size=(3, 4)), IDX])


def test_gather_3d_hypothesis():
    @settings(max_examples=25, deadline=None)
    @given(dim=st.integers(-3, 2), shape=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)),
           seed=st.integers(0, 100))
    def check(dim, shape, seed):
        rng = np.random.default_rng(seed)
        ishape = tuple(rng.integers(1, n + 1) if d != dim % 3 else 4 for d, n in enumerate(shape))
        idx = rng.integers(0, shape[dim], size=ishape)
        compare(sq(lambda T, x, i: T.gather(x, dim, i)), inputs=[rng.normal(size=shape), idx], dtypes=('float64',))
    check()


@pytest.mark.parametrize('fn', [
    lambda T, x, s, i: x.scatter(1, i, s), lambda T, x, s, i: T.scatter(x, 0, i % 3, s),
    lambda T, x, s, i: x.scatter(1, i, 2.5), lambda T, x, s, i: x.scatter(1, i, value=-1.0),
    lambda T, x, s, i: x.scatter_add(1, i, s), lambda T, x, s, i: T.scatter_add(x, 0, i % 3, s),
])
def test_scatter(fn):
    rng = np.random.default_rng(1)
    idx = np.array([[0, 1, 3], [2, 1, 0]])  # unique per row, so scatter is deterministic
    compare(sq(fn), inputs=[rng.normal(size=(3, 4)), rng.normal(size=(2, 3)), idx])


@pytest.mark.parametrize('fn', [
    lambda T, x, s, i: x.scatter(1, i[:, :2], s), lambda T, x, s, i: x.scatter_add(1, i[:1], s),
])
def test_scatter_src_larger_than_index(fn):
    # torch reads only the index's corner of src; its backward then fails on the shape (minitorch pads
    # the gradient with zeros), so only values are compared here
    rng = np.random.default_rng(1)
    compare(fn, inputs=[rng.normal(size=(3, 4)), rng.normal(size=(2, 3)), np.array([[0, 1, 3], [2, 1, 0]])],
            grad=False)
    x, s = minitorch.zeros(3, 4), minitorch.ones(2, 3, requires_grad=True)
    fn(minitorch, x, s, minitorch.tensor([[0, 1, 3], [2, 1, 0]])).sum().backward()
    assert s.grad.shape == (2, 3)


def test_scatter_add_repeated_indices_sum():
    compare(lambda T, x, s, i: x.scatter_add(1, i, s) ** 2,
            inputs=[np.zeros((2, 3)), np.ones((2, 4)), np.array([[0, 0, 2, 0], [1, 1, 1, 1]])])


def test_scatter_reduce_forward_only():
    for T in (torch, minitorch):
        x = T.ones(2, 3)
        out = x.scatter(1, T.tensor([[0, 0], [2, 1]]), T.full((2, 2), 3.0), reduce='add')
        assert out.tolist() == [[7., 1., 1.], [1., 4., 4.]]
        out = x.scatter(1, T.tensor([[0, 0], [2, 1]]), T.full((2, 2), 3.0), reduce='multiply')
        assert out.tolist() == [[9., 1., 1.], [1., 3., 3.]]
        with pytest.raises(RuntimeError, match='reduce argument must be either add or multiply'):
            x.scatter(1, T.tensor([[0]]), 1.0, reduce='max')


@pytest.mark.parametrize('fn', [
    lambda T, x: x.index_select(0, T.tensor([2, 0, 2])), lambda T, x: T.index_select(x, -1, T.tensor([3, 1])),
    lambda T, x: x.index_select(1, T.tensor(2)), lambda T, x: x.index_select(1, T.tensor([], dtype=T.int64)),
    lambda T, x: x.index_select(1, T.tensor([0, 3], dtype=T.int32)),
])
def test_index_select(fn):
    compare(sq(fn), [(3, 4)])


@pytest.mark.parametrize('call, error, match', [
    (lambda T, x: x.gather(1, T.tensor([[0.]])), RuntimeError, r'gather\(\): Expected dtype int32/int64 for index'),
    (lambda T, x: x.gather(1, T.tensor([0])), RuntimeError, 'Index tensor must have the same number of dimensions'),
    (lambda T, x: x.gather(1, T.zeros(4, 2, dtype=T.int64)), RuntimeError, 'Size does not match at dimension 0'),
    (lambda T, x: x.gather(1, T.tensor([[4]])), RuntimeError, 'index 4 is out of bounds for dimension 1 with size 4'),
    (lambda T, x: x.gather(1, T.tensor([[-1]])), RuntimeError, 'index -1 is out of bounds for dimension 1'),
    (lambda T, x: x.gather(2, T.tensor([[0]])), IndexError, 'Dimension out of range'),
    (lambda T, x: x.scatter(1, T.tensor([[0]]), T.ones(1, 1, dtype=T.float64)), RuntimeError,
     r'scatter\(\): Expected self.dtype to be equal to src.dtype'),
    (lambda T, x: x.scatter_add(1, T.tensor([[9]]), T.ones(1, 1)), RuntimeError, 'index 9 is out of bounds'),
    (lambda T, x: x.index_select(1, T.tensor([2.])), RuntimeError, 'Expected dtype int32 or int64 for index'),
    (lambda T, x: x.index_select(1, T.tensor([[2]])), IndexError, 'Index is supposed to be a vector'),
    (lambda T, x: x.index_select(1, [1]), TypeError, "must be Tensor, not list"),
])
def test_dim_index_errors(call, error, match):
    for T in (torch, minitorch):
        with pytest.raises(error, match=match):
            call(T, T.zeros(3, 4))


def test_index_select_out_of_range():
    for bad in (7, -1):
        with pytest.raises(RuntimeError):
            torch.zeros(3, 4).index_select(1, torch.tensor([bad]))
        with pytest.raises(RuntimeError, match=f'index {bad} is out of bounds for dimension 1 with size 4'):
            minitorch.zeros(3, 4).index_select(1, minitorch.tensor([bad]))


# -- masks ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('fn', [
    lambda T, x: x.masked_fill(x > 0, 0.0), lambda T, x: T.masked_fill(x, x < 0.5, -1.5),
    lambda T, x: x.masked_fill(T.tensor([True, False, True, False]), 2),
    lambda T, x: x.masked_fill(T.tensor([[True], [False], [True]]), float('-inf')).exp(),
    lambda T, x: T.zeros(4).masked_fill(x > 0, 1.0) + x, lambda T, x: x.masked_fill(x > 0, T.tensor(3.0)),
    lambda T, x: x.masked_select(x > 0), lambda T, x: T.masked_select(x, T.tensor([True, False, False, True])),
    lambda T, x: x[0].masked_select(x > 0),
])
def test_masked(fn):
    compare(sq(fn), [(3, 4)])


def test_masked_fill_value_tensor_gets_gradient():
    compare(lambda T, x, v: x.masked_fill(x > 0, v * 2) ** 2, [(3, 4), ()])


def test_masked_fill_keeps_dtype():
    for T in (torch, minitorch):
        out = T.arange(4).masked_fill(T.tensor([True, False, True, False]), 2.7)
        assert out.dtype == T.int64 and out.tolist() == [2, 1, 2, 3]
        out = T.arange(4.).masked_fill(T.tensor([True, False, False, False]), T.tensor(2., dtype=T.float64))
        assert out.dtype == T.float32


@pytest.mark.parametrize('call, match', [
    (lambda T, x: x.masked_fill(T.ones(4), 1.0), 'masked_fill_ only supports boolean masks'),
    (lambda T, x: x.masked_fill(x > 0, T.tensor([2.])), 'only supports a 0-dimensional value tensor'),
    (lambda T, x: x.masked_select(T.ones(4)), 'masked_select: expected BoolTensor for mask'),
    (lambda T, x: x.masked_fill(T.ones(2, dtype=T.bool), 1.0), 'must match the size'),
])
def test_mask_errors(call, match):
    for T in (torch, minitorch):
        with pytest.raises(RuntimeError, match=match):
            call(T, T.zeros(3, 4))
