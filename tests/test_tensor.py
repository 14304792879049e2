"""The Tensor's attributes and conversions (not its maths) against torch."""
import copy
import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch


def run(expr, T, **env):
    return eval(expr, {'T': T, 'np': np, **env})


def as_comparable(v):
    """Results in a form that compares across the libraries: tensors as (dtype, shape, values)."""
    if isinstance(v, (torch.Tensor, minitorch.Tensor)):
        return (str(v.dtype).split('.')[-1], tuple(v.shape), v.requires_grad, v.detach().numpy().tolist())
    if isinstance(v, (torch.dtype, minitorch.dtype, torch.device, minitorch.device)):
        return repr(v).replace('minitorch.', '').replace('torch.', '')
    if isinstance(v, (list, tuple)) and not isinstance(v, (torch.Size, minitorch.Size)):
        return type(v).__name__, [as_comparable(x) for x in v]
    if isinstance(v, (torch.Size, minitorch.Size)):
        return 'Size', tuple(v)
    if isinstance(v, np.ndarray):
        return 'ndarray', v.dtype, v.shape, v.tolist()
    if isinstance(v, str):
        return 'str', v.replace('minitorch.', 'torch.')  # type() names: 'minitorch.FloatTensor'
    return type(v).__name__, v


def check(expr, **env):
    expected = as_comparable(run(expr, torch, **env))
    assert as_comparable(run(expr, minitorch, **env)) == expected


def check_error(expr, error, match):
    with pytest.raises(error, match=match):
        run(expr, torch)
    with pytest.raises(error, match=match):
        run(expr, minitorch)


@pytest.mark.parametrize('expr', [
    "T.zeros(2, 3).shape", "T.zeros(2, 3).size()", "T.zeros(2, 3).size(1)", "T.zeros(2, 3).size(-1)",
    "T.zeros(2, 3).dim()", "T.zeros(2, 3).ndim", "T.zeros(()).ndim", "T.zeros(2, 3).numel()", "T.numel(T.zeros(4))",
    "T.zeros(2, 3).nelement()", "T.zeros(2, 3).ndimension()", "T.zeros(2, 3).dtype", "T.zeros(2, 3).device",
    "str(T.zeros(2).device)", "T.zeros(2, 3).requires_grad", "T.zeros(2, 3).grad", "T.zeros(2, 3).grad_fn",
    "T.zeros(2, 3).is_leaf", "T.zeros(2, 3).is_cuda", "T.zeros(2, 3).element_size()",
    "T.zeros(2, 3, dtype=T.float64).element_size()", "T.zeros(2, 3, dtype=T.uint8).element_size()",
    "T.zeros(2, 3).is_contiguous()", "T.zeros(2, 3).T.is_contiguous()", "T.zeros(2, 3).stride()",
    "T.zeros(2, 3).stride(0)", "T.zeros(2, 3).T.stride()", "T.zeros(2, 3).storage_offset()",
    "T.zeros(4, 3)[1:].storage_offset()", "T.zeros(2, 3).T.shape", "T.zeros(4, 2, 3).mT.shape", "T.zeros(3).T.shape",
    "T.zeros(2, 3).T.contiguous().is_contiguous()", "T.zeros(2, 3).shape[1:]", "T.zeros(2, 3).shape + (1,)",
    "(1,) + T.zeros(2, 3).shape", "T.zeros(2, 3).shape * 2", "T.zeros(2, 3).shape[0]", "T.Size([2, 3]).numel()",
    "T.Size([2, 3]) == (2, 3)", "len(T.zeros(3, 2))", "T.tensor([1., 2.]).is_floating_point()",
    "T.tensor([1, 2]).is_floating_point()", "T.is_tensor(T.zeros(1))", "T.is_tensor([1])",
])
def test_attributes(expr):
    check(expr)


@pytest.mark.parametrize('expr', [
    "T.tensor(2.5).item()", "T.tensor([2]).item()", "T.tensor([[True]]).item()", "T.tensor(7, dtype=T.uint8).item()",
    "T.tensor([[1, 2]]).tolist()", "T.tensor(2.5).tolist()", "T.tensor([1.5]).tolist()", "T.tensor([]).tolist()",
    "T.tensor([1., 2.]).numpy()", "T.tensor(2).numpy()", "T.tensor([1., 2.], requires_grad=True).detach().numpy()",
    "bool(T.tensor([1.]))", "bool(T.tensor(0))", "float(T.tensor([2]))", "int(T.tensor(2.7))", "int(T.tensor(-2.7))",
    "[10, 20, 30][T.tensor(1)]", "range(10)[T.tensor(2)]", "list(range(5))[T.tensor(1):T.tensor(3)]",
    "T.tensor(5).__index__()", "f'{T.tensor(2.5)}'", "f'{T.tensor(2.5):.2f}'", "f'{T.tensor(3):>4}'",
    "f'{T.tensor([1., 2.])}'", "f'{T.tensor(2., requires_grad=True) * 2:.3f}'",
])
def test_python_conversions(expr):
    check(expr)


