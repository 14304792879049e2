"""Checkpoints of every lesson model cross between the engines: torch.save -> minitorch.load and
minitorch.save -> torch.load(weights_only=True), with equal outputs afterwards."""
import io

import numpy as np
import pytest
import torch

import minitorch
from parity.lessons import binary_classifier, mnist_cnn, simple_net


def _models(T):
    nn = T.nn
    return {
        '1 linear regression': (nn.Linear(1, 1), (5, 1)),
        '3 binary classifier': (binary_classifier.make_model(T)(2, 5), (4, 2)),
        '4 moons mlp': (nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 1)), (4, 2)),
        '5 simple net': (simple_net.classes(T)[0](4, 10, 3), (4, 4)),
        '6 softmax regression': (nn.Linear(784, 10), (3, 784)),
        '7 cnn': (mnist_cnn.make_model(T)(), (2, 1, 28, 28)),
    }


@pytest.mark.parametrize('name', list(_models(torch)))
def test_torch_checkpoint_loads_into_minitorch(name):
    t_model, shape = _models(torch)[name]
    m_model, _ = _models(minitorch)[name]
    buf = io.BytesIO()
    torch.save(t_model.state_dict(), buf)
    buf.seek(0)
    result = m_model.load_state_dict(minitorch.load(buf))
    assert not result.missing_keys and not result.unexpected_keys
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    t_model.eval(), m_model.eval()
    np.testing.assert_allclose(m_model(minitorch.tensor(x)).detach().numpy(),
                               t_model(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('name', list(_models(torch)))
def test_minitorch_checkpoint_loads_into_torch(name):
    m_model, shape = _models(minitorch)[name]
    t_model, _ = _models(torch)[name]
    buf = io.BytesIO()
    minitorch.save(m_model.state_dict(), buf)
    buf.seek(0)
    t_model.load_state_dict(torch.load(buf, weights_only=True))
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    t_model.eval(), m_model.eval()
    np.testing.assert_allclose(t_model(torch.tensor(x)).detach().numpy(),
                               m_model(minitorch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_optimizer_state_round_trips_both_ways():
    t_model, _ = _models(torch)['4 moons mlp']
    t_opt = torch.optim.Adam(t_model.parameters(), lr=0.01)
    t_model(torch.randn(8, 2)).sum().backward()
    t_opt.step()
    buf = io.BytesIO()
    torch.save(t_opt.state_dict(), buf)
    buf.seek(0)
    m_model, _ = _models(minitorch)['4 moons mlp']
    m_opt = minitorch.optim.Adam(m_model.parameters(), lr=0.01)
    m_opt.load_state_dict(minitorch.load(buf))
    state = m_opt.state_dict()
    assert state['param_groups'][0]['lr'] == 0.01
    np.testing.assert_array_equal(state['state'][0]['exp_avg'].numpy(), t_opt.state_dict()['state'][0]['exp_avg'].numpy())
    back = io.BytesIO()
    minitorch.save(state, back)
    back.seek(0)
    t_state = torch.load(back, weights_only=True)
    assert float(t_state['state'][1]['step']) == 1.0
    np.testing.assert_array_equal(t_state['state'][1]['exp_avg_sq'].numpy(), state['state'][1]['exp_avg_sq'].numpy())
