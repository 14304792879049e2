"""Comparisons and logic against torch: bool results, broadcasting, promotion, scalars on either
side, operators with other objects, closeness, nonzero, and the errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import compare, to_numpy

PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)), ((), (2, 3))]
COMPARISONS = {
    'eq': lambda T, a, b: a == b, 'ne': lambda T, a, b: a != b, 'lt': lambda T, a, b: a < b,
    'le': lambda T, a, b: a <= b, 'gt': lambda T, a, b: a > b, 'ge': lambda T, a, b: a >= b,
    'T.eq': lambda T, a, b: T.eq(a, b), 'T.lt': lambda T, a, b: T.lt(a, b), 'T.ge': lambda T, a, b: T.ge(a, b),
    'greater': lambda T, a, b: T.greater(a, b), 'method.le': lambda T, a, b: a.le(b),
    'method.ne': lambda T, a, b: a.ne(b),
}


def _ties(shape, seed):
    """Small integers as floats, so equal elements (the edge of every comparison) are common."""
    return np.random.default_rng(seed).integers(-2, 3, size=shape).astype(np.float64)


@pytest.mark.parametrize('shapes', PAIRS)
@pytest.mark.parametrize('name', COMPARISONS)
def test_comparisons(name, shapes):
    compare(COMPARISONS[name], inputs=[_ties(shapes[0], 0), _ties(shapes[1], 1)])


@pytest.mark.parametrize('name', COMPARISONS)
def test_comparisons_with_scalars_on_either_side(name):
    fn = COMPARISONS[name]
    x = _ties((3, 4), 0)
    compare(lambda T, a: fn(T, a, 1.0), inputs=[x])
    compare(lambda T, a: fn(T, a, 1), inputs=[x])
    compare(lambda T, a: fn(T, a, np.float64(0.5)), inputs=[x])
    if not name.startswith(('T.', 'greater', 'method')):  # the functions take the tensor first
        compare(lambda T, a: fn(T, 1, a), inputs=[x])
        compare(lambda T, a: fn(T, 0.5, a), inputs=[x])


def test_compare_promotes_int_and_float():
    i = np.arange(-3, 3)
    compare(lambda T, a: a > 0.5, inputs=[i])
    compare(lambda T, a: a == 2.0, inputs=[i])
    compare(lambda T, a, b: a == b, inputs=[i, i.astype(np.float64)])
    compare(lambda T, a, b: a < b, inputs=[i.astype(np.int32), np.arange(6) - 1])
    compare(lambda T, a, b: a.float() <= b, inputs=[i, i.astype(np.float64)])
    compare(lambda T, a: a == True, inputs=[np.array([True, False])])  # noqa: E712


def test_compare_result_has_no_grad():
    x = minitorch.randn(3, requires_grad=True)
    for out in (x > 0, x == x, minitorch.isnan(x), minitorch.isclose(x, x), x.nonzero()):
        assert not out.requires_grad and out.grad_fn is None


def test_compare_with_other_objects():
    for T in (torch, minitorch):
        x = T.tensor([1., 2., 3.])
        assert (x == None) is False and (x != None) is True  # noqa: E711
        assert (x == 'a') is False and (x == [1, 2, 3]) is False and (x == object()) is False
        with pytest.raises(TypeError, match="'<' not supported between instances of 'Tensor' and 'NoneType'"):
            x < None
        with pytest.raises(TypeError):
            x & None
        with pytest.raises(TypeError, match='eq'):
            T.eq(x, None)
        with pytest.raises(TypeError, match='lt'):
            T.lt(x, [1, 2, 3])
        assert x in [x]  # list membership compares with ==, which must not crash


def test_compare_numpy_array_operand():
    x = np.array([1., 2., 3.])
    compare(lambda T, a: a == np.array([1., 0., 3.]), inputs=[x])
    compare(lambda T, a: a > np.float32(1.5), inputs=[x])


def test_compare_shape_error():
    for T in (torch, minitorch):
        with pytest.raises(RuntimeError, match=r'size of tensor a \(3\) must match the size of tensor b \(2\)'):
            T.ones(3) == T.ones(2)
        with pytest.raises(RuntimeError, match=r'size of tensor a \(3\) must match the size of tensor b \(2\)'):
            T.logical_xor(T.ones(3), T.ones(2))


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_comparisons_broadcast_hypothesis(data):
    n = data.draw(st.integers(0, 3))
    full = data.draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))
    sa = tuple(d if data.draw(st.booleans()) else 1 for d in full)[data.draw(st.integers(0, n)):]
    sb = tuple(d if data.draw(st.booleans()) else 1 for d in full)[data.draw(st.integers(0, n)):]
    name = data.draw(st.sampled_from(sorted(COMPARISONS)))
    compare(COMPARISONS[name], inputs=[_ties(sa, 2), _ties(sb, 3)], dtypes=('float32',))


# -- logic and bitwise --------------------------------------------------------------------------

@pytest.mark.parametrize('fn', [
    lambda T, a, b: T.logical_and(a, b), lambda T, a, b: T.logical_or(a, b), lambda T, a, b: T.logical_xor(a, b),
    lambda T, a, b: a.logical_and(b), lambda T, a, b: T.logical_not(a), lambda T, a, b: b.logical_not(),
], ids=['and', 'or', 'xor', 'method_and', 'not', 'method_not'])
def test_logical(fn):
    compare(fn, inputs=[_ties((3, 4), 0), _ties((4,), 1)])
    compare(fn, inputs=[_ties((3, 1), 0), np.arange(-2, 2)])  # float with int
    compare(fn, inputs=[_ties((2,), 0) > 0, np.array([True, False])])


BOOLS = np.array([[True, False, True], [False, False, True]])
INTS = np.array([[3, -1, 0], [12, 7, 5]])


@pytest.mark.parametrize('fn', [
    lambda T, a, b: a & b, lambda T, a, b: a | b, lambda T, a, b: a ^ b, lambda T, a, b: ~a,
    lambda T, a, b: T.bitwise_and(a, b), lambda T, a, b: T.bitwise_or(a, b), lambda T, a, b: T.bitwise_xor(a, b),
    lambda T, a, b: T.bitwise_not(a), lambda T, a, b: a.bitwise_and(b), lambda T, a, b: a.bitwise_not(),
])
@pytest.mark.parametrize('a, b', [(BOOLS, BOOLS[::-1].copy()), (INTS, INTS[::-1].copy()), (INTS, BOOLS),
                                  (BOOLS, INTS[0]), (INTS.astype(np.int32), INTS), (INTS.astype(np.uint8), BOOLS)])
def test_bitwise(fn, a, b):
    compare(fn, inputs=[a, b])


@pytest.mark.parametrize('fn', [
    lambda T, a: a & 1, lambda T, a: 1 & a, lambda T, a: a | 0, lambda T, a: 6 ^ a, lambda T, a: a & True,
    lambda T, a: True | a, lambda T, a: a ^ False,
])
@pytest.mark.parametrize('a', [BOOLS, INTS])
def test_bitwise_with_scalars(fn, a):
    compare(fn, inputs=[a])


def test_bitwise_float_errors():
    for T in (torch, minitorch):
        x, b = T.ones(3), T.ones(3, dtype=T.bool)
        with pytest.raises(TypeError, match=r'~ \(operator.invert\) is only implemented on integer and Boolean'):
            ~x
        with pytest.raises(NotImplementedError, match="\"bitwise_and_cpu\" not implemented for 'Float'"):
            x & b
        with pytest.raises(NotImplementedError, match="\"bitwise_or_cpu\" not implemented for 'Float'"):
            b | 1.5
        with pytest.raises(NotImplementedError, match="\"bitwise_not_cpu\" not implemented for 'Double'"):
            T.bitwise_not(x.double())
        with pytest.raises(TypeError, match="logical_and"):
            T.logical_and(x, 0)


# -- special values, closeness, equality ---------------------------------------------------------

SPECIAL = np.array([0., -1.5, np.nan, np.inf, -np.inf, 1e30, -0.])


@pytest.mark.parametrize('fn', [
    lambda T, a: T.isnan(a), lambda T, a: T.isinf(a), lambda T, a: T.isfinite(a), lambda T, a: a.isnan(),
    lambda T, a: a.isinf(), lambda T, a: a.isfinite(), lambda T, a: a == a, lambda T, a: a != a,
])
def test_special_values(fn):
    compare(fn, inputs=[SPECIAL])
    compare(fn, inputs=[INTS])
    compare(fn, inputs=[BOOLS])


@pytest.mark.parametrize('kwargs', [{}, {'rtol': 0.1}, {'atol': 0.5}, {'rtol': 0, 'atol': 0}, {'equal_nan': True}])
def test_isclose_allclose(kwargs):
    a = np.array([1., 1.05, np.nan, np.inf, -np.inf, 1e-9, 2.])
    b = np.array([1., 1.0, np.nan, np.inf, np.inf, 0., 2.5])
    compare(lambda T, x, y: T.isclose(x, y, **kwargs), inputs=[a, b])
    compare(lambda T, x, y: x.isclose(y, **kwargs), inputs=[a.reshape(7, 1), b])
    for sa, sb in [(a, b), (a, a), (a[:2], b[:2]), (a[[0, 1, 5, 6]], b[0])]:
        for dt in ('float64', 'float32'):
            got = minitorch.allclose(minitorch.tensor(sa.astype(dt)), minitorch.tensor(np.asarray(sb, dt)), **kwargs)
            want = torch.allclose(torch.tensor(sa.astype(dt)), torch.tensor(np.asarray(sb, dt)), **kwargs)
            assert type(got) is bool and got == want


def test_isclose_integers_and_bools():
    compare(lambda T, x, y: T.isclose(x, y, atol=1), inputs=[INTS, INTS[::-1].copy()])
    compare(lambda T, x, y: T.isclose(x, y), inputs=[BOOLS, BOOLS[::-1].copy()])


def test_isclose_errors():
    for T in (torch, minitorch):
        x = T.ones(3)
        with pytest.raises(RuntimeError, match='Float did not match Double|float32 did not match float64'):
            T.isclose(x, x.double())
        with pytest.raises(RuntimeError, match='Float did not match Long|float32 did not match int64'):
            T.allclose(x, T.ones(3, dtype=T.int64))
        with pytest.raises(RuntimeError, match='rtol must be greater than or equal to zero, but got -1'):
            T.isclose(x, x, rtol=-1)
        with pytest.raises(TypeError, match="argument 'other'"):
            T.isclose(x, 1.0)
        with pytest.raises(TypeError, match="argument 'other'"):
            T.allclose(x, 1.0)


@pytest.mark.parametrize('a, b', [
    ([1., 2.], [1., 2.]), ([1., 2.], [1., 3.]), ([1., 2.], [1., 2., 3.]), ([[1., 2.]], [1., 2.]),
    ([1., float('nan')], [1., float('nan')]), ([], []),
])
def test_equal(a, b):
    pairs = [('float32', 'float32'), ('float32', 'float64'), ('float64', 'int64')]
    if any(v != v for v in b):
        pairs = pairs[:2]  # NaN has no int64
    for da, db in pairs:
        want = torch.equal(torch.tensor(a, dtype=getattr(torch, da)), torch.tensor(b, dtype=getattr(torch, db)))
        ta, tb = minitorch.tensor(a, dtype=getattr(minitorch, da)), minitorch.tensor(b, dtype=getattr(minitorch, db))
        assert minitorch.equal(ta, tb) is want and ta.equal(tb) is want
    with pytest.raises(TypeError, match="equal\\(\\): argument 'other'"):
        minitorch.equal(minitorch.tensor(a), a)


# -- nonzero ------------------------------------------------------------------------------------

@pytest.mark.parametrize('a', [
    np.array([[0., 1.5, 0.], [2., 0., -1.]]), np.zeros((2, 3)), np.array(3.), np.array(0.), np.array([0, 4, 0, 5]),
    np.array([[[True, False], [False, True]]]), np.zeros((0, 3)),
])
def test_nonzero(a):
    compare(lambda T, x: T.nonzero(x), inputs=[a])
    compare(lambda T, x: x.nonzero(), inputs=[a])
    compare(lambda T, x: T.nonzero(x, as_tuple=True), inputs=[a])


def test_where_single_argument_is_nonzero_as_tuple():
    a = np.array([[0., 1.5], [2., 0.]])
    mine = minitorch.where(minitorch.tensor(a) > 0)
    ref = torch.where(torch.tensor(a) > 0)
    assert len(mine) == len(ref)
    for m, r in zip(mine, ref):
        np.testing.assert_array_equal(to_numpy(m), to_numpy(r))
