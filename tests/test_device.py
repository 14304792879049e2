"""Devices as torch has them, on every device here: 'cpu', the test-only 'sim' device (numpy posing
as an accelerator, see simdevice.py) and 'cuda' where a GPU is usable (skipped otherwise).

Values are checked against torch on the CPU; results and gradients must stay on the input's
device, and mixing devices must raise torch's error.
"""
import io
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from minitorch import nn
from minitorch.nn import functional as F

HAS_GPU = minitorch.cuda.is_available()


def _dev(device):
    """The device tensors made with ``device=`` report ('cuda' becomes cuda:0, as in torch)."""
    return minitorch._backend.as_device(device)
TOL = {'float64': 1e-9, 'float32': 1e-4}


def on(device, array, dtype='float64', requires_grad=True):
    """The same numpy values in both engines: a minitorch tensor on ``device`` and a torch CPU one."""
    m = minitorch.tensor(array, dtype=getattr(minitorch, dtype), device=device, requires_grad=requires_grad)
    t = torch.tensor(array, dtype=getattr(torch, dtype), requires_grad=requires_grad)
    return m, t


def check(m, t, device, tol=1e-9):
    """``m`` is on ``device`` and matches torch's ``t``."""
    assert m.device == _dev(device), f"result on {m.device}, expected {device}"
    assert tuple(m.shape) == tuple(t.shape)
    np.testing.assert_allclose(m.detach().cpu().numpy(), t.detach().numpy(), rtol=tol, atol=tol)


def compare(device, fn, *arrays, dtype='float64'):
    """fn(T, *tensors) in both engines: values, and first gradients of a weighted sum."""
    pairs = [on(device, a, dtype) for a in arrays]
    ms, ts = [p[0] for p in pairs], [p[1] for p in pairs]
    mo, to = fn(minitorch, *ms), fn(torch, *ts)
    check(mo, to, device, TOL[dtype])
    w = np.random.default_rng(1).standard_normal(tuple(to.shape))
    (mo * minitorch.tensor(w, dtype=mo.dtype, device=device)).sum().backward()
    (to * torch.tensor(w, dtype=to.dtype)).sum().backward()
    for m, t in zip(ms, ts):
        check(m.grad, t.grad, device, TOL[dtype])


rng = np.random.default_rng(0)
A, B, ROW = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.standard_normal(4)

ELEMENTWISE = {
    'add_broadcast': (lambda T, a, b: a + b * 2, (A, ROW)),
    'mul_div': (lambda T, a, b: a * b / (b * b + 1), (A, B)),
    'exp_tanh': (lambda T, a: T.exp(a).tanh() + a.sigmoid(), (A,)),
    'where_clamp': (lambda T, a, b: T.where(a > b, a, b).clamp(-0.5, 0.5), (A, B)),
    'pow_sqrt': (lambda T, a: (a * a + 1).sqrt() ** 1.5, (A,)),
}
REDUCE = {
    'sum_dim': (lambda T, a: a.sum(1, keepdim=True) + a.mean(), (A,)),
    'max_dim': (lambda T, a: a.max(dim=-1).values, (A,)),
    'softmax': (lambda T, a: T.softmax(a, dim=1) + T.log_softmax(a, dim=0), (A,)),
    'var_norm': (lambda T, a: a.var(0) + a.norm(), (A,)),
}
LINALG_SHAPE = {
    'matmul': (lambda T, a, b: a @ b.T, (A, B)),
    'bmm_broadcast': (lambda T, a, b: a.reshape(3, 2, 2) @ b[:2, :2], (A, B)),
    'cat_stack_view': (lambda T, a, b: T.cat([a, T.stack([b[0], b[1]])]).permute(1, 0)[1:], (A, B)),
    'index_tensor': (lambda T, a: a[T.tensor([0, 2, 0], device=a.device)] * 3, (A,)),
}


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('name', sorted(ELEMENTWISE) + sorted(REDUCE) + sorted(LINALG_SHAPE))
def test_op_parity_on_device(device, name, dtype):
    fn, arrays = {**ELEMENTWISE, **REDUCE, **LINALG_SHAPE}[name]
    compare(device, fn, *arrays, dtype=dtype)


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), dim=st.integers(-3, 2))
def test_reduce_over_any_dim_on_sim(shape, dim):
    dim = dim % len(shape)
    a = np.random.default_rng(len(shape)).standard_normal(shape)
    compare('sim', lambda T, x: x.sum(dim) * x.amax(dim), a)


