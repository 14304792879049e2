"""F.batch_norm and BatchNorm1d/2d/3d against torch: values, gradients, second gradients,
running statistics over several steps, state_dict, reprs and errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import compare

SHAPES = [(6, 3), (4, 3, 5), (4, 3, 2, 3)]


# -- F.batch_norm ------------------------------------------------------------------------------

@pytest.mark.parametrize('shape', SHAPES)
@pytest.mark.parametrize('affine', ['both', 'weight', 'none'])
def test_functional_training_mode(shape, affine):
    c = shape[1]
    if affine == 'both':
        compare(lambda T, x, w, b: T.nn.functional.batch_norm(x, None, None, w, b, training=True),
                [shape, (c,), (c,)])
    elif affine == 'weight':
        compare(lambda T, x, w: T.nn.functional.batch_norm(x, None, None, w, training=True), [shape, (c,)])
    else:
        compare(lambda T, x: T.nn.functional.batch_norm(x, None, None, training=True, eps=1e-3), [shape])


@pytest.mark.parametrize('shape', SHAPES)
def test_functional_eval_mode(shape):
    c = shape[1]
    rng = np.random.default_rng(1)
    stats = [rng.normal(size=c), rng.uniform(0.5, 2.0, size=c)]
    inputs = [rng.normal(size=shape), *stats, rng.normal(size=c), rng.normal(size=c)]
    compare(lambda T, x, rm, rv, w, b: T.nn.functional.batch_norm(x, rm, rv, w, b), inputs=inputs,
            grad_inputs=[0, 3, 4])
    compare(lambda T, x, rm, rv: T.nn.functional.batch_norm(x, rm, rv, training=False), inputs=inputs[:3],
            grad_inputs=[0])


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('momentum', [0.1, 0.5])
def test_functional_updates_running_stats_in_place(dtype, momentum):
    x = np.random.default_rng(2).normal(3.0, 2.0, size=(5, 4, 3)).astype(dtype)
    result = {}
    for T in (torch, minitorch):
        rm, rv = T.zeros(4, dtype=getattr(T, dtype)), T.ones(4, dtype=getattr(T, dtype))
        for _ in range(3):
            out = T.nn.functional.batch_norm(T.tensor(x), rm, rv, training=True, momentum=momentum)
        result[T] = (out.numpy(), rm.numpy(), rv.numpy())
    tol = 1e-12 if dtype == 'float64' else 1e-5
    for mine, ref in zip(result[minitorch], result[torch]):
        assert mine.dtype == ref.dtype
        np.testing.assert_allclose(mine, ref, rtol=tol, atol=tol)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 5), st.integers(1, 4), st.lists(st.integers(1, 3), max_size=2), st.booleans())
def test_functional_hypothesis_shapes(n, c, spatial, training):
    shape = (n, c, *spatial)
    rng = np.random.default_rng(n * 100 + c)
    inputs = [rng.normal(size=shape), rng.normal(size=c), rng.uniform(0.5, 2, size=c), rng.normal(size=c),
              rng.normal(size=c)]
    compare(lambda T, x, rm, rv, w, b: T.nn.functional.batch_norm(x, rm, rv, w, b, training=training),
            inputs=inputs, grad_inputs=[0, 3, 4])


def test_float32_stays_float32_and_grad_fn_name():
    x = minitorch.randn(8, 3, 4, 4, requires_grad=True)
    bn = minitorch.nn.BatchNorm2d(3)
    y = bn(x)
    assert y.dtype == minitorch.float32 and y.grad_fn.name() == 'NativeBatchNormBackward0'
    y.sum().backward()
    assert x.grad.dtype == bn.weight.grad.dtype == bn.running_mean.dtype == minitorch.float32


def test_functional_errors_match_torch():
    for T in (torch, minitorch):
        F = T.nn.functional
        with pytest.raises(ValueError, match='Expected more than 1 value per channel when training'):
            F.batch_norm(T.randn(1, 3), None, None, training=True)
        with pytest.raises(ValueError, match='Expected more than 1 value per channel when training'):
            F.batch_norm(T.randn(1, 3, 1), T.zeros(3), T.ones(3), training=True)
        with pytest.raises(RuntimeError, match='running_mean should contain 3 elements not 4'):
            F.batch_norm(T.randn(4, 3), T.zeros(4), T.ones(4))
        with pytest.raises(RuntimeError, match='weight should contain 3 elements not 4'):
            F.batch_norm(T.randn(4, 3), T.zeros(3), T.ones(3), T.ones(4))
        with pytest.raises(RuntimeError, match='running_mean must be defined in evaluation mode'):
            F.batch_norm(T.randn(4, 3), None, None, training=False)
    with pytest.raises(NotImplementedError, match='"batch_norm" not implemented for'):
        minitorch.nn.functional.batch_norm(minitorch.arange(12).reshape(4, 3), None, None, training=True)
    for T in (torch, minitorch):
        with pytest.raises(RuntimeError, match='mixed dtype'):
            T.nn.BatchNorm1d(3)(T.randn(4, 3, dtype=T.float64))
        with pytest.raises(RuntimeError, match='mixed dtype'):
            T.nn.BatchNorm1d(3).double()(T.randn(4, 3))
    # one value per channel is fine in eval mode
    out = minitorch.nn.functional.batch_norm(minitorch.ones(1, 3), minitorch.zeros(3), minitorch.ones(3))
    np.testing.assert_allclose(out.numpy(), np.ones((1, 3)) / np.sqrt(1 + 1e-5), rtol=1e-6)


# -- modules -----------------------------------------------------------------------------------

def _layer(T, cls, c, dtype, **kwargs):
    layer = getattr(T.nn, cls)(c, **kwargs)
    return layer.double() if dtype == 'float64' else layer


def _copy_weights(t_layer, m_layer):
    rng = np.random.default_rng(3)
    with torch.no_grad():
        for p in t_layer.parameters():  # non-trivial weights, so a swapped weight and bias would show
            p.copy_(torch.tensor(rng.uniform(0.5, 1.5, size=tuple(p.shape))))
    m_layer.load_state_dict({k: minitorch.tensor(v.numpy()) for k, v in t_layer.state_dict().items()})


CASES = [
    ('BatchNorm1d', (8, 3), {}),
    ('BatchNorm1d', (8, 3, 5), {'momentum': None}),
    ('BatchNorm1d', (8, 3), {'affine': False}),
    ('BatchNorm1d', (8, 3, 4), {'bias': False}),
    ('BatchNorm2d', (6, 3, 4, 5), {}),
    ('BatchNorm2d', (6, 3, 4, 5), {'momentum': 0.3, 'eps': 1e-3}),
    ('BatchNorm2d', (6, 3, 4, 5), {'track_running_stats': False}),
    ('BatchNorm2d', (6, 3, 4, 5), {'momentum': None, 'affine': False}),
    ('BatchNorm3d', (4, 2, 3, 3, 2), {}),
]


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('cls, shape, kwargs', CASES)
def test_module_train_then_eval_matches_torch(cls, shape, kwargs, dtype):
    """Several training steps (outputs, input and parameter gradients, running statistics), then eval."""
    rtol, atol = (1e-10, 1e-12) if dtype == 'float64' else (2e-5, 2e-5)
    t_layer, m_layer = _layer(torch, cls, shape[1], dtype, **kwargs), _layer(minitorch, cls, shape[1], dtype, **kwargs)
    _copy_weights(t_layer, m_layer)
    rng = np.random.default_rng(4)
    for step in range(4):
        training = step < 3
        t_layer.train(training)
        m_layer.train(training)
        x = rng.normal(step, 1 + step, size=shape).astype(dtype)
        g = rng.normal(size=shape).astype(dtype)
        tx, mx = torch.tensor(x, requires_grad=True), minitorch.tensor(x, requires_grad=True)
        t_out, m_out = t_layer(tx), m_layer(mx)
        assert m_out.dtype == getattr(minitorch, dtype)
        np.testing.assert_allclose(m_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol)
        t_out.backward(torch.tensor(g))
        m_out.backward(minitorch.tensor(g))
        np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol)
        for (name, tp), (_, mp) in zip(t_layer.named_parameters(), m_layer.named_parameters()):
            np.testing.assert_allclose(mp.grad.numpy(), tp.grad.numpy(), rtol=rtol, atol=atol, err_msg=name)
            tp.grad = mp.grad = None
        for (name, tb), (m_name, mb) in zip(t_layer.state_dict().items(), m_layer.state_dict().items()):
            assert name == m_name and str(mb.dtype).split('.')[-1] == str(tb.dtype).split('.')[-1]
            np.testing.assert_allclose(mb.numpy(), tb.numpy(), rtol=rtol, atol=atol, err_msg=name)


@pytest.mark.parametrize('cls, shape, kwargs', CASES)
def test_module_double_backward(cls, shape, kwargs):
    def fn(T, x):
        layer = getattr(T.nn, cls)(shape[1], **kwargs).double()
        with T.no_grad():
            if layer.weight is not None:
                layer.weight.copy_(T.tensor(np.linspace(0.5, 1.5, shape[1])))
        return layer(x)
    compare(fn, [shape], dtypes=('float64',))


@pytest.mark.parametrize('cls, shape, kwargs', CASES)
def test_state_dict_and_buffers_match_torch(cls, shape, kwargs):
    t_layer, m_layer = getattr(torch.nn, cls)(3, **kwargs), getattr(minitorch.nn, cls)(3, **kwargs)
    t_sd, m_sd = t_layer.state_dict(), m_layer.state_dict()
    assert list(m_sd) == list(t_sd)
    for k in t_sd:
        assert str(m_sd[k].dtype).split('.')[-1] == str(t_sd[k].dtype).split('.')[-1], k
        np.testing.assert_array_equal(m_sd[k].numpy(), t_sd[k].numpy())
    assert [n for n, _ in m_layer.named_parameters()] == [n for n, _ in t_layer.named_parameters()]
    assert repr(m_layer) == repr(t_layer)
    m_layer.double()
    if m_layer.track_running_stats:
        assert m_layer.num_batches_tracked.dtype == minitorch.int64
        assert m_layer.running_mean.dtype == minitorch.float64


def test_reprs_match_torch():
    def build(T):
        nn = T.nn
        return [nn.BatchNorm2d(32), nn.BatchNorm1d(3, momentum=None, affine=False, track_running_stats=False),
                nn.BatchNorm1d(4, eps=1e-3, bias=False), nn.BatchNorm3d(2, momentum=0.2)]
    assert [repr(m) for m in build(minitorch)] == [repr(m) for m in build(torch)]


def test_module_errors_match_torch():
    for T in (torch, minitorch):
        with pytest.raises(ValueError, match=r'expected 2D or 3D input \(got 4D input\)'):
            T.nn.BatchNorm1d(3)(T.randn(2, 3, 4, 5))
        with pytest.raises(ValueError, match=r'expected 4D input \(got 3D input\)'):
            T.nn.BatchNorm2d(3)(T.randn(2, 3, 4))
        with pytest.raises(ValueError, match='Expected more than 1 value per channel when training'):
            T.nn.BatchNorm1d(3)(T.randn(1, 3))
        T.nn.BatchNorm1d(3).eval()(T.randn(1, 3))  # fine in eval mode


def test_reset_and_num_batches_tracked():
    bn = minitorch.nn.BatchNorm1d(2)
    for _ in range(3):
        bn(minitorch.randn(4, 2))
    assert bn.num_batches_tracked.item() == 3
    bn.eval()
    bn(minitorch.randn(4, 2))
    assert bn.num_batches_tracked.item() == 3
    bn.reset_running_stats()
    assert bn.num_batches_tracked.item() == 0
    np.testing.assert_array_equal(bn.running_mean.numpy(), [0, 0])
    np.testing.assert_array_equal(bn.running_var.numpy(), [1, 1])


def test_sequential_model_with_batchnorm_trains_like_torch():
    """A small MLP with BatchNorm1d: parameters and running statistics after three SGD steps match torch."""
    def build(T):
        nn = T.nn
        return nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.GELU(), nn.Linear(6, 2)).double()
    t_model, m_model = build(torch), build(minitorch)
    m_model.load_state_dict({k: minitorch.tensor(v.numpy()) for k, v in t_model.state_dict().items()})
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(16, 4)), rng.normal(size=(16, 2))
    for T, model in ((torch, t_model), (minitorch, m_model)):
        for _ in range(3):
            loss = ((model(T.tensor(x)) - T.tensor(y)) ** 2).mean()
            loss.backward()
            with T.no_grad():  # plain SGD (torch.optim's first step imports for seconds)
                for p in model.parameters():
                    p -= 0.1 * p.grad
                    p.grad = None
    for (k, tv), (_, mv) in zip(t_model.state_dict().items(), m_model.state_dict().items()):
        np.testing.assert_allclose(mv.numpy(), tv.numpy(), rtol=1e-10, atol=1e-12, err_msg=k)
