"""gradcheck and gradgradcheck: they pass on correct ops and catch a wrong custom backward."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from minitorch.autograd import gradcheck, gradgradcheck


def inputs(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return tuple(minitorch.tensor(rng.uniform(0.5, 2.0, s), requires_grad=True) for s in shapes)


@pytest.mark.parametrize('fn, shapes', [
    (lambda a, b: a * b + a.exp(), [(2, 3), (3,)]),
    (lambda a: (a.sin() * a).sum(), [(4,)]),
    (lambda a, b: a / b - b.tanh(), [(2, 2), (2, 2)]),
    (lambda a: (a * 2, a.sigmoid()), [(3,)]),  # several outputs
    (lambda a: a ** 2.5, [(3,)]),
], ids=['mul_exp', 'sin_sum', 'div_tanh', 'two_outputs', 'pow'])
def test_gradcheck_and_gradgradcheck_pass(fn, shapes):
    xs = inputs(*shapes)
    assert gradcheck(fn, xs)
    assert gradgradcheck(fn, xs)
    # the lambdas use tensor methods that both libraries share, so torch checks them too
    assert torch.autograd.gradcheck(fn, tuple(torch.tensor(x.detach().numpy(), requires_grad=True) for x in xs))


def make_wrong(T):
    class WrongSin(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin()

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * x.sin()  # should be cos
    return WrongSin


def test_wrong_custom_backward_fails():
    for T in (torch, minitorch):
        x = T.tensor([0.3, 1.1, -0.7], dtype=T.float64, requires_grad=True)
        with pytest.raises(RuntimeError, match="Jacobian mismatch for output 0 with respect to input 0"):
            T.autograd.gradcheck(make_wrong(T).apply, (x,))
        assert T.autograd.gradcheck(make_wrong(T).apply, (x,), raise_exception=False) is False


def test_wrong_second_derivative_fails():
    class BadDouble(minitorch.autograd.Function):
        """First derivative right (2x), but computed from a detached x: no second derivative."""
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 2 * x.detach()

    x = minitorch.tensor([0.3, 1.1], dtype=minitorch.float64, requires_grad=True)
    assert gradcheck(BadDouble.apply, (x,))
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        gradgradcheck(BadDouble.apply, (x,))


def test_float32_input_warns():
    x = minitorch.tensor([0.5, 1.5], requires_grad=True)
    with pytest.warns(UserWarning, match="not a double precision"):
        gradcheck(lambda a: a * 2, (x,), eps=1e-2, atol=1e-2, rtol=1e-2)


def test_non_differentiable_inputs_are_skipped():
    x = minitorch.tensor([0.5, 1.5], dtype=minitorch.float64, requires_grad=True)
    c = minitorch.tensor([2.0, 3.0], dtype=minitorch.float64)
    assert gradcheck(lambda a, b: a * b, (x, c))


@settings(max_examples=10, deadline=None)
@given(shape=st.lists(st.integers(1, 3), min_size=1, max_size=2), seed=st.integers(0, 100))
def test_gradcheck_random_shapes(shape, seed):
    (x,) = inputs(tuple(shape), seed=seed)
    assert gradcheck(lambda a: (a.exp() * a).sum(dim=-1), (x,))