def test_second_derivative_on_device(device):
    x, xt = on(device, A)
    g, = minitorch.autograd.grad((x.tanh() ** 3).sum(), x, create_graph=True)
    gt, = torch.autograd.grad((xt.tanh() ** 3).sum(), xt, create_graph=True)
    g.sum().backward()
    gt.sum().backward()
    check(x.grad, xt.grad, device)


# -- nn layers ------------------------------------------------------------------------------------

def _copy_weights(mine, theirs, device):
    with minitorch.no_grad():
        for (name, p), (_, q) in zip(mine.named_parameters(), theirs.named_parameters()):
            p.copy_(minitorch.tensor(q.detach().numpy(), device=device))


@pytest.mark.parametrize('make, shape', [
    (lambda T: T.nn.Linear(5, 3), (4, 5)),
    (lambda T: T.nn.Sequential(T.nn.Conv2d(2, 3, 3, padding=1), T.nn.ReLU(), T.nn.MaxPool2d(2)), (2, 2, 6, 6)),
    (lambda T: T.nn.Sequential(T.nn.Conv2d(2, 4, 3, stride=2, groups=2), T.nn.AvgPool2d(2),
                               T.nn.AdaptiveAvgPool2d(1), T.nn.Flatten()), (2, 2, 9, 9)),
    (lambda T: T.nn.Sequential(T.nn.Linear(5, 6), T.nn.BatchNorm1d(6), T.nn.GELU(), T.nn.Dropout(0.0)), (4, 5)),
], ids=['linear', 'conv_relu_maxpool', 'conv_avgpool_adaptive', 'batchnorm_gelu'])
def test_layer_forward_backward_with_cross_entropy(device, make, shape):
    torch.manual_seed(0)
    theirs = make(torch).double()
    mine = make(minitorch).to(device).double()
    _copy_weights(mine, theirs, device)
    x, xt = on(device, np.random.default_rng(2).standard_normal(shape))
    target = np.array([0, 2, 1, 2])[:shape[0]]
    out, out_t = mine(x).reshape(shape[0], -1), theirs(xt).reshape(shape[0], -1)
    loss = nn.CrossEntropyLoss()(out, minitorch.tensor(target, device=device))
    loss_t = torch.nn.CrossEntropyLoss()(out_t, torch.tensor(target))
    check(loss, loss_t, device)
    loss.backward()
    loss_t.backward()
    check(x.grad, xt.grad, device)
    for p, q in zip(mine.parameters(), theirs.parameters()):
        check(p.grad, q.grad, device)


def test_module_to_keeps_parameter_identity_and_moves_buffers(device):
    m = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    params = list(m.parameters())
    m(minitorch.randn(4, 3)).sum().backward()
    assert m.to(device) is m
    assert [id(p) for p in m.parameters()] == [id(p) for p in params]
    assert all(isinstance(p, nn.Parameter) and p.device == _dev(device) for p in params)
    assert all(p.grad.device == _dev(device) for p in params)
    assert all(b.device == _dev(device) for b in m.buffers())
    assert m[1].num_batches_tracked.dtype == minitorch.int64
    m.cpu()
    assert all(p.device.type == 'cpu' for p in params)


def test_creation_functions_take_device(device):
    d = _dev(device)
    made = [minitorch.zeros(2, 3, device=device), minitorch.ones(2, device=d), minitorch.full((2,), 3.0, device=device),
            minitorch.empty(2, device=device), minitorch.arange(5, device=device),
            minitorch.linspace(0, 1, 5, device=device), minitorch.eye(3, device=device),
            minitorch.tensor([1, 2], device=device), minitorch.rand(2, device=device),
            minitorch.randn(2, device=device), minitorch.randint(0, 5, (3,), device=device),
            minitorch.randperm(4, device=device)]
    x = minitorch.ones(2, device=device)
    made += [minitorch.zeros_like(x), minitorch.rand_like(x), x.new_zeros(3), x.new_tensor([1.0])]
    assert all(t.device == d for t in made)
    assert minitorch.arange(5, device=device).tolist() == [0, 1, 2, 3, 4]


# -- random numbers drawn on the device -------------------------------------------------------------

def test_manual_seed_makes_device_draws_reproducible(device):
    def draws():
        minitorch.manual_seed(123)
        x = minitorch.empty(50, device=device)
        return [minitorch.rand(50, device=device), minitorch.randn(50, device=device),
                minitorch.randint(0, 9, (50,), device=device).double(), minitorch.randperm(50, device=device).double(),
                x.clone().normal_(), x.clone().uniform_(-1, 1), F.dropout(minitorch.ones(50, device=device), 0.5)]
    first, second = draws(), draws()
    for a, b in zip(first, second):
        assert a.device == _dev(device)
        assert a.tolist() == b.tolist()
    assert first[0].tolist() != first[1].tolist()
    assert sorted(first[3].tolist()) == list(range(50))


