"""dtype objects, type promotion and the default dtype, against torch."""
import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch

NAMES = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64']


def same(m_dtype, t_dtype):
    return repr(m_dtype) == repr(t_dtype).replace('torch.', 'minitorch.')


@pytest.mark.parametrize('name', NAMES)
def test_dtype_attributes(name):
    m, t = getattr(minitorch, name), getattr(torch, name)
    assert same(m, t) and str(m) == str(t).replace('torch.', 'minitorch.')
    assert m.is_floating_point == t.is_floating_point
    assert m.is_signed == t.is_signed
    assert m.itemsize == t.itemsize
    assert m.is_complex is False
    assert isinstance(m, minitorch.dtype)
    assert pickle.loads(pickle.dumps(m)) is m


@pytest.mark.parametrize('alias, name', [('float', 'float32'), ('double', 'float64'), ('half', 'float16'),
                                         ('long', 'int64'), ('int', 'int32'), ('short', 'int16')])
def test_aliases(alias, name):
    assert getattr(minitorch, alias) is getattr(minitorch, name)
    assert getattr(torch, alias) is getattr(torch, name)


@pytest.mark.parametrize('a', NAMES)
@pytest.mark.parametrize('b', NAMES)
def test_promote_types(a, b):
    assert same(minitorch.promote_types(getattr(minitorch, a), getattr(minitorch, b)),
                torch.promote_types(getattr(torch, a), getattr(torch, b)))


def _operand(T, dtype, kind, value):
    """A tensor with dims, a 0-d tensor, or a Python scalar of the dtype's category."""
    if kind == 'scalar':
        return {'bool': True, 'int': value, 'float': value + 0.5}[dtype]
    data = np.array([value, value + 1] if kind == 'tensor' else value).astype(dtype)
    return T.from_numpy(data)


SCALAR_KINDS = ['bool', 'int', 'float']
operands = st.one_of(
    st.tuples(st.sampled_from(NAMES), st.sampled_from(['tensor', 'zero-dim'])),
    st.tuples(st.sampled_from(SCALAR_KINDS), st.just('scalar')))


def _dtype_name(fn):
    try:
        return str(fn().dtype).replace('minitorch.', '').replace('torch.', '')
    except RuntimeError:
        return 'error'  # e.g. torch refuses some bool ops; then minitorch must refuse too


@settings(max_examples=60, deadline=None)
@given(left=operands, right=operands, value=st.integers(1, 3))
def test_binary_result_dtype_matches_torch(left, right, value):
    """(a + b), (a * b) and (a / b) dtypes for every mix of tensor, 0-d tensor and Python scalar."""
    if left[1] == 'scalar' and right[1] == 'scalar':
        return  # needs a tensor
    (ta, tb), (ma, mb) = [(_operand(T, *left, value), _operand(T, *right, value)) for T in (torch, minitorch)]
    assert _dtype_name(lambda: ma + mb) == _dtype_name(lambda: ta + tb)
    assert _dtype_name(lambda: ma * mb) == _dtype_name(lambda: ta * tb)
    assert _dtype_name(lambda: ma / mb) == _dtype_name(lambda: ta / tb)
    assert same(minitorch.result_type(ma, mb), torch.result_type(ta, tb))


