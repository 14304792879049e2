"""Elementwise ops against torch: values, gradients and second gradients, float64 and float32."""
import numpy as np
import pytest

from harness import compare

BROADCAST_PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)), ((), (2, 3))]


@pytest.mark.parametrize('shapes', BROADCAST_PAIRS)
@pytest.mark.parametrize('fn', [
    lambda T, a, b: a + b, lambda T, a, b: a - b, lambda T, a, b: a * b, lambda T, a, b: a / b,
    lambda T, a, b: T.maximum(a, b), lambda T, a, b: T.minimum(a, b), lambda T, a, b: T.add(a, b, alpha=2.5),
], ids=['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'add_alpha'])
def test_binary(fn, shapes):
    compare(fn, shapes)


@pytest.mark.parametrize('fn', [
    lambda T, a: 2 + a, lambda T, a: 2 - a, lambda T, a: 2 * a, lambda T, a: 2 / a, lambda T, a: a / 3,
    lambda T, a: a ** 2, lambda T, a: a ** 3, lambda T, a: a ** 0.5, lambda T, a: 2 ** a, lambda T, a: a ** -1.5,
    lambda T, a: -a, lambda T, a: T.exp(a), lambda T, a: T.log(a), lambda T, a: T.log1p(a), lambda T, a: T.expm1(a),
    lambda T, a: T.sqrt(a), lambda T, a: T.rsqrt(a), lambda T, a: T.sin(a), lambda T, a: T.cos(a),
    lambda T, a: T.reciprocal(a), lambda T, a: a.reciprocal(), lambda T, a: 1 / a, lambda T, a: 2.5 / (a + 1),
    lambda T, a: T.tanh(a), lambda T, a: T.sigmoid(a), lambda T, a: a.abs(), lambda T, a: a.sign() * a,
    lambda T, a: T.clamp(a, 0.3, 1.5), lambda T, a: a.clamp(min=0.4), lambda T, a: a.clamp(max=0.9),
])
def test_unary_positive(fn):
    compare(fn, [(3, 5)], positive=True)


@pytest.mark.parametrize('fn', [
    lambda T, a: T.relu(a), lambda T, a: a.relu(), lambda T, a: T.tanh(a), lambda T, a: T.sigmoid(a),
    lambda T, a: a.abs(), lambda T, a: T.exp(a), lambda T, a: a ** 2, lambda T, a: T.clamp(a, -0.5, 0.5),
])
def test_unary_signed(fn):
    compare(fn, [(4, 3)])


def test_pow_tensor_tensor():
    compare(lambda T, a, b: a ** b, [(3, 4), (4,)], positive=True)


def test_where_and_lerp():
    compare(lambda T, a, b: T.where(a > b, a, b), [(3, 4), (3, 4)])
    compare(lambda T, a, b: T.where(a > 0, a * 2, b), [(3, 4), (4,)])
    compare(lambda T, a, b, w: T.lerp(a, b, w), [(3, 4), (3, 4), (3, 4)])
    compare(lambda T, a, b: T.lerp(a, b, 0.3), [(3, 4), (4,)])


def test_remainder_floor_divide():
    compare(lambda T, a, b: a % b, [(3, 4), (3, 4)], positive=True)
    compare(lambda T, a, b: a // b, [(3, 4), (3, 4)], positive=True, grad=False)


def test_sigmoid_extreme_values():
    x = np.array([-1000., -100., -20., 0., 20., 100., 1000.])
    compare(lambda T, a: T.sigmoid(a), inputs=[x])


@pytest.mark.parametrize('fn', [
    lambda T, a: a + 2, lambda T, a: 2.5 + a, lambda T, a: a - 3, lambda T, a: 1.5 - a, lambda T, a: a * 3,
    lambda T, a: -0.5 * a, lambda T, a: a / 4, lambda T, a: a / 0.3, lambda T, a: T.add(a, 2, alpha=3),
    lambda T, a: a * np.float64(1.5), lambda T, a: a + np.int64(2), lambda T, a: (a * 2) * (a / 3),
])
def test_tensor_scalar_arithmetic(fn):
    compare(fn, [(3, 4)])


def test_scalar_ops_keep_float32_and_name_grad_fn_like_torch():
    import torch
    import minitorch
    for fn in (lambda x: x * 2, lambda x: x + 1, lambda x: x - 1, lambda x: 1 - x, lambda x: x / 2):
        t = fn(torch.ones(2, requires_grad=True))
        m = fn(minitorch.ones(2, requires_grad=True))
        assert m.dtype == minitorch.float32
        assert m.grad_fn.name() == t.grad_fn.name()


def test_grad_fn_names_follow_torch():
    import torch
    import minitorch
    for fn in (lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.mean(), lambda x: x.mean(1), lambda x: x.t(),
               lambda x: 1 / x, lambda x: x.reciprocal(), lambda x: x.transpose(0, 1), lambda x: x.T):
        names = [fn(T.ones(2, 3, requires_grad=True)).grad_fn.name() for T in (torch, minitorch)]
        assert names[0] == names[1]
    graph = [(1 / T.ones(2, requires_grad=True)).grad_fn.next_functions[0][0].name() for T in (torch, minitorch)]
    assert graph == ['ReciprocalBackward0'] * 2
