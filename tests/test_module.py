"""nn.Module's registration, traversal, state_dict, modes, hooks and repr, against torch."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as mnn


def _build(T):
    nn = T.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 4)
            self.register_buffer('running', T.zeros(4))
            self.register_buffer('scratch', T.ones(2), persistent=False)

        def forward(self, x):
            return self.fc(x) + self.running

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.shared = nn.Linear(4, 2)
            self.head = nn.Sequential(nn.ReLU(), self.shared)
            self.scale = nn.Parameter(T.ones(1))

        def forward(self, x):
            return self.head(self.block(x)) * self.scale

    return Net()


def test_names_match_torch():
    t, m = _build(torch), _build(minitorch)
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in m.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in m.named_children()] == [n for n, _ in t.named_children()]
    assert list(m.state_dict()) == list(t.state_dict())
    assert isinstance(m.state_dict(), OrderedDict)
    # the shared Linear appears once in parameters() but under both names in state_dict
    assert len(list(m.parameters())) == len(list(t.parameters()))


def test_state_dict_is_detached_and_loads_torch_values():
    t, m = _build(torch), _build(minitorch)
    sd = {k: minitorch.tensor(v.detach().numpy()) for k, v in t.state_dict().items()}
    result = m.load_state_dict(sd)
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (k, v), (k2, v2) in zip(m.state_dict().items(), t.state_dict().items()):
        assert k == k2 and not v.requires_grad
        np.testing.assert_array_equal(v.numpy(), v2.numpy())
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(m(minitorch.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-6)


def test_load_state_dict_errors_like_torch():
    m = _build(minitorch)
    sd = m.state_dict()
    bad = OrderedDict(sd)
    del bad['scale']
    bad['extra'] = minitorch.zeros(1)
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "scale"') as e:
        m.load_state_dict(bad)
    assert 'Unexpected key(s) in state_dict: "extra"' in str(e.value)
    result = m.load_state_dict(bad, strict=False)
    assert result.missing_keys == ['scale'] and result.unexpected_keys == ['extra']
    wrong = OrderedDict(sd)
    wrong['block.fc.weight'] = minitorch.zeros(5, 3)
    with pytest.raises(RuntimeError, match=r'size mismatch for block.fc.weight: .*\[5, 3\].*\[4, 3\]'):
        m.load_state_dict(wrong)


def test_assignment_rules():
    m = mnn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign .* as parameter 'weight'"):
        m.weight = minitorch.zeros(2, 2)
    m.bias = None
    assert [n for n, _ in m.named_parameters()] == ['weight']
    m.extra = mnn.Parameter(minitorch.zeros(1))
    assert 'extra' in dict(m.named_parameters())
    del m.extra
    assert 'extra' not in dict(m.named_parameters())
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        m.nope


def test_train_eval_zero_grad_requires_grad():
    m = _build(minitorch)
    assert m.training and m.block.fc.training
    m.eval()
    assert not m.training and not m.head[0].training
    m.train()
    assert m.head[1].training
    m(minitorch.randn(2, 3)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_to_dtype_keeps_parameter_objects():
    m = mnn.Linear(3, 2)
    w = m.weight
    m.double()
    assert m.weight is w and m.weight.dtype == minitorch.float64
    m.to(minitorch.float32)
    assert m.weight.dtype == minitorch.float32
    with pytest.raises(TypeError, match='floating point'):
        m.to(minitorch.int64)


def test_apply_and_repr_match_torch():
    t, m = _build(torch), _build(minitorch)
    assert repr(m) == repr(t)
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen[-1] == 'Net' and seen[0] == 'Linear'


def test_sequential_indexing_slicing_append():
    for T in (torch, minitorch):
        s = T.nn.Sequential(T.nn.Linear(2, 3), T.nn.ReLU(), T.nn.Linear(3, 1))
        assert len(s) == 3 and type(s[-1]).__name__ == 'Linear'
        assert len(s[:2]) == 2 and type(s[:2]).__name__ == 'Sequential'
        s.append(T.nn.Sigmoid())
        assert len(s) == 4 and [n for n, _ in s.named_children()] == ['0', '1', '2', '3']
    ml = mnn.ModuleList([mnn.Linear(1, 1) for _ in range(3)])
    assert len(list(ml.parameters())) == 6 and len(ml[1:]) == 2
    md = mnn.ModuleDict({'a': mnn.Linear(1, 2), 'b': mnn.ReLU()})
    assert list(md.keys()) == ['a', 'b'] and 'a' in md


def test_forward_hooks():
    m = mnn.Linear(2, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
    h2 = m.register_forward_hook(lambda mod, args, out: calls.append(out.shape) or out * 0)
    x = minitorch.ones(1, 2)
    assert m(x).abs().sum().item() == 0 and calls == [(1, 2)]
    h1.remove()
    h2.remove()
    assert m(x).abs().sum().item() != 0


def test_full_backward_hook_matches_torch():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 2))
    x = rng.standard_normal((4, 2))
    got = {}
    for T in (torch, minitorch):
        lin = T.nn.Linear(2, 3, bias=False).double()
        with T.no_grad():
            lin.weight.copy_(T.tensor(w))
        seen = []
        lin.register_full_backward_hook(lambda mod, gi, go: seen.append((gi[0], go[0])))
        xi = T.tensor(x, requires_grad=True)
        lin(xi).sum().backward()
        got[T.__name__] = [(a.detach().numpy(), b.detach().numpy()) for a, b in seen]
    (tgi, tgo), = got['torch']
    (mgi, mgo), = got['minitorch']
    np.testing.assert_allclose(mgi, tgi)
    np.testing.assert_allclose(mgo, tgo)


def test_linear_default_init_bounds():
    minitorch.manual_seed(0)
    lin = mnn.Linear(100, 50)
    bound = 1 / np.sqrt(100)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    assert w.shape == (50, 100) and b.shape == (50,)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # uniform on [-bound, bound]: the spread should fill the interval (torch's distribution)
    assert np.abs(w).max() > 0.95 * bound and abs(w.std() - bound / np.sqrt(3)) < 0.01