def test_iteration():
    for data in ([1, 2], [[1., 2.], [3., 4.]]):
        m, t = minitorch.tensor(data), torch.tensor(data)
        assert [as_comparable(x) for x in m] == [as_comparable(x) for x in t]
    x = minitorch.tensor([1., 2.], requires_grad=True)
    parts = list(x)
    assert all(p.grad_fn is not None for p in parts)


@pytest.mark.parametrize('expr', [
    "T.tensor([1., 2.]).float()", "T.tensor([1., 2.]).double()", "T.tensor([1.7, -2.7]).long()",
    "T.tensor([1.7, -2.7]).int()", "T.tensor([1.7, 0]).bool()", "T.tensor([1, 2]).half()", "T.tensor([1., 2.]).short()",
    "T.tensor([1, 2]).byte()", "T.tensor([1, 2]).char()", "T.tensor([1., 2.]).type()", "T.tensor([1, 2]).type()",
    "T.tensor([True]).type()", "T.tensor([1., 2.], dtype=T.float64).type()", "T.tensor([1, 2]).type(T.float64)",
    "T.tensor([1, 2]).type('torch.DoubleTensor')", "T.tensor([1, 2]).type(T.FloatTensor)",
    "T.tensor([1., 2.]).type(T.LongTensor)",
    "T.tensor([1, 2]).to(T.float64)", "T.tensor([1, 2]).to(T.tensor([1.]))", "T.tensor([1, 2]).to('cpu')",
    "T.tensor([1, 2]).to('cpu', T.float64)", "T.tensor([1, 2]).to(device='cpu', dtype=T.float64)",
    "T.tensor([1, 2]).to(T.device('cpu'))", "T.tensor([1, 2]).to(dtype=T.float16)", "T.tensor([1, 2]).to(float)",
    "T.tensor([1, 2]).to(int)", "T.tensor([1.]).to(T.tensor([1], dtype=T.int32))", "T.tensor([1., 2.]).cpu()",
    "T.tensor([1., 2.], requires_grad=True).to(T.float64)", "T.tensor([1., 2.], requires_grad=True).to(T.int64)",
    "T.tensor([1., 2.], requires_grad=True).float()", "T.tensor([1., 2.], requires_grad=True).double().float()",
    "T.tensor([1., 2.], requires_grad=True).long()", "T.tensor([1., 2.], requires_grad=True).detach()",
    "T.tensor([1., 2.], requires_grad=True).clone()", "T.tensor([1., 2.], requires_grad=True).contiguous()",
    "T.tensor([1., 2.], requires_grad=True).data", "T.tensor([1., 2.]).requires_grad_()",
    "T.tensor([1., 2.]).requires_grad_().requires_grad_(False)",
])
def test_conversions(expr):
    check(expr)


def test_to_returns_self_when_nothing_changes():
    x = minitorch.tensor([1., 2.])
    assert x.to(minitorch.float32) is x and x.to('cpu') is x and x.float() is x and x.contiguous() is x
    assert x.to(minitorch.float32, copy=True) is not x


def test_cast_is_differentiable():
    for T in (torch, minitorch):
        x = T.tensor([1., 2.], requires_grad=True)
        x.double().sum().backward()
        assert x.grad.dtype == T.float32 and x.grad.tolist() == [1., 1.]


