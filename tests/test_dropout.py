"""F.dropout and nn.Dropout against torch's semantics: inverted scaling, eval identity,
edge cases, gradients through kept elements only, drop rate, reproducibility."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
import minitorch.nn.functional as F


@pytest.mark.parametrize('p', [0.1, 0.5, 0.8])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_kept_values_are_scaled_and_gradients_follow_the_mask(p, dtype):
    x = minitorch.tensor(np.random.default_rng(0).uniform(1, 2, size=(50, 40)).astype(dtype), requires_grad=True)
    y = F.dropout(x, p)
    assert y.dtype == x.dtype and y.shape == x.shape
    kept = y.detach().numpy() != 0
    np.testing.assert_allclose(y.detach().numpy()[kept], x.detach().numpy()[kept] / (1 - p), rtol=1e-6)
    g = np.random.default_rng(1).normal(size=(50, 40)).astype(dtype)
    y.backward(minitorch.tensor(g))
    assert x.grad.dtype == x.dtype
    np.testing.assert_allclose(x.grad.numpy(), np.where(kept, g / (1 - p), 0), rtol=1e-6)


def test_drop_rate_is_p():
    minitorch.manual_seed(0)
    for p in (0.2, 0.5, 0.9):
        y = F.dropout(minitorch.ones(100_000), p)
        assert abs((y.numpy() == 0).mean() - p) < 0.01
        # expected value is preserved by the 1/(1-p) scaling
        assert abs(y.numpy().mean() - 1) < 0.05


def test_reproducible_under_manual_seed():
    x = minitorch.ones(1000)
    minitorch.manual_seed(42)
    a = F.dropout(x, 0.5).numpy()
    b = F.dropout(x, 0.5).numpy()
    minitorch.manual_seed(42)
    np.testing.assert_array_equal(F.dropout(x, 0.5).numpy(), a)
    assert not np.array_equal(a, b)


def test_eval_mode_and_p_zero_return_the_input_as_torch():
    for T in (torch, minitorch):
        x = T.randn(3, 4)
        assert T.nn.functional.dropout(x, 0.5, training=False) is x
        assert T.nn.functional.dropout(x, 0.0) is x
        layer = T.nn.Dropout(0.5).eval()
        assert layer(x) is x


def test_p_one_zeroes_everything_and_its_gradient():
    x = minitorch.randn(5, 6, requires_grad=True)
    y = F.dropout(x, 1.0)
    np.testing.assert_array_equal(y.detach().numpy(), torch.nn.functional.dropout(torch.ones(5, 6), 1.0).numpy() * 0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((5, 6)))


@pytest.mark.parametrize('p', [-0.1, 1.5])
def test_invalid_p_raises_like_torch(p):
    for T in (torch, minitorch):
        with pytest.raises(ValueError, match='dropout probability has to be between 0 and 1, but got'):
            T.nn.functional.dropout(T.randn(3), p)
        with pytest.raises(ValueError, match='dropout probability has to be between 0 and 1, but got'):
            T.nn.Dropout(p)


def test_inplace_writes_into_the_input_and_keeps_the_graph():
    leaf = minitorch.tensor(np.arange(1.0, 101.0), requires_grad=True)
    h = leaf * 1
    out = minitorch.nn.Dropout(0.5, inplace=True)(h)
    assert out is h and h.grad_fn is not None
    out.sum().backward()
    kept = h.detach().numpy() != 0
    np.testing.assert_allclose(leaf.grad.numpy(), np.where(kept, 2.0, 0.0))
    np.testing.assert_allclose(h.detach().numpy()[kept], np.arange(1.0, 101.0)[kept] * 2)


def test_module_modes_and_repr():
    layer = minitorch.nn.Dropout(0.3)
    assert repr(layer) == repr(torch.nn.Dropout(0.3))
    assert repr(minitorch.nn.Dropout(0.2, True)) == repr(torch.nn.Dropout(0.2, True))
    x = minitorch.ones(10_000)
    assert (layer(x).numpy() == 0).any()
    layer.eval()
    np.testing.assert_array_equal(layer(x).numpy(), np.ones(10_000))


def test_gradient_does_not_depend_on_x_as_torch():
    """The gradient is the scaled mask: constant in x, so (as in torch) it needs no graph."""
    for T in (torch, minitorch):
        x = T.randn(20, requires_grad=True)
        y = T.nn.functional.dropout(x, 0.5)
        (g,) = T.autograd.grad(y.sum(), x, create_graph=True)
        kept = y.detach().numpy() != 0
        np.testing.assert_allclose(g.detach().numpy(), np.where(kept, 2.0, 0.0))
        assert not g.requires_grad


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=0, max_size=3), st.floats(0.0, 0.95))
def test_hypothesis_shapes_and_rates(shape, p):
    x = minitorch.rand(*shape) + 1  # nonzero, so zeros in the output are drops
    y = F.dropout(x, p).numpy()
    assert y.shape == tuple(shape) and y.dtype == np.float32
    kept = y != 0
    np.testing.assert_allclose(y[kept], x.numpy()[kept] / (1 - p), rtol=1e-5)


def test_integer_input_raises():
    with pytest.raises(RuntimeError, match='floating'):
        F.dropout(minitorch.arange(4), 0.5)
