"""The torch-parity harness: run one lambda in torch and in minitorch on the same inputs.

``compare(fn, shapes)`` calls ``fn(T, *inputs)`` with ``T`` the torch module and then the
minitorch module, on the same seeded numpy inputs, in float64 (tight) and float32, and
checks values, shapes, dtypes, first gradients and (with ``grad2``) second gradients
taken with ``create_graph=True``.

The minitorch inputs live on ``MINITORCH_TEST_DEVICE`` (default 'cpu'): set it to 'cuda' to
run every op parity test on the GPU, or to 'sim' for the test-only simulated device.
"""
import os

import numpy as np
import pytest
import torch

import minitorch

DEVICE = os.environ.get('MINITORCH_TEST_DEVICE', 'cpu')

TOL = {  # (rtol, atol) for values and gradients
    'float64': (1e-9, 1e-11),
    'float32': (1e-4, 1e-5),
}


def to_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy(force=True)
    if isinstance(x, minitorch.Tensor):
        return np.asarray(x.detach().cpu().numpy())
    return np.asarray(x)


def make_inputs(shapes, low=-2.0, high=2.0, seed=0, positive=False, ints=None):
    """Seeded numpy inputs: floats in [low, high) (away from 0 with ``positive``)."""
    rng = np.random.default_rng(seed)
    out = []
    for s in shapes:
        if isinstance(s, np.ndarray):
            out.append(s)
            continue
        a = rng.uniform(low, high, size=s)
        if positive:
            a = np.abs(a) + 0.1
        out.append(a)
    return out


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def assert_close(mine, ref, rtol, atol, what):
    m, r = to_numpy(mine), to_numpy(ref)
    assert m.shape == r.shape, f"{what}: shape {m.shape} != torch's {r.shape}"
    if r.dtype == np.bool_ or r.dtype.kind in 'iu':
        np.testing.assert_array_equal(m, r, err_msg=what)
        return
    np.testing.assert_allclose(m, r, rtol=rtol, atol=atol, err_msg=what, equal_nan=True)


def _check_dtype(mine, ref, what):
    if isinstance(ref, torch.Tensor):
        assert isinstance(mine, minitorch.Tensor), f"{what}: expected a Tensor, got {type(mine).__name__}"
        assert str(mine.dtype).split('.')[-1] == str(ref.dtype).split('.')[-1], \
            f"{what}: dtype {mine.dtype} != torch's {ref.dtype}"


def _check_first_grads(m_g, t_g, diff, dt, rtol, atol, how=''):
    for i, (mg, tg) in enumerate(zip(m_g, t_g)):
        if tg is None:
            assert mg is None or not np.any(to_numpy(mg)), f"{dt}: torch has no grad for input {diff[i]}{how}"
            continue
        assert mg is not None, f"{dt}: no gradient for input {diff[i]}{how}"
        _check_dtype(mg, tg, f"{dt} grad {diff[i]}{how}")
        assert_close(mg, tg, rtol, atol, f"{dt} gradient of input {diff[i]}{how}")


