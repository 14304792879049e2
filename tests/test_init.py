"""nn.init against torch: gains, fans, bounds and statistics (minitorch's RNG is numpy's, so
values differ; the distributions must not), errors, and nn.Linear's default init."""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
import minitorch.nn.init as init

BIG = (400, 500)  # 200k values: sample statistics within ~0.5% of the truth


def _both(fn_name, shape, *args, **kwargs):
    """Apply init.<fn_name> to an empty tensor of ``shape`` in both libraries; return the numpy values."""
    t = getattr(torch.nn.init, fn_name)(torch.empty(shape), *args, **kwargs)
    m = getattr(init, fn_name)(minitorch.empty(*shape), *args, **kwargs)
    return m.numpy(), t.numpy()


def _same_distribution(mine, ref, bound=None):
    assert mine.shape == ref.shape and mine.dtype == ref.dtype
    scale = ref.std()
    assert abs(mine.mean() - ref.mean()) < 0.02 * scale + 1e-12
    assert abs(mine.std() - ref.std()) < 0.02 * scale
    if bound is not None:  # uniform: inside the bound, and reaching close to it
        assert np.abs(mine).max() <= bound and np.abs(ref).max() <= bound
        assert np.abs(mine).max() > 0.999 * bound


# -- calculate_gain and fans -------------------------------------------------------------------

@pytest.mark.parametrize('nonlinearity, param', [
    ('linear', None), ('conv1d', None), ('conv2d', None), ('conv3d', None), ('conv_transpose1d', None),
    ('conv_transpose2d', None), ('conv_transpose3d', None), ('sigmoid', None), ('tanh', None), ('relu', None),
    ('leaky_relu', None), ('leaky_relu', 0.2), ('leaky_relu', 1), ('leaky_relu', math.sqrt(5)), ('selu', None),
])
def test_calculate_gain_matches_torch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


@pytest.mark.parametrize('nonlinearity, param, match', [
    ('softmax', None, 'Unsupported nonlinearity softmax'),
    ('leaky_relu', True, 'negative_slope True not a valid number'),
    ('leaky_relu', '0.1', 'negative_slope 0.1 not a valid number'),
])
def test_calculate_gain_errors_match_torch(nonlinearity, param, match):
    for lib in (torch.nn.init, init):
        with pytest.raises(ValueError, match=match):
            lib.calculate_gain(nonlinearity, param)


