"""repr(tensor) against torch's, with 'torch.' read as 'minitorch.'."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch

nan, inf = float('nan'), float('inf')

# each case builds the same tensor in both libraries from numpy data or a creation call
CASES = [
    "T.tensor([1., 2.])",
    "T.tensor([1., 2.], requires_grad=True)",
    "T.tensor([111.5289, 2.5413])",
    "T.tensor([-1.5, 2.25])",
    "T.tensor([0.1, 0.2])",
    "T.tensor([1e-5, 1.])",
    "T.tensor([-1e-5, 3.])",
    "T.tensor([1e10, 1.])",
    "T.tensor([1e-10, 1e-9])",
    "T.tensor([1., 100000.])",
    "T.tensor([1.5, 100000.])",
    "T.tensor([10000., 1.5])",
    "T.tensor([10., 100.])",
    "T.tensor([1e8])",
    "T.tensor([123456789.])",
    "T.tensor([1e16, 1.])",
    "T.tensor([0., -0.])",
    "T.tensor([1.0000001])",
    "T.tensor([1e300], dtype=T.float64)",
    "T.tensor([nan])",
    "T.tensor([nan, inf, -inf, 1.5])",
    "T.tensor([inf, 2.])",
    "T.tensor(2.)",
    "T.tensor(-0.5)",
    "T.tensor(1e-5)",
    "T.tensor(12345.678)",
    "T.tensor(3)",
    "T.tensor(True)",
    "T.tensor(2., dtype=T.float64)",
    "T.tensor([1, 2, 3])",
    "T.tensor([[1, -2], [30, 4]])",
    "T.tensor([2 ** 40, 1])",
    "T.tensor([True, False])",
    "T.tensor([[True, False], [False, True]])",
    "T.tensor([1., 2.], dtype=T.float64)",
    "T.tensor([1., 2.], dtype=T.float16)",
    "T.tensor([1, 2], dtype=T.int32)",
    "T.tensor([1, 2], dtype=T.uint8)",
    "T.tensor([1, 2], dtype=T.int8)",
    "T.tensor([[1.5, 2], [3, 4]])",
    "T.tensor([])",
    "T.tensor([], dtype=T.int64)",
    "T.zeros(0, 3)",
    "T.zeros(0, 3, dtype=T.int64)",
    "T.zeros(0, dtype=T.float64)",
    "T.zeros(2, 0, 3)",
    "T.arange(12.).reshape(3, 4) / 7",
    "T.arange(60.).reshape(3, 4, 5) / 7",
    "T.arange(24.).reshape(2, 3, 2, 2)",
    "T.arange(100.) / 3",
    "T.arange(100)",
    "T.arange(30.).reshape(2, 15) * 1.37",
    "T.arange(25.).reshape(5, 5) - 12",
    "T.arange(10.) * 1e-3",
    "T.arange(2000.)",
    "T.arange(2000)",
    "T.ones(1001)",
    "T.ones(40, 40)",
    "T.ones(3, 1001)",
    "T.ones(1001, 3)",
    "T.arange(8000.).reshape(20, 20, 20)",
    "T.tensor([1., 2.]) * 2",
    "T.tensor([1., 2.], requires_grad=True) * 2",
    "T.tensor([1., 2.], requires_grad=True).sum()",
    "(T.tensor([1., 2.], requires_grad=True) * 2).sum()",
    "T.tensor([1., 2.], dtype=T.float64, requires_grad=True) * 2",
    "T.tensor(2., requires_grad=True) * 2",
    "T.arange(40., requires_grad=True) / 3",
]


@pytest.mark.parametrize('expr', CASES)
def test_repr_matches_torch(expr):
    expected = repr(eval(expr, {'T': torch, 'nan': nan, 'inf': inf})).replace('torch.', 'minitorch.')
    assert repr(eval(expr, {'T': minitorch, 'nan': nan, 'inf': inf})) == expected


def test_repr_follows_default_dtype():
    for T in (torch, minitorch):
        T.set_default_dtype(T.float64)
    try:
        for expr in ["T.tensor([1.5, 2.])", "T.tensor([1.5], dtype=T.float32)", "T.tensor([])"]:
            expected = repr(eval(expr, {'T': torch})).replace('torch.', 'minitorch.')
            assert repr(eval(expr, {'T': minitorch})) == expected
    finally:
        for T in (torch, minitorch):
            T.set_default_dtype(T.float32)


def test_str_is_repr_and_size_prints_like_torch():
    t = minitorch.tensor([[1., 2.]])
    assert str(t) == repr(t)
    assert repr(t.shape) == str(t.shape) == 'minitorch.Size([1, 2])'
    assert repr(minitorch.zeros(()).shape) == 'minitorch.Size([])'


values = st.one_of(st.floats(-1e12, 1e12), st.floats(-10, 10), st.integers(-1000, 1000).map(float),
                   st.sampled_from([0., nan, inf, -inf, 1e-7]))


@settings(max_examples=25, deadline=None)
@given(data=st.lists(values, min_size=1, max_size=40), rows=st.sampled_from([1, 2, 4]),
       dtype=st.sampled_from(['float32', 'float64']))
def test_repr_random_floats(data, rows, dtype):
    arr = np.array(data * rows, dtype=dtype).reshape(rows, -1)
    expected = repr(torch.from_numpy(arr)).replace('torch.', 'minitorch.')
    assert repr(minitorch.from_numpy(arr)) == expected


@settings(max_examples=25, deadline=None)
@given(data=st.lists(st.integers(-30000, 30000), min_size=1, max_size=60),
       dtype=st.sampled_from(['int64', 'int32', 'int16']))
def test_repr_random_ints(data, dtype):
    arr = np.array(data, dtype=dtype)
    assert repr(minitorch.from_numpy(arr)) == repr(torch.from_numpy(arr)).replace('torch.', 'minitorch.')
