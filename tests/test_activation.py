"""erf, activations (functions and modules) and F.one_hot against torch."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import compare
from minitorch.ops.erf import erf_array, _PER_ELEMENT

# -- erf ---------------------------------------------------------------------------------------

# both code paths: small arrays go element by element, larger ones through Cody's vectorised form
SHAPES = [(3, 5), (2, _PER_ELEMENT), (), (2, 0)]


@pytest.mark.parametrize('shape', SHAPES)
def test_erf_forward_backward_double_backward(shape):
    compare(lambda T, a: T.erf(a), [shape], low=-3, high=3)
    compare(lambda T, a: a.erf(), [shape], low=-3, high=3)


def test_erf_float64_accuracy_over_a_wide_range():
    x = np.concatenate([np.linspace(-10, 10, 40001), np.geomspace(1e-300, 1e-2, 300),
                        -np.geomspace(1e-300, 1e-2, 300), [0.46875, 4.0, 5.9, 26.5, 27.5, 1e300, -1e300]])
    ref = torch.erf(torch.tensor(x)).numpy()
    mine = minitorch.erf(minitorch.tensor(x)).numpy()
    np.testing.assert_allclose(mine, ref, rtol=1e-14, atol=1e-300)
    # the standard library's erf agrees too (an independent reference)
    np.testing.assert_allclose(mine[::97], [math.erf(v) for v in x[::97]], rtol=1e-14, atol=1e-300)


def test_erf_paths_agree_and_special_values():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 0.3, -0.3, 2.0, -6.0])
    for arr in (x, np.tile(x, _PER_ELEMENT)):  # element-wise path and vectorised path
        out = erf_array(arr)
        np.testing.assert_allclose(out, torch.erf(torch.tensor(arr)).numpy(), rtol=4e-16, atol=0)
        assert np.signbit(out[1]) and not np.signbit(out[0])  # erf(-0) is -0, as torch
    small = np.linspace(-5, 5, 31)
    np.testing.assert_allclose(erf_array(small), erf_array(np.tile(small, _PER_ELEMENT))[:31], rtol=4e-16, atol=0)


def test_erf_float32_and_integers():
    x = np.linspace(-10, 10, 2001).astype(np.float32)
    out = minitorch.erf(minitorch.tensor(x))
    assert out.dtype == minitorch.float32
    np.testing.assert_allclose(out.numpy(), torch.erf(torch.tensor(x)).numpy(), rtol=2e-7, atol=2e-7)
    compare(lambda T, a: T.erf(a), inputs=[np.arange(-3, 4)], grad=False)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-12, 12, allow_nan=False), min_size=1, max_size=80))
def test_erf_hypothesis(values):
    x = np.resize(np.array(values), _PER_ELEMENT + 1)  # the vectorised path
    np.testing.assert_allclose(erf_array(x), torch.erf(torch.tensor(x)).numpy(), rtol=1e-14, atol=1e-300)


def test_erf_gradient_in_the_tails():
    compare(lambda T, a: T.erf(a), inputs=[np.array([-10., -6., -4.5, 4.5, 6., 10.])])


# -- activations -------------------------------------------------------------------------------

ACTIVATIONS = {
    'gelu': lambda T, a: T.nn.functional.gelu(a),
    'gelu_tanh': lambda T, a: T.nn.functional.gelu(a, approximate='tanh'),
    'GELU': lambda T, a: T.nn.GELU()(a),
    'GELU_tanh': lambda T, a: T.nn.GELU(approximate='tanh')(a),
    'relu': lambda T, a: T.nn.functional.relu(a),
    'ReLU': lambda T, a: T.nn.ReLU()(a),
    'ReLU_inplace': lambda T, a: T.nn.ReLU(inplace=True)(a * 1),
    'leaky_relu': lambda T, a: T.nn.functional.leaky_relu(a, 0.2),
    'LeakyReLU': lambda T, a: T.nn.LeakyReLU()(a),
    'LeakyReLU_inplace': lambda T, a: T.nn.LeakyReLU(0.3, inplace=True)(a * 1),
    'elu': lambda T, a: T.nn.functional.elu(a, alpha=0.7),
    'ELU': lambda T, a: T.nn.ELU()(a),
    'ELU_inplace': lambda T, a: T.nn.ELU(inplace=True)(a * 1),
    'sigmoid': lambda T, a: T.nn.functional.sigmoid(a),
    'Sigmoid': lambda T, a: T.nn.Sigmoid()(a),
    'tanh': lambda T, a: T.nn.functional.tanh(a),
    'Tanh': lambda T, a: T.nn.Tanh()(a),
    'Softplus': lambda T, a: T.nn.Softplus()(a),
    'Softplus_beta': lambda T, a: T.nn.Softplus(beta=2.0)(a),
    'Softmax': lambda T, a: T.nn.Softmax(dim=1)(a),
    'Softmax_neg': lambda T, a: T.nn.Softmax(dim=-1)(a),
    'LogSoftmax': lambda T, a: T.nn.LogSoftmax(dim=0)(a),
}


@pytest.mark.parametrize('fn', list(ACTIVATIONS.values()), ids=list(ACTIVATIONS))
def test_activation_matches_torch(fn):
    compare(fn, [(4, _PER_ELEMENT // 2)], low=-4, high=4)
    compare(fn, [(2, 3, 5)], low=-4, high=4)


@pytest.mark.parametrize('approximate', ['none', 'tanh'])
def test_gelu_far_tails_and_zero(approximate):
    x = np.array([-10., -7., -5., -1e-8, 0., 1e-8, 5., 7., 10.])
    compare(lambda T, a: T.nn.functional.gelu(a, approximate=approximate), inputs=[x])
    compare(lambda T, a: T.nn.functional.gelu(a, approximate=approximate), inputs=[np.tile(x, _PER_ELEMENT)])


def test_elu_large_inputs_have_finite_gradients():
    compare(lambda T, a: T.nn.functional.elu(a), inputs=[np.array([-800., -3., -1e-9, 3., 800.])])
    # at exactly 0 the first derivative is torch's (alpha); the second is alpha too, where torch
    # says 0 (the one-sided second derivatives are alpha and 0: torch picks the right one)
    compare(lambda T, a: T.nn.functional.elu(a, 0.5), inputs=[np.array([-1., 0., 1.])], grad2=False)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=0, max_size=3), st.sampled_from(['none', 'tanh']))
def test_gelu_hypothesis_shapes(shape, approximate):
    compare(lambda T, a: T.nn.functional.gelu(a, approximate=approximate), [tuple(shape)], low=-5, high=5)


def test_gelu_keeps_float32_and_grad_fn_name():
    x = minitorch.randn(3, 4, requires_grad=True)
    y = minitorch.nn.functional.gelu(x)
    assert y.dtype == minitorch.float32 and y.grad_fn.name() == 'GeluBackward0'
    assert minitorch.erf(x).grad_fn.name() == 'ErfBackward0'


def test_activation_errors():
    x = minitorch.randn(3)
    with pytest.raises(RuntimeError, match='approximate argument must be either none or tanh'):
        minitorch.nn.functional.gelu(x, approximate='exact')
    with pytest.raises(RuntimeError, match='approximate argument must be either none or tanh'):
        minitorch.nn.GELU('fast')(x)
    with pytest.raises(NotImplementedError, match='GeluKernelImpl'):
        minitorch.nn.functional.gelu(minitorch.tensor([1, 2]))
    with pytest.raises(TypeError, match='dim'):
        minitorch.nn.Softmax()(x)


def test_inplace_activations_write_into_their_input():
    for name in ('ReLU', 'LeakyReLU', 'ELU'):
        x = minitorch.tensor([-1.0, 2.0])
        y = getattr(minitorch.nn, name)(inplace=True)(x)
        t = getattr(torch.nn, name)(inplace=True)(torch.tensor([-1.0, 2.0]))
        assert y is x
        np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-6)


def _modules(T):
    nn = T.nn
    return [nn.ReLU(), nn.ReLU(inplace=True), nn.LeakyReLU(), nn.LeakyReLU(0.2, True), nn.ELU(),
            nn.ELU(alpha=0.5, inplace=True), nn.Sigmoid(), nn.Tanh(), nn.GELU(), nn.GELU('tanh'), nn.Softplus(),
            nn.Softplus(2, 10), nn.Softmax(), nn.Softmax(dim=1), nn.LogSoftmax(-1)]


def test_reprs_match_torch():
    assert [repr(m) for m in _modules(minitorch)] == [repr(m) for m in _modules(torch)]
    seq = lambda T: T.nn.Sequential(T.nn.Linear(2, 3), T.nn.GELU(), T.nn.Softmax(dim=-1))  # noqa: E731
    assert repr(seq(minitorch)) == repr(seq(torch))


# -- F.one_hot ---------------------------------------------------------------------------------

@pytest.mark.parametrize('indices, num_classes', [
    ([0, 2, 1], -1), ([[0], [3]], 5), ([], 3), (2, 4), ([[1, 0], [2, 2]], -1),
])
def test_one_hot_matches_torch(indices, num_classes):
    t = torch.nn.functional.one_hot(torch.tensor(indices, dtype=torch.long), num_classes)
    m = minitorch.nn.functional.one_hot(minitorch.tensor(indices, dtype=minitorch.long), num_classes)
    assert m.dtype == minitorch.int64 and tuple(m.shape) == tuple(t.shape)
    np.testing.assert_array_equal(m.numpy(), t.numpy())


@pytest.mark.parametrize('indices, num_classes, dtype, match', [
    ([0, 3], 3, 'int64', 'Class values must be smaller than num_classes'),
    ([0, 1], 0, 'int64', 'Class values must be smaller than num_classes'),
    ([-1, 5], 3, 'int64', 'Class values must be non-negative'),
    ([-1, 1], -1, 'int64', 'Class values must be non-negative'),
    ([], -1, 'int64', 'Can not infer total number of classes from empty tensor'),
    ([0., 1.], -1, 'float32', 'one_hot is only applicable to index tensor of type LongTensor'),
    ([0, 1], -1, 'int32', 'one_hot is only applicable to index tensor of type LongTensor'),
])
def test_one_hot_errors_match_torch(indices, num_classes, dtype, match):
    for T in (torch, minitorch):
        with pytest.raises(RuntimeError, match=match):
            T.nn.functional.one_hot(T.tensor(indices, dtype=getattr(T, dtype)), num_classes)