def test_generator_on_another_device_type_is_refused():
    g = minitorch.Generator().manual_seed(0)
    with pytest.raises(RuntimeError, match="Expected a 'sim' device type for generator but found 'cpu'"):
        minitorch.rand(2, generator=g, device='sim')
    assert minitorch.rand(2, generator=minitorch.Generator('sim'), device='sim').device.type == 'sim'


def test_sim_draws_happen_on_the_device():
    import simdevice
    minitorch.manual_seed(0)
    assert type(minitorch.randn(3, device='sim').array) is simdevice.SimArray
    assert type(minitorch.default_generator.rng.random(2)) is np.ndarray  # the CPU's stays numpy's


# -- optimizers -----------------------------------------------------------------------------------

@pytest.mark.parametrize('make', [lambda p: minitorch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01),
                                  lambda p: minitorch.optim.Adam(p, lr=0.01, amsgrad=True)], ids=['sgd', 'adam'])
def test_optimizer_step_keeps_state_on_the_parameter_device(device, make):
    torch_make = {minitorch.optim.SGD: torch.optim.SGD, minitorch.optim.Adam: torch.optim.Adam}
    lin = nn.Linear(4, 2).double()
    lin_t = torch.nn.Linear(4, 2).double()
    _copy_weights(lin, lin_t, 'cpu')
    lin.to(device)
    opt = make(lin.parameters())
    opt_t = torch_make[type(opt)](lin_t.parameters(), **{k: v for k, v in opt.defaults.items()
                                                         if k in ('lr', 'momentum', 'weight_decay', 'amsgrad')})
    x, xt = on(device, A[:, :4].copy(), requires_grad=False)
    for _ in range(3):
        opt.zero_grad()
        opt_t.zero_grad()
        (lin(x) ** 2).mean().backward()
        (lin_t(xt) ** 2).mean().backward()
        opt.step()
        opt_t.step()
    for p, q in zip(lin.parameters(), lin_t.parameters()):
        check(p, q, device)
        for key, value in opt.state[p].items():
            if isinstance(value, minitorch.Tensor) and key != 'step':
                assert value.device == p.device, f"state {key} on {value.device}"


def test_optimizer_state_follows_the_parameter_after_load(device):
    lin = nn.Linear(2, 2)
    opt = minitorch.optim.Adam(lin.parameters())
    lin(minitorch.ones(1, 2)).sum().backward()
    opt.step()
    saved = opt.state_dict()
    lin.to(device)
    opt2 = minitorch.optim.Adam(lin.parameters())
    opt2.load_state_dict(saved)
    state = opt2.state[lin.weight]
    assert state['exp_avg'].device == _dev(device)
    assert state['step'].device.type == 'cpu'  # as torch: the step count stays a CPU scalar


# -- checkpoints ----------------------------------------------------------------------------------

def test_save_on_device_loads_on_cpu_and_in_torch(device):
    model = nn.Linear(3, 2).to(device)
    buf = io.BytesIO()
    minitorch.save({'model': model.state_dict(), 'x': minitorch.arange(4.0, device=device)}, buf)
    for location in ['cpu', minitorch.device('cpu'), lambda storage, loc: storage]:
        buf.seek(0)
        loaded = minitorch.load(buf, map_location=location)
        assert loaded['x'].device.type == 'cpu' and loaded['x'].tolist() == [0, 1, 2, 3]
    buf.seek(0)
    back = minitorch.load(buf, map_location=device)
    assert back['x'].device == _dev(device)
    assert back['model']['weight'].tolist() == model.weight.tolist()
    buf.seek(0)
    theirs = torch.load(buf, map_location='cpu', weights_only=True)
    np.testing.assert_array_equal(theirs['model']['weight'].numpy(), model.weight.detach().cpu().numpy())


# -- errors as torch raises them ------------------------------------------------------------------

@pytest.mark.parametrize('fn', [lambda a, b: a + b, lambda a, b: a @ b, lambda a, b: minitorch.cat([a, b]),
                                lambda a, b: minitorch.where(a > 0, a, b), lambda a, b: F.linear(a, b),
                                lambda a, b: a.add_(b)],
                         ids=['add', 'matmul', 'cat', 'where', 'linear', 'add_'])
