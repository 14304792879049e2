"""Reductions and the softmax family against torch: values, dtypes, gradients and second gradients."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minitorch
from harness import compare

INF = math.inf
TIES = np.array([[1., 3., 3.], [2., 2., 0.], [-1., -1., -1.]])


# -- sum, mean ----------------------------------------------------------------------------------

@pytest.mark.parametrize('shape,dim', [
    ((3, 4), None), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), (0, 2)), ((2, 3, 4), (-1, 0)), ((2, 3, 4), [1]),
    ((2, 3), ()), ((), None), ((), 0), ((), -1),
])
@pytest.mark.parametrize('keepdim', [False, True])
@pytest.mark.parametrize('name', ['sum', 'mean'])
def test_sum_mean(name, shape, dim, keepdim):
    if dim is None:
        compare(lambda T, a: getattr(a, name)(), [shape])
    else:
        compare(lambda T, a: getattr(T, name)(a, dim, keepdim=keepdim), [shape])


def test_sum_mean_dtypes():
    compare(lambda T, a: a.sum(dtype=T.float32), [(3, 4)], dtypes=('float64',), tol={'float64': (1e-6, 1e-6)})
    compare(lambda T, a: a.mean(1, dtype=T.float64), [(3, 4)], dtypes=('float32',))
    ints = np.array([[1, -2, 3], [4, 5, -6]])
    compare(lambda T, a: (a.sum(), a.sum(0), a.sum(dtype=T.float32), a.to(T.int32).sum(1),
                          a.mean(dtype=T.float64), (a > 0).sum(), (a > 0).sum(1, keepdim=True)), inputs=[ints])
    compare(lambda T, a: a.sum(dtype=T.int64), inputs=[np.array([1.5, 2.0, -0.5])], grad=False)


def test_mean_of_integers_raises():
    with pytest.raises(RuntimeError, match='mean'):
        minitorch.tensor([1, 2]).mean()
    with pytest.raises(RuntimeError, match='dtype'):
        minitorch.tensor([1., 2.]).mean(dtype=minitorch.int64)


# -- prod ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('values', [
    [[2., 0.5, -3.], [1.5, -2., 4.]],     # no zeros
    [[2., 0., -3.], [1.5, -2., 4.]],      # one zero
    [[0., 0., -3.], [1.5, 0., 4.]],       # two zeros in a row, one in a column
    [[0., 0., 0.], [0., 2., 0.]],         # many zeros
])
@pytest.mark.parametrize('fn', [
    lambda T, a: a.prod(), lambda T, a: a.prod(1), lambda T, a: T.prod(a, 0, keepdim=True),
    lambda T, a: a.prod(-1, True), lambda T, a: a[0].prod(0),
], ids=['all', 'dim1', 'dim0_keep', 'dim-1_keep', 'vector'])
def test_prod_with_zeros(fn, values):
    compare(fn, inputs=[np.array(values)])


def test_prod_shapes_and_dtypes():
    compare(lambda T, a: a.prod(), [()])
    compare(lambda T, a: a.prod(0), [()])
    compare(lambda T, a: a.prod(1), [(2, 3, 4)], low=0.5, high=1.5)
    ints = np.array([[1, -2, 3], [4, 5, -6]])
    compare(lambda T, a: (a.prod(), a.prod(1), a.to(T.int32).prod(0), (a > 0).prod(), a.prod(dtype=T.float64)),
            inputs=[ints])
    compare(lambda T, a: a.prod(dtype=T.float64), [(3,)], dtypes=('float32',))


def test_prod_takes_one_dim():
    with pytest.raises(TypeError, match='dim'):
        minitorch.ones(2, 3).prod((0, 1))


# -- max, min, amax, amin, argmax, argmin -----------------------------------------------------

@pytest.mark.parametrize('name', ['max', 'min'])
def test_max_min_full_reduction_shares_ties(name):
    compare(lambda T, a: getattr(a, name)(), inputs=[TIES])
    compare(lambda T, a: getattr(T, name)(a), [(3, 4)])
    compare(lambda T, a: getattr(a, name)(), [()])


@pytest.mark.parametrize('name', ['max', 'min'])
@pytest.mark.parametrize('dim,keepdim', [(0, False), (1, False), (-1, True), (0, True)])
def test_max_min_along_dim(name, dim, keepdim):
    # with ties the gradient goes to the returned index only (the first one), as in torch
    compare(lambda T, a: getattr(T, name)(a, dim, keepdim), inputs=[TIES])
    compare(lambda T, a: getattr(a, name)(dim=dim, keepdim=keepdim), [(3, 4, 2)])


def test_max_returns_values_and_indices():
    x = minitorch.tensor([[1., 5., 2.], [7., 0., 7.]])
    out = x.max(1)
    values, indices = out
    assert isinstance(out, tuple) and out.values is values and out.indices is indices
    assert values.tolist() == [5., 7.] and indices.tolist() == [1, 0] and indices.dtype == minitorch.int64
    out = minitorch.min(x, dim=0, keepdim=True)
    assert out.values.shape == (1, 3) and out.indices.tolist() == [[0, 1, 0]]
    compare(lambda T, a: a.max(0), [()])  # a 0-d tensor is its own max, at index 0


@pytest.mark.parametrize('name', ['max', 'min'])
def test_max_of_two_tensors_is_maximum(name):
    compare(lambda T, a, b: getattr(T, name)(a, b), [(3, 4), (4,)])
    compare(lambda T, a, b: getattr(a, name)(b), [(3, 1), (1, 4)])


@pytest.mark.parametrize('name', ['amax', 'amin'])
@pytest.mark.parametrize('dim', [(), 0, -1, (0, 1), (1, 0)])
@pytest.mark.parametrize('keepdim', [False, True])
def test_amax_amin_ties_share(name, dim, keepdim):
    compare(lambda T, a: getattr(T, name)(a, dim, keepdim), inputs=[TIES])


def test_amax_amin_shapes():
    compare(lambda T, a: a.amax((0, 2)), [(2, 3, 4)])
    compare(lambda T, a: a.amin(dim=-2, keepdim=True), [(2, 3, 4)])
    compare(lambda T, a: (a.amax(), a.amin(0)), [()])
    compare(lambda T, a: (a.amax(1), a.amin(), a.max(), a.min(0)), inputs=[np.array([[3, -1, 3], [0, 8, 8]])])


@pytest.mark.parametrize('name', ['argmax', 'argmin'])
def test_argmax_argmin(name):
    arrays = [TIES, np.random.default_rng(0).normal(size=(2, 3, 4)), np.array([[3, -1, 3], [0, 8, 8]])]
    for x in arrays:
        compare(lambda T, a: (getattr(a, name)(), getattr(T, name)(a, 0), getattr(a, name)(-1, keepdim=True),
                              getattr(a, name)(dim=None, keepdim=True)), inputs=[x])
    compare(lambda T, a: (getattr(a, name)(), getattr(a, name)(0), getattr(a, name)(0, True)), [()])


def test_max_family_errors():
    empty = minitorch.zeros(0, 3)
    with pytest.raises(RuntimeError, match='dim'):
        empty.max()
    with pytest.raises(IndexError, match='non-zero size'):
        empty.max(0)
    with pytest.raises(IndexError, match='non-zero size'):
        empty.amax(0)
    with pytest.raises(IndexError, match='dim'):
        empty.argmax()
    assert empty.amax(1).shape == (0,)
    with pytest.raises(TypeError, match='amax'):
        minitorch.ones(2, 3).max((0, 1))
    with pytest.raises(TypeError, match='int'):
        minitorch.ones(2, 3).argmax((0,))


# -- var, std ---------------------------------------------------------------------------------

@pytest.mark.parametrize('fn', [
    lambda T, a: a.var(), lambda T, a: a.var(0), lambda T, a: a.var(dim=1, unbiased=False),
    lambda T, a: a.var(0, False), lambda T, a: a.var(False), lambda T, a: a.var((0, 2), keepdim=True),
    lambda T, a: T.var(a, 1, correction=2), lambda T, a: a.var(1, correction=0.5, keepdim=True),
    lambda T, a: a.std(), lambda T, a: a.std(correction=0), lambda T, a: a.std(1, True, True),
    lambda T, a: T.std(a, (-1, 0), unbiased=False), lambda T, a: a.std(dim=[1], correction=1.5),
])
def test_var_std(fn):
    compare(fn, [(3, 4, 2)])


def test_var_std_edge_cases():
    compare(lambda T, a: (a.var(), a.std(1)), [(1, 4)])
    compare(lambda T, a: a.std(), inputs=[np.full((3,), 2.0)])  # std 0: gradient 0, as torch
    with pytest.warns(UserWarning, match='degrees of freedom'):
        v = minitorch.tensor([1.0]).var()
    assert math.isnan(v.item())
    with pytest.warns(UserWarning, match='degrees of freedom'):
        assert minitorch.tensor([1.0, 2.0]).var(correction=3).item() == INF
    with pytest.raises(RuntimeError, match='floating point'):
        minitorch.tensor([1, 2]).var()
    with pytest.raises(TypeError, match='unbiased or correction'):
        minitorch.ones(3).var(0, unbiased=True, correction=1)


# -- logsumexp, norm --------------------------------------------------------------------------

@pytest.mark.parametrize('dim', [0, -1, (0, 1), (2, 0)])
@pytest.mark.parametrize('keepdim', [False, True])
def test_logsumexp(dim, keepdim):
    compare(lambda T, a: T.logsumexp(a, dim, keepdim), [(3, 4, 2)])


@pytest.mark.filterwarnings('ignore::RuntimeWarning')  # numpy's note on log(0) for an all -inf row
def test_logsumexp_extreme_values():
    x = np.array([[1000., -1000., 0.], [-1000., -1000., -1000.], [1000., 1000., 999.]])
    compare(lambda T, a: a.logsumexp(1), inputs=[x])
    compare(lambda T, a: a.logsumexp(0, keepdim=True), inputs=[x])
    compare(lambda T, a: a.logsumexp(1), inputs=[np.array([[-INF, -INF], [-INF, 0.]])], grad=False)
    compare(lambda T, a: a.logsumexp(0), [()])
    compare(lambda T, a: a.logsumexp(1), inputs=[np.array([[1, 2], [3, 4]])])  # integers give floats
    compare(lambda T, a: a.logsumexp(0), inputs=[np.zeros((0, 3))], grad=False)


@pytest.mark.parametrize('fn', [
    lambda T, a: a.norm(), lambda T, a: T.norm(a, dim=1), lambda T, a: a.norm('fro', (0, 1)),
    lambda T, a: a.norm(2, -1, True), lambda T, a: a.norm(p=1, dim=0), lambda T, a: a.norm(p=3),
    lambda T, a: a.norm(p=0.5, dim=(1,)), lambda T, a: a.norm(p=INF, dim=1), lambda T, a: a.norm(p=-INF),
    lambda T, a: a.norm(p=1.5, dim=1, keepdim=True),
])
def test_norm(fn):
    compare(fn, [(3, 4)])


def test_norm_at_zero_has_zero_gradient():
    x = np.array([[0., 0., 0.], [0., 3., -4.]])
    # (torch's second derivative of the 2-norm at 0 is nan; minitorch's is 0, so only first ones here)
    for p in [2, 'fro', 1, 3, 0.5, INF]:
        compare(lambda T, a: a.norm(p=p, dim=1), inputs=[x], grad2=p == 1)
    compare(lambda T, a: (a.norm(p=0), a.norm(p=0, dim=0)), inputs=[x])
    compare(lambda T, a: a.norm(p=INF), inputs=[np.array([1., -3., 3.])])  # ties share, with their sign
    compare(lambda T, a: a.norm(dtype=T.float64), [(3,)], dtypes=('float32',))


def test_norm_errors():
    with pytest.raises(RuntimeError, match='floating point'):
        minitorch.tensor([1, 2]).norm()
    with pytest.raises(RuntimeError, match='2-tuple'):
        minitorch.ones(2, 2, 2).norm(dim=(0, 1, 2))
    with pytest.raises(RuntimeError, match='not supported'):
        minitorch.ones(2).norm(p='abc')


# -- all, any ---------------------------------------------------------------------------------

@pytest.mark.parametrize('name', ['all', 'any'])
def test_all_any(name):
    floats = np.array([[1., 0., 2.], [3., 4., 5.]])
    for x in [floats, floats > 0, np.array([[0, 0, 1], [2, 3, 4]]), np.zeros((2, 0))]:
        compare(lambda T, a: (getattr(a, name)(), getattr(T, name)(a, 1), getattr(a, name)(0, keepdim=True),
                              getattr(a, name)(dim=(0, 1)), getattr(a, name)(dim=())), inputs=[x], grad=False)
    compare(lambda T, a: (getattr(a, name)(), getattr(a, name)(0)), inputs=[np.array(0.0)], grad=False)
    compare(lambda T, a: getattr(a.to(T.uint8), name)(1), inputs=[np.array([[0, 1], [2, 3]])])


# -- softmax, log_softmax ---------------------------------------------------------------------

@pytest.mark.parametrize('name', ['softmax', 'log_softmax'])
@pytest.mark.parametrize('shape,dim', [((3, 4), 1), ((3, 4), 0), ((2, 3, 4), -1), ((2, 3, 4), 1), ((5,), 0), ((), 0)])
def test_softmax_family(name, shape, dim):
    compare(lambda T, a: getattr(T, name)(a, dim), [shape])
    compare(lambda T, a: getattr(a, name)(dim=dim), [shape], low=-20, high=20)


@pytest.mark.parametrize('name', ['softmax', 'log_softmax'])
@pytest.mark.filterwarnings('ignore::RuntimeWarning')  # an all -inf row is nan, with numpy's note
def test_softmax_family_extreme_values(name):
    x = np.array([[1000., -1000., 0.], [-1000., -1000., -1000.], [1000., 1000., 999.]])
    compare(lambda T, a: getattr(a, name)(1), inputs=[x])
    compare(lambda T, a: getattr(a, name)(0), inputs=[x])
    compare(lambda T, a: getattr(a, name)(1), inputs=[np.array([[0., -INF, 2.], [-INF, -INF, -INF]])], grad=False)


@pytest.mark.parametrize('name', ['softmax', 'log_softmax'])
def test_softmax_family_dtype_and_errors(name):
    compare(lambda T, a: getattr(T, name)(a, 1, dtype=T.float64), [(3, 4)], dtypes=('float32',))
    compare(lambda T, a: getattr(a, name)(0, dtype=T.float32), inputs=[np.array([1, 2, 3])],
            tol={'float64': (1e-6, 1e-7), 'float32': (1e-4, 1e-5)})  # float32 in both passes
    with pytest.raises(TypeError, match='dim'):
        getattr(minitorch, name)(minitorch.ones(3))
    with pytest.raises(TypeError, match='dim'):
        getattr(minitorch.ones(3), name)()
    with pytest.raises(NotImplementedError, match='float'):
        getattr(minitorch, name)(minitorch.tensor([1, 2]), 0)
    with pytest.raises(IndexError, match='Dimension out of range'):
        getattr(minitorch.ones(2, 3), name)(2)


# -- dims out of range, and hypothesis over shapes and dims -----------------------------------

@pytest.mark.parametrize('call', [
    lambda x: x.sum(2), lambda x: x.mean((0, -3)), lambda x: x.prod(2), lambda x: x.max(2), lambda x: x.min(-3),
    lambda x: x.amax(2), lambda x: x.amin((0, 5)), lambda x: x.argmax(2), lambda x: x.argmin(-3), lambda x: x.var(2),
    lambda x: x.std(-3), lambda x: x.logsumexp(2), lambda x: x.norm(dim=2), lambda x: x.all(2), lambda x: x.any(-3),
    lambda x: x.softmax(2), lambda x: x.log_softmax(-3), lambda x: x[0, 0].sum(1),
])
def test_dim_out_of_range(call):
    with pytest.raises(IndexError, match=r'Dimension out of range'):
        call(minitorch.ones(2, 3))


def test_repeated_dim():
    with pytest.raises(RuntimeError, match='multiple times'):
        minitorch.ones(2, 3).sum((0, 0))


@st.composite
def shape_and_dims(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    n = len(shape)
    dims = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=n, unique_by=lambda d: d % n))
    return shape, tuple(dims), draw(st.booleans())


@settings(max_examples=25, deadline=None)
@given(shape_and_dims(), st.sampled_from(['sum', 'mean', 'amax', 'amin', 'var', 'std', 'logsumexp', 'norm']))
def test_reductions_over_random_shapes_and_dims(case, name):
    shape, dims, keepdim = case
    if name in ('var', 'std') and np.prod([shape[d] for d in dims]) < 2:
        return  # a single element has no spread: nan, tested above
    if name == 'norm':
        compare(lambda T, a: a.norm(2, dims, keepdim), [shape], seed=len(shape))
    else:
        compare(lambda T, a: getattr(a, name)(dims, keepdim=keepdim), [shape], seed=len(shape))


@settings(max_examples=25, deadline=None)
@given(shape_and_dims(), st.sampled_from(['softmax', 'log_softmax', 'max', 'min', 'prod', 'argmax']))
def test_one_dim_ops_over_random_shapes(case, name):
    shape, dims, keepdim = case
    if name in ('softmax', 'log_softmax'):
        compare(lambda T, a: getattr(a, name)(dims[0]), [shape], low=-10, high=10)
    else:
        compare(lambda T, a: getattr(a, name)(dims[0], keepdim), [shape])