@pytest.mark.parametrize('shape', [(3, 5), (8, 4, 3, 3), (2, 3, 4, 5, 6), (6, 2, 7)])
def test_fans_match_torch(shape):
    assert init._calculate_fan_in_and_fan_out(minitorch.empty(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


@pytest.mark.parametrize('fn', ['xavier_uniform_', 'xavier_normal_', 'kaiming_uniform_', 'kaiming_normal_'])
def test_fewer_than_two_dims_raise_like_torch(fn):
    for T in (torch, minitorch):
        with pytest.raises(ValueError, match='Fan in and fan out can not be computed for tensor with fewer than 2'):
            getattr(T.nn.init, fn)(T.empty(5))


@pytest.mark.parametrize('fn', ['kaiming_uniform_', 'kaiming_normal_'])
def test_bad_mode_and_nonlinearity_raise_like_torch(fn):
    for T in (torch, minitorch):
        with pytest.raises(ValueError, match='Mode fan_avg not supported, please use one of'):
            getattr(T.nn.init, fn)(T.empty(3, 4), mode='fan_avg')
        with pytest.raises(ValueError, match='Unsupported nonlinearity gelu'):
            getattr(T.nn.init, fn)(T.empty(3, 4), nonlinearity='gelu')


# -- the fills -----------------------------------------------------------------------------------

def test_uniform_and_normal():
    mine, ref = _both('uniform_', BIG, -0.3, 0.7)
    assert mine.min() >= -0.3 and mine.max() < 0.7
    _same_distribution(mine, ref)
    mine, ref = _both('uniform_', BIG)
    assert mine.min() >= 0 and mine.max() < 1
    _same_distribution(mine, ref)
    _same_distribution(*_both('normal_', BIG, 2.0, 0.5))
    _same_distribution(*_both('normal_', BIG))


def test_constant_zeros_ones_eye_are_exact():
    for fn, args in (('constant_', (0.25,)), ('zeros_', ()), ('ones_', ()), ('eye_', ())):
        for shape in ((3, 5), (4, 2)):
            mine, ref = _both(fn, shape, *args)
            np.testing.assert_array_equal(mine, ref)
    for T in (torch, minitorch):
        with pytest.raises(ValueError, match='Only tensors with 2 dimensions are supported'):
            T.nn.init.eye_(T.empty(2, 3, 4))


@pytest.mark.parametrize('shape', [BIG, (64, 32, 5, 5)])
@pytest.mark.parametrize('gain', [1.0, 5 / 3])
def test_xavier(shape, gain):
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(minitorch.empty(*shape))
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    _same_distribution(*_both('xavier_uniform_', shape, gain=gain), bound=bound)
    _same_distribution(*_both('xavier_normal_', shape, gain=gain))


@pytest.mark.parametrize('shape', [BIG, (64, 32, 5, 5)])
@pytest.mark.parametrize('kwargs', [{}, {'a': math.sqrt(5)}, {'mode': 'fan_out', 'nonlinearity': 'relu'},
                                    {'mode': 'FAN_IN', 'nonlinearity': 'tanh'}, {'a': 0.2}])
def test_kaiming(shape, kwargs):
    t = minitorch.empty(*shape)
    mode = kwargs.get('mode', 'fan_in').lower()
    fan = init._calculate_fan_in_and_fan_out(t)[0 if mode == 'fan_in' else 1]
    gain = init.calculate_gain(kwargs.get('nonlinearity', 'leaky_relu'), kwargs.get('a', 0))
    _same_distribution(*_both('kaiming_uniform_', shape, **kwargs), bound=gain * math.sqrt(3.0 / fan))
    _same_distribution(*_both('kaiming_normal_', shape, **kwargs))


def test_kaiming_on_zero_elements_warns_and_is_a_no_op():
    for fn in ('kaiming_uniform_', 'kaiming_normal_'):
        t = minitorch.empty(0, 3)
        with pytest.warns(UserWarning, match='Initializing zero-element tensors is a no-op'):
            assert getattr(init, fn)(t) is t


@pytest.mark.parametrize('args', [(), (0.0, 0.02), (1.0, 2.0, -1.0, 1.5), (0.0, 1.0, 1.0, 3.0)])
def test_trunc_normal(args):
    mine, ref = _both('trunc_normal_', (200, 250), *args)  # torch's rejection loop is slow on bigger ones
    mean, std, a, b = (list(args) + [0.0, 1.0, -2.0, 2.0][len(args):])
    assert mine.min() >= a and mine.max() <= b
    _same_distribution(mine, ref)


def test_orthogonal():
    for shape, gain in (((30, 50), 1.0), ((50, 30), 2.0), ((16, 4, 3, 3), 1.0)):
        w = init.orthogonal_(minitorch.empty(*shape), gain).numpy().reshape(shape[0], -1)
        small = min(w.shape)
        gram = w @ w.T if w.shape[0] == small else w.T @ w
        np.testing.assert_allclose(gram, gain ** 2 * np.eye(small), atol=1e-5)
    for T in (torch, minitorch):
        with pytest.raises(ValueError, match='Only tensors with 2 or more dimensions are supported'):
            T.nn.init.orthogonal_(T.empty(4))


# -- behaviour common to all fills ---------------------------------------------------------------

FILLS = [('uniform_', ()), ('normal_', ()), ('constant_', (0.5,)), ('zeros_', ()), ('ones_', ()), ('eye_', ()),
         ('xavier_uniform_', ()), ('xavier_normal_', ()), ('kaiming_uniform_', ()), ('kaiming_normal_', ()),
         ('trunc_normal_', ()), ('orthogonal_', ())]


@pytest.mark.parametrize('fn, args', FILLS)
def test_fills_a_parameter_in_place_without_recording(fn, args):
    p = minitorch.nn.Parameter(minitorch.empty(4, 6, dtype=minitorch.float64))
    version = p._version
    assert getattr(init, fn)(p, *args) is p
    assert p.grad_fn is None and p.requires_grad and p.dtype == minitorch.float64
    assert p._version > version


@pytest.mark.parametrize('fn', ['uniform_', 'normal_', 'xavier_uniform_', 'kaiming_normal_', 'trunc_normal_',
                                'orthogonal_'])
def test_generator_makes_fills_reproducible(fn):
    a = getattr(init, fn)(minitorch.empty(5, 7), generator=minitorch.Generator().manual_seed(3)).numpy()
    b = getattr(init, fn)(minitorch.empty(5, 7), generator=minitorch.Generator().manual_seed(3)).numpy()
    np.testing.assert_array_equal(a, b)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=2, max_size=4))
def test_hypothesis_kaiming_uniform_bound(shape):
    t = init.kaiming_uniform_(minitorch.empty(*shape), a=math.sqrt(5))
    fan_in = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))[0]
    assert np.abs(t.numpy()).max() <= 1 / math.sqrt(fan_in)


# -- nn.Linear's default init --------------------------------------------------------------------

def test_linear_default_init_matches_torch():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        t, m = torch.nn.Linear(500, 400), minitorch.nn.Linear(500, 400)
    bound = 1 / math.sqrt(500)
    _same_distribution(m.weight.detach().numpy(), t.weight.detach().numpy(), bound=bound)
    bias = m.bias.detach().numpy()
    assert np.abs(bias).max() <= bound and abs(bias.std() - bound / math.sqrt(3)) < 0.15 * bound
    assert m.weight.dtype == minitorch.float32 and m.bias.dtype == minitorch.float32