def test_mixing_devices_raises_torch_error(fn):
    a, b = minitorch.ones(2, 2, device='sim'), minitorch.ones(2, 2)
    for x, y in ((a, b), (b, a)):
        with pytest.raises(RuntimeError, match=r"Expected all tensors to be on the same device, but found at "
                                               r"least two devices, sim:0 and cpu!"):
            fn(x, y)


def test_model_on_one_device_input_on_another():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(8, 2)).to('sim')
    with pytest.raises(RuntimeError, match='same device'):
        model(minitorch.ones(1, 1, 4, 4))


def test_numpy_of_a_device_tensor_says_call_cpu():
    x = minitorch.ones(2, device='sim')
    with pytest.raises(TypeError, match=r"can't convert sim:0 device type tensor to numpy. Use Tensor.cpu\(\)"):
        x.numpy()
    assert x.cpu().numpy().tolist() == [1.0, 1.0]
    assert x.numpy(force=True).tolist() == [1.0, 1.0]


def test_moves_and_attributes():
    x = minitorch.arange(3.0, requires_grad=True)
    y = x.to('sim')
    assert y.device == minitorch.device('sim', 0) == 'sim:0' and not y.is_cuda
    assert y.to('sim') is y and y.to(minitorch.device('sim:0')) is y
    assert repr(y.detach()) == "tensor([0., 1., 2.], device='sim:0')"
    (y * 2).sum().backward()  # the gradient flows back across the move
    assert x.grad.device.type == 'cpu' and x.grad.tolist() == [2.0, 2.0, 2.0]
    assert y.to('cpu', minitorch.float64).dtype == minitorch.float64


@pytest.mark.skipif(HAS_GPU, reason='needs a machine without a usable GPU')
def test_cuda_without_gpu_says_what_to_install():
    assert minitorch.cuda.is_available() is False and minitorch.cuda.device_count() == 0
    assert minitorch.cuda.memory_allocated() == 0 and minitorch.cuda.max_memory_allocated() == 0
    minitorch.cuda.manual_seed(0)  # no-op without a GPU, as torch's
    minitorch.cuda.manual_seed_all(0)
    minitorch.cuda.empty_cache()
    minitorch.manual_seed(0)
    x = minitorch.ones(2)
    error = (AssertionError, RuntimeError)  # torch: AssertionError without CUDA support, else RuntimeError
    for attempt in [lambda: x.cuda(), lambda: x.to('cuda'), lambda: minitorch.zeros(2, device='cuda'),
                    lambda: nn.Linear(2, 2).cuda(), lambda: minitorch.cuda.synchronize(),
                    lambda: minitorch.cuda.current_device()]:
        with pytest.raises(error, match=r"cupy.*pip install.*minitorch.cuda.is_available\(\)"):
            attempt()


@pytest.mark.skipif(HAS_GPU, reason='needs a machine without a usable GPU')
def test_parity_device_cuda_without_gpu_exits_2():
    done = subprocess.run([sys.executable, '-m', 'parity', '--device', 'cuda', '--lesson', '2'],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert 'no usable GPU' in done.stderr and 'pip install' in done.stderr


def test_device_objects():
    d = minitorch.device('cuda:1')
    assert (d.type, d.index, str(d)) == ('cuda', 1, 'cuda:1')
    assert repr(minitorch.device('cpu')) == "device(type='cpu')"
    assert minitorch.device('cuda', 0) == 'cuda:0' and minitorch.device('cpu') != 'cuda'
    assert repr(minitorch.device('cuda', 0)) == repr(torch.device('cuda', 0)).replace('torch.', '')
    with pytest.raises(RuntimeError, match='Expected one of cpu, cuda'):
        minitorch.device('gpu')
    with pytest.raises(RuntimeError, match='Invalid device string'):
        minitorch.device('cuda:x')


# -- data -----------------------------------------------------------------------------------------

def test_dataloader_pin_memory_accepted_and_batches_move(device):
    ds = minitorch.utils.data.TensorDataset(minitorch.arange(10.0).reshape(5, 2), minitorch.arange(5))
    loader = minitorch.utils.data.DataLoader(ds, batch_size=2, pin_memory=True)
    batches = [(x.to(device), y.to(device)) for x, y in loader]
    assert len(batches) == 3 and batches[0][0].device == _dev(device)
    assert batches[-1][1].tolist() == [4]


# -- the lessons, end to end, on the simulated device ---------------------------------------------

@pytest.mark.parametrize('name', ['1', '2', '5'])
def test_parity_lesson_on_device(name):
    from parity.harness import compare as compare_lesson
    from parity.lessons import LESSONS
    r = compare_lesson(name, LESSONS[name], 'float64', steps=5, device='sim')
    assert r.ok, r.first_mismatch
