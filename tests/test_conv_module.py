"""nn.Conv2d and the pooling modules against torch: forward and gradients with copied weights,
default init, reprs, errors, and lesson 7's CNN end to end."""
import numpy as np
import pytest
import torch

import minitorch
from harness import TOL

RNG = np.random.default_rng(0)


def _copy_weights(t_module, m_module):
    m_module.load_state_dict({k: minitorch.tensor(v.detach().numpy()) for k, v in t_module.state_dict().items()})


def _check_module(build, x_shape, dtype):
    """Forward, input gradient and every parameter's gradient of ``build(T)``, torch vs minitorch."""
    rtol, atol = TOL[dtype]
    # torch's initial weights come from its global generator, whose state otherwise depends on
    # which tests ran before (hypothesis draws vary). With float32, a max-pool window whose two
    # largest values differ by about one rounding step can pick a different winner in each
    # engine and send the whole gradient to another pixel (seen once, most likely this: lesson 7's
    # CNN, 80 input pixels off by 2e-3); fixed seeds keep the comparison on inputs without a tie.
    torch.manual_seed(0)
    t_mod = build(torch).to(getattr(torch, dtype))
    m_mod = build(minitorch).to(getattr(minitorch, dtype))
    _copy_weights(t_mod, m_mod)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(dtype)
    tx, mx = torch.tensor(x, requires_grad=True), minitorch.tensor(x, requires_grad=True)
    ty, my = t_mod(tx), m_mod(mx)
    assert str(my.dtype) == str(ty.dtype).replace('torch', 'minitorch')
    np.testing.assert_allclose(my.detach().numpy(), ty.detach().numpy(), rtol=rtol, atol=atol)
    v = rng.standard_normal(tuple(ty.shape)).astype(dtype)
    ty.backward(torch.tensor(v))
    my.backward(minitorch.tensor(v))
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol)
    t_params, m_params = dict(t_mod.named_parameters()), dict(m_mod.named_parameters())
    assert list(m_params) == list(t_params)
    for name, p in t_params.items():
        np.testing.assert_allclose(m_params[name].grad.numpy(), p.grad.numpy(), rtol=rtol, atol=atol, err_msg=name)


CONV_CONFIGS = [
    ((1, 32, 3, 1, 1), {}),
    ((3, 4, 3), {'stride': 2}),
    ((4, 6, (3, 2)), {'padding': (1, 0), 'dilation': 2}),
    ((4, 6, 3), {'groups': 2, 'bias': False}),
    ((3, 5, 4), {'padding': 'same'}),
    ((3, 5, 3), {'padding': 'valid', 'stride': (1, 2)}),
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note on even kernels
@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('args, kw', CONV_CONFIGS)
def test_conv2d_module_matches_torch(args, kw, dtype):
    _check_module(lambda T: T.nn.Conv2d(*args, **kw), (2, args[0], 9, 8), dtype)


def test_conv2d_unbatched_input():
    _check_module(lambda T: T.nn.Conv2d(2, 3, 3, padding=1), (2, 6, 6), 'float64')


def test_conv2d_default_init_bounds():
    minitorch.manual_seed(0)
    conv = minitorch.nn.Conv2d(16, 64, 3, groups=2)
    fan_in = 16 // 2 * 3 * 3
    bound = 1 / np.sqrt(fan_in)
    w, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()
    assert w.shape == (64, 8, 3, 3) and b.shape == (64,)
    assert conv.weight.dtype == minitorch.float32 and conv.weight.requires_grad
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # uniform on [-bound, bound] (torch's distribution): it fills the interval, std = bound/√3
    assert np.abs(w).max() > 0.95 * bound and abs(w.std() - bound / np.sqrt(3)) < 0.01
    assert np.abs(b).max() > 0.5 * bound
    assert minitorch.nn.Conv2d(2, 3, 3, dtype=minitorch.float64).weight.dtype == minitorch.float64


@pytest.mark.parametrize('build', [
    lambda T: T.nn.Conv2d(1, 32, 3, 1, 1),
    lambda T: T.nn.Conv2d(4, 8, (3, 5), 2, 0, 2, 2, False),
    lambda T: T.nn.Conv2d(4, 8, 3, padding='same'),
    lambda T: T.nn.Conv2d(4, 8, 3, padding='valid'),
    lambda T: T.nn.Conv2d(4, 8, 1, stride=(2, 1), padding=(0, 1)),
    lambda T: T.nn.MaxPool2d(2),
    lambda T: T.nn.MaxPool2d((2, 3), stride=1, padding=1, dilation=2, return_indices=True, ceil_mode=True),
    lambda T: T.nn.AvgPool2d(2),
    lambda T: T.nn.AvgPool2d(3, 2, 1, True, False, 3),
    lambda T: T.nn.AdaptiveAvgPool2d((None, 7)),
    lambda T: T.nn.AdaptiveAvgPool2d(1),
])
def test_reprs_match_torch(build):
    assert repr(build(minitorch)) == repr(build(torch))


@pytest.mark.parametrize('kw, error, match', [
    ({'groups': 2, 'in_channels': 3}, ValueError, 'in_channels must be divisible by groups'),
    ({'groups': 2, 'out_channels': 7}, ValueError, 'out_channels must be divisible by groups'),
    ({'groups': 0}, ValueError, 'groups must be a positive integer'),
    ({'stride': 2, 'padding': 'same'}, ValueError, "padding='same' is not supported for strided convolutions"),
    ({'padding': 'full'}, ValueError, 'Invalid padding string'),
    ({'padding_mode': 'foo'}, ValueError, 'padding_mode must be one of'),
])
def test_conv2d_errors_like_torch(kw, error, match):
    args = {'in_channels': 4, 'out_channels': 8, 'kernel_size': 3, **kw}
    for T in (torch, minitorch):
        with pytest.raises(error, match=match):
            T.nn.Conv2d(**args)


def test_conv2d_other_padding_modes_are_refused_clearly():
    with pytest.raises(NotImplementedError, match="padding_mode='zeros' only"):
        minitorch.nn.Conv2d(4, 8, 3, padding=1, padding_mode='reflect')


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('build', [
    lambda T: T.nn.MaxPool2d(2),
    lambda T: T.nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
    lambda T: T.nn.AvgPool2d(2),
    lambda T: T.nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
    lambda T: T.nn.AdaptiveAvgPool2d((3, 4)),
])
def test_pool_modules_match_torch(build, dtype):
    _check_module(build, (2, 3, 9, 10), dtype)


def test_max_pool_module_returns_indices():
    x = RNG.standard_normal((2, 3, 8, 8))
    t_out, t_idx = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    m_out, m_idx = minitorch.nn.MaxPool2d(2, return_indices=True)(minitorch.tensor(x))
    np.testing.assert_array_equal(m_out.numpy(), t_out.numpy())
    np.testing.assert_array_equal(m_idx.numpy(), t_idx.numpy())


def _lesson7_cnn(T):
    nn = T.nn

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1, 1)
            self.pool = nn.MaxPool2d(2)
            self.fc1 = nn.Linear(3136, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = self.pool(T.relu(self.conv1(x)))
            x = self.pool(T.relu(self.conv2(x)))
            x = x.view(-1, 3136)
            return self.fc2(T.relu(self.fc1(x)))

    return CNN()


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
def test_lesson7_cnn_forward_and_backward(dtype):
    _check_module(_lesson7_cnn, (4, 1, 28, 28), dtype)