@pytest.mark.parametrize('expr', [
    "(T.tensor([1, 2]) * 2.5).dtype",
    "(T.tensor([1., 2.]) + np.float64(2.5)).dtype",
    "(np.float64(2.5) * T.tensor([1., 2.])).dtype",
    "(T.tensor([1, 2], dtype=T.int32) + np.int64(3)).dtype",
    "(T.tensor([1, 2], dtype=T.int32) + np.float64(3)).dtype",
    "(T.tensor([1, 2], dtype=T.uint8) + T.tensor([1, 2], dtype=T.int8)).dtype",
    "(T.tensor([True]) + 1).dtype",
    "(T.tensor([True]) + T.tensor([2])).dtype",
    "(T.tensor([1, 2], dtype=T.int32) + T.tensor(5)).dtype",
    "(T.tensor([1, 2], dtype=T.int32) + T.tensor(5.)).dtype",
    "(T.tensor([1., 2.]) + T.tensor(5., dtype=T.float64)).dtype",
    "(T.tensor([1, 2]) / T.tensor([1, 2])).dtype",
    "(T.tensor([1, 2], dtype=T.float16) * 3.5).dtype",
    "T.result_type(T.tensor([1, 2]), 2.5)",
    "T.result_type(2, 2.5)",
    "T.result_type(True, 2)",
    "T.result_type(True, False)",
    "T.result_type(2, T.tensor([1], dtype=T.uint8))",
    "T.result_type(T.tensor(1, dtype=T.int32), T.tensor([1], dtype=T.uint8))",
    "T.result_type(T.tensor(1.), T.tensor([1], dtype=T.int32))",
    "T.result_type(T.tensor(1., dtype=T.float64), T.tensor([1], dtype=T.float16))",
    "T.result_type(T.tensor(True), T.tensor(3, dtype=T.int8))",
])
def test_promotion_examples(expr):
    expected = repr(eval(expr, {'T': torch, 'np': np})).replace('torch.', 'minitorch.')
    assert repr(eval(expr, {'T': minitorch, 'np': np})) == expected


@pytest.fixture
def float64_default():
    torch.set_default_dtype(torch.float64)
    minitorch.set_default_dtype(minitorch.float64)
    yield
    torch.set_default_dtype(torch.float32)
    minitorch.set_default_dtype(minitorch.float32)


def test_default_dtype_is_float32():
    assert minitorch.get_default_dtype() is minitorch.float32


@pytest.mark.parametrize('expr', [
    "T.get_default_dtype()", "T.tensor([1.5]).dtype", "T.tensor(1.5).dtype", "T.tensor([1, 2]).dtype",
    "T.zeros(2).dtype", "T.ones(2).dtype", "T.rand(2).dtype", "T.randn(2).dtype", "T.arange(2.).dtype",
    "T.linspace(0, 1, 3).dtype", "T.full((2,), 1.5).dtype", "T.eye(2).dtype", "T.Tensor([1]).dtype",
    "(T.tensor([1, 2]) * 2.5).dtype", "(T.tensor([1, 2]) / 2).dtype", "T.tensor([1., 2.], dtype=T.float32).dtype",
    "T.result_type(2, 2.5)",
])
def test_set_default_dtype(float64_default, expr):
    expected = repr(eval(expr, {'T': torch})).replace('torch.', 'minitorch.')
    assert repr(eval(expr, {'T': minitorch})) == expected


def test_set_default_dtype_rejects_integers():
    with pytest.raises(TypeError, match='only floating-point types'):
        torch.set_default_dtype(torch.int64)
    with pytest.raises(TypeError, match='only floating-point types'):
        minitorch.set_default_dtype(minitorch.int64)
    assert minitorch.get_default_dtype() is minitorch.float32


@pytest.mark.parametrize('py, name', [(float, 'float64'), (int, 'int64'), (bool, 'bool')])
def test_python_types_as_dtypes(py, name):
    assert same(minitorch.zeros(2, dtype=py).dtype, torch.zeros(2, dtype=py).dtype)
    assert same(minitorch.tensor([1]).to(py).dtype, torch.tensor([1]).to(py).dtype)
    assert minitorch.zeros(2, dtype=py).dtype is getattr(minitorch, name)


@pytest.mark.parametrize('name', NAMES)
def test_is_floating_point_and_element_size(name):
    m = minitorch.zeros(2, dtype=getattr(minitorch, name))
    t = torch.zeros(2, dtype=getattr(torch, name))
    assert m.is_floating_point() == t.is_floating_point() == minitorch.is_floating_point(m)
    assert m.element_size() == t.element_size()
    assert m.itemsize == t.itemsize and m.nbytes == t.nbytes