def compare(fn, shapes=((3, 4),), dtypes=('float64', 'float32'), grad=True, grad2=True, low=-2.0, high=2.0,
            positive=False, inputs=None, seed=0, tol=None, grad_inputs=None):
    """Check ``fn(T, *xs)`` in minitorch against torch.

    ``inputs``: explicit numpy arrays (integer arrays are passed as non-differentiable tensors).
    ``grad_inputs``: indexes of the inputs to differentiate (default: every float input).
    """
    arrays = inputs if inputs is not None else make_inputs(shapes, low, high, seed, positive)
    for dt in dtypes:
        rtol, atol = tol[dt] if tol else TOL[dt]
        floats = [a.dtype.kind == 'f' for a in arrays]
        diff = [i for i, f in enumerate(floats) if f] if grad_inputs is None else list(grad_inputs)
        tt = [torch.tensor(a.astype(dt) if floats[i] else a, requires_grad=(grad and i in diff))
              for i, a in enumerate(arrays)]
        mm = [minitorch.tensor(a.astype(dt) if floats[i] else a, requires_grad=(grad and i in diff), device=DEVICE)
              for i, a in enumerate(arrays)]
        ref = _as_tuple(fn(torch, *tt))
        mine = _as_tuple(fn(minitorch, *mm))
        assert len(mine) == len(ref), f"{dt}: {len(mine)} outputs, torch gives {len(ref)}"
        for k, (m, r) in enumerate(zip(mine, ref)):
            _check_dtype(m, r, f"{dt} output {k}")
            assert_close(m, r, rtol, atol, f"{dt} forward output {k}")
        if not grad or not diff:
            continue
        outs = [(m, r) for m, r in zip(mine, ref)
                if isinstance(r, torch.Tensor) and r.requires_grad and r.dtype.is_floating_point]
        if not outs:
            continue
        rng = np.random.default_rng(seed + 1)
        vs = [rng.uniform(-1, 1, size=tuple(r.shape)).astype(dt) for _, r in outs]
        t_in = [tt[i] for i in diff]
        m_in = [mm[i] for i in diff]
        t_g = torch.autograd.grad([r for _, r in outs], t_in, [torch.tensor(v) for v in vs],
                                  create_graph=grad2, allow_unused=True)
        m_outs, m_vs = [m for m, _ in outs], [minitorch.tensor(v, device=DEVICE) for v in vs]
        # without create_graph minitorch's engine runs the array-level backward_arrays; with it,
        # the Tensor-level backward: check the first gradients both ways
        m_g = minitorch.autograd.grad(m_outs, m_in, m_vs, retain_graph=True, allow_unused=True)
        _check_first_grads(m_g, t_g, diff, dt, rtol, atol)
        if not grad2:
            continue
        m_g = minitorch.autograd.grad(m_outs, m_in, m_vs, create_graph=True, allow_unused=True)
        _check_first_grads(m_g, t_g, diff, dt, rtol, atol, ' (create_graph)')
        # second order: d/dx of sum(w * dL/dx), for random w
        ws = [rng.uniform(-1, 1, size=tuple(x.shape)).astype(dt) for x in t_in]
        t_pairs = [(g, w) for g, w in zip(t_g, ws) if g is not None and g.requires_grad]
        if not t_pairs:
            continue
        t_s = sum((g * torch.tensor(w)).sum() for g, w in t_pairs)
        m_s = sum((g * minitorch.tensor(w, device=DEVICE)).sum() for g, w in zip(m_g, ws) if g is not None and g.requires_grad)
        t_gg = torch.autograd.grad(t_s, t_in, allow_unused=True)
        if not isinstance(m_s, minitorch.Tensor) or not m_s.requires_grad:
            assert all(g is None or not torch.any(g) for g in t_gg), f"{dt}: torch has second derivatives, minitorch none"
            continue
        m_gg = minitorch.autograd.grad(m_s, m_in, allow_unused=True)
        for i, (mg, tg) in enumerate(zip(m_gg, t_gg)):
            if tg is None:
                assert mg is None or not np.any(to_numpy(mg)), f"{dt}: torch has no 2nd grad for input {diff[i]}"
                continue
            if mg is None:
                assert not torch.any(tg), f"{dt}: no second gradient for input {diff[i]}"
                continue
            assert_close(mg, tg, rtol * 10, atol * 10, f"{dt} second gradient of input {diff[i]}")


def on_both_paths(module, setting, off, names):
    """A module-scoped autouse fixture (assign it to a name in a test module): every test there
    runs twice, with ``module.setting`` as it is (the path ``names[0]``) and set to ``off`` (the
    path ``names[1]``), so a size threshold that picks a fast path cannot hide the other one."""
    @pytest.fixture(params=names, scope='module', autouse=True)
    def path(request):
        saved = getattr(module, setting)
        if request.param == names[1]:
            setattr(module, setting, off)
        yield request.param
        setattr(module, setting, saved)
    return path