def test_detach_shares_memory_and_version():
    x = minitorch.tensor([1., 2.], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf
    d[0] = 5.
    assert x.tolist() == [5., 2.]


def test_clone_copies_and_tracks():
    x = minitorch.tensor([1., 2.], requires_grad=True)
    c = x.clone()
    assert c.grad_fn.name() == 'CloneBackward0' and not c.is_leaf
    with minitorch.no_grad():
        c[0] = 9.
    assert x.tolist() == [1., 2.]


def test_data_is_detached_view_and_settable():
    for T in (torch, minitorch):
        x = T.tensor([1., 2.], requires_grad=True)
        d = x.data
        assert not d.requires_grad and d.is_leaf
        d[0] = 5.  # writes through, without bumping x's version (autograd doesn't see it)
        assert x.tolist() == [5., 2.]
        x.data = T.tensor([7., 8., 9.], dtype=T.float64)
        assert x.tolist() == [7., 8., 9.] and x.requires_grad and x.dtype == T.float64
        with pytest.raises(TypeError, match='Variable data has to be a tensor'):
            x.data = [1.]
        y = x * 2
        assert y.data.is_leaf and y.data.grad_fn is None


def test_grad_and_leaf_attributes():
    for T in (torch, minitorch):
        x = T.tensor([1., 2.], requires_grad=True)
        y = (x * 2).sum()
        assert x.is_leaf and not y.is_leaf and y.requires_grad and x.grad is None
        y.backward()
        assert x.grad.tolist() == [2., 2.] and not x.grad.requires_grad
        assert not (T.tensor([1.]) * 2).requires_grad and (T.tensor([1.]) * 2).is_leaf


@pytest.mark.parametrize('expr', [
    "x + y", "x - y", "x * y", "x / y", "x.sum()", "x.mean()", "x.exp()", "x @ y", "x.view(4)", "x.reshape(4)",
    "x.transpose(0, 1)", "x.T", "x.relu()", "x ** 2", "x ** y", "2 ** x", "-x", "x + 1", "x * 2", "x.log()",
    "x.tanh()", "x.sigmoid()", "x[0]", "x.clone()", "x.double()", "x.unsqueeze(0)", "x.abs()", "x.sqrt()",
    "x @ v", "v @ v", "x.mT", "x.permute(1, 0)", "v.expand(2, 2)",
])
def test_grad_fn_names(expr):
    names = []
    for T in (torch, minitorch):
        x = T.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        env = dict(x=x, y=T.tensor([[1., -2.], [3., 4.]], requires_grad=True), v=T.tensor([1., 2.], requires_grad=True))
        names.append(eval(expr, env).grad_fn.name())
    assert names[1] == names[0]


def test_grad_fn_name_in_repr():
    y = minitorch.tensor(1., requires_grad=True) * 2
    assert repr(y) == 'tensor(2., grad_fn=<MulBackward0>)'
    assert y.grad_fn.name() == 'MulBackward0'


@pytest.mark.parametrize('expr, error, match', [
    ("T.tensor([1, 2]).item()", RuntimeError, "a Tensor with 2 elements cannot be converted to Scalar"),
    ("T.tensor([]).item()", RuntimeError, "a Tensor with 0 elements cannot be converted to Scalar"),
    ("T.tensor([1., 2.], requires_grad=True).numpy()", RuntimeError,
     r"Can't call numpy\(\) on Tensor that requires grad. Use tensor.detach\(\).numpy\(\) instead"),
    ("T.tensor([1, 2]).requires_grad_()", RuntimeError, "only Tensors of floating point dtype can require gradients"),
    ("setattr(T.tensor([1]), 'requires_grad', True)", RuntimeError,
     "only Tensors of floating point and complex dtype can require gradients"),
    ("(T.tensor([1.], requires_grad=True) * 2).requires_grad_(False)", RuntimeError,
     "you can only change requires_grad flags of leaf variables"),
    ("bool(T.tensor([1., 2.]))", RuntimeError, "Boolean value of Tensor with more than one value is ambiguous"),
    ("bool(T.tensor([]))", RuntimeError, "Boolean value of Tensor with no values is ambiguous"),
    ("float(T.tensor([2, 3]))", ValueError, "only one element tensors can be converted to Python scalars"),
    ("int(T.tensor([]))", ValueError, "only one element tensors can be converted to Python scalars"),
    ("[1, 2][T.tensor(1.)]", TypeError, "only integer tensors of a single element can be converted to an index"),
    ("[1, 2][T.tensor([0, 1])]", TypeError, "only integer tensors of a single element can be converted to an index"),
    ("len(T.tensor(3.))", TypeError, "len\\(\\) of a 0-d tensor"),
    ("iter(T.tensor(3.))", TypeError, "iteration over a 0-d tensor"),
    ("T.zeros(2, 3).size(2)", IndexError, "Dimension out of range"),
    ("T.zeros(3).mT", RuntimeError, "tensor.mT is only supported on matrices or batches of matrices"),
    ("T.tensor([1]).type('foo')", ValueError, "invalid type: 'foo'"),
])
def test_errors(expr, error, match):
    check_error(expr, error, match)


def test_numpy_shares_memory():
    x = minitorch.tensor([1., 2.])
    a = x.numpy()
    a[0] = 9.
    assert x.tolist() == [9., 2.]
    assert np.asarray(x) is a or np.shares_memory(np.asarray(x), a)


def test_pickle_and_deepcopy():
    x = minitorch.tensor([[1., 2.]], requires_grad=True)
    for y in (pickle.loads(pickle.dumps(x)), copy.deepcopy(x)):
        assert y.tolist() == x.tolist() and y.requires_grad and y.dtype is x.dtype and y.array is not x.array


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(0, 4), min_size=0, max_size=4),
       dtype=st.sampled_from(['float32', 'float64', 'int64', 'int32', 'uint8', 'bool']),
       dim=st.integers(-4, 3))
def test_attributes_random_shapes(shape, dtype, dim):
    t = torch.zeros(shape, dtype=getattr(torch, dtype))
    m = minitorch.zeros(shape, dtype=getattr(minitorch, dtype))
    assert repr(m.shape) == repr(t.shape).replace('torch.', 'minitorch.')
    assert (m.dim(), m.ndim, m.numel(), m.element_size(), m.stride(), m.is_contiguous()) == \
        (t.dim(), t.ndim, t.numel(), t.element_size(), t.stride(), t.is_contiguous())
    assert m.tolist() == t.tolist()
    if -max(len(shape), 1) <= dim < max(len(shape), 1) and shape:
        assert m.size(dim) == t.size(dim)
    if shape:
        assert len(m) == len(t)
