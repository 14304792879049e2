"""minitorch.optim.lr_scheduler against torch's: the lr sequences, state dicts, resuming, errors."""
import copy
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
import minitorch.nn
import minitorch.optim


def make_optimizer(T, lrs=(0.1,), **kw):
    """An SGD over one parameter per lr, each in its own group."""
    groups = [{'params': [T.nn.Parameter(T.tensor(np.ones(2)))], 'lr': lr} for lr in lrs]
    return T.optim.SGD(groups, lr=lrs[0], **kw)


def lr_sequence(T, make_sched, steps=30, lrs=(0.1, 0.02), metrics=None):
    """The lrs of every group after construction and after each of ``steps`` epochs."""
    opt = make_optimizer(T, lrs)
    sched = make_sched(T.optim.lr_scheduler, opt)
    seq = [[g['lr'] for g in opt.param_groups]]
    for i in range(steps):
        opt.step()
        sched.step() if metrics is None else sched.step(metrics[i])
        seq.append([g['lr'] for g in opt.param_groups])
        assert sched.get_last_lr() == seq[-1]
    return seq, sched, opt


class Halve:
    """A callable object as lr_lambda: its attributes are saved in the scheduler's state dict."""

    def __init__(self):
        self.base = 0.5

    def __call__(self, epoch):
        return self.base ** (epoch // 4)


SCHEDULERS = {
    'StepLR': lambda s, o: s.StepLR(o, step_size=3, gamma=0.5),
    'StepLR-default-gamma': lambda s, o: s.StepLR(o, 7),
    'MultiStepLR': lambda s, o: s.MultiStepLR(o, milestones=[5, 10, 10, 20], gamma=0.3),
    'ExponentialLR': lambda s, o: s.ExponentialLR(o, gamma=0.9),
    'CosineAnnealingLR': lambda s, o: s.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
    'CosineAnnealingLR-odd': lambda s, o: s.CosineAnnealingLR(o, T_max=7),
    'LambdaLR': lambda s, o: s.LambdaLR(o, lambda e: 1 / (1 + e)),
    'LambdaLR-list': lambda s, o: s.LambdaLR(o, [lambda e: 0.95 ** e, Halve()]),
}


@pytest.mark.parametrize('name', list(SCHEDULERS))
def test_lr_sequence_matches_torch(name):
    # 45 epochs: two full periods (2 * T_max each) of the cosine schedules and then some
    mine, sched, opt = lr_sequence(minitorch, SCHEDULERS[name], steps=45)
    ref, ref_sched, ref_opt = lr_sequence(torch, SCHEDULERS[name], steps=45)
    assert mine == ref  # the same formulas in the same order: bit for bit
    assert sched.last_epoch == ref_sched.last_epoch == 45
    assert [g['initial_lr'] for g in opt.param_groups] == [g['initial_lr'] for g in ref_opt.param_groups]


def test_cosine_follows_the_closed_form():
    seq, _, _ = lr_sequence(minitorch, lambda s, o: s.CosineAnnealingLR(o, T_max=10, eta_min=0.001), steps=40,
                            lrs=(0.1,))
    t = np.arange(41)
    np.testing.assert_allclose(np.array(seq)[:, 0], 0.001 + (0.1 - 0.001) * (1 + np.cos(np.pi * t / 10)) / 2,
                               rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(step_size=st.integers(1, 6), gamma=st.floats(0.1, 0.99), T_max=st.integers(1, 12),
       eta_min=st.floats(0, 0.01))
def test_random_schedules(step_size, gamma, T_max, eta_min):
    for make in (lambda s, o: s.StepLR(o, step_size, gamma), lambda s, o: s.ExponentialLR(o, gamma),
                 lambda s, o: s.CosineAnnealingLR(o, T_max, eta_min)):
        np.testing.assert_allclose(lr_sequence(minitorch, make, 25)[0], lr_sequence(torch, make, 25)[0],
                                   rtol=1e-13, atol=1e-15)


PLATEAU = {
    'min-rel': dict(patience=2),
    'min-abs-cooldown': dict(patience=1, threshold=0.05, threshold_mode='abs', cooldown=2, factor=0.5),
    'max-rel': dict(mode='max', patience=0, factor=0.5),
    'max-abs-min_lr': dict(mode='max', patience=1, threshold_mode='abs', min_lr=[0.01, 0.004], factor=0.3),
    'eps': dict(patience=0, factor=0.5, eps=0.02),
}


@pytest.mark.parametrize('name', list(PLATEAU))
def test_reduce_lr_on_plateau_matches_torch(name):
    rng = np.random.default_rng(1)
    metrics = np.concatenate([np.linspace(1, 0.5, 8), 0.5 + 0.05 * rng.normal(size=22)])
    if PLATEAU[name].get('mode') == 'max':
        metrics = -metrics
    make = lambda s, o: s.ReduceLROnPlateau(o, **PLATEAU[name])  # noqa: E731
    mine, sched, _ = lr_sequence(minitorch, make, metrics=[minitorch.tensor(m) for m in metrics])
    ref, ref_sched, _ = lr_sequence(torch, make, metrics=list(metrics))
    assert mine == ref
    assert len({tuple(lrs) for lrs in ref}) > 1  # the lr did drop
    for key in ('best', 'num_bad_epochs', 'cooldown_counter', 'last_epoch'):
        assert getattr(sched, key) == getattr(ref_sched, key)


def test_closed_form_when_stepping_to_an_epoch():
    for name in ('StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR'):
        got = []
        for T in (minitorch, torch):
            opt = make_optimizer(T)
            sched = SCHEDULERS[name](T.optim.lr_scheduler, opt)
            opt.step()
            with pytest.warns(UserWarning, match='epoch parameter'):
                sched.step(12)
            got.append(sched.get_last_lr())
        assert got[0] == pytest.approx(got[1], rel=1e-14)


# -- state dicts and resuming ----------------------------------------------------------------------
@pytest.mark.parametrize('name', list(SCHEDULERS))
def test_state_dict_round_trip(name):
    full, _, _ = lr_sequence(minitorch, SCHEDULERS[name], steps=30)
    _, sched, opt = lr_sequence(minitorch, SCHEDULERS[name], steps=12)
    saved_sched, saved_opt = copy.deepcopy(sched.state_dict()), copy.deepcopy(opt.state_dict())
    opt2 = make_optimizer(minitorch, (0.1, 0.02))
    sched2 = SCHEDULERS[name](minitorch.optim.lr_scheduler, opt2)
    sched2.load_state_dict(saved_sched)
    opt2.load_state_dict(saved_opt)
    seq = []
    for _ in range(18):
        opt2.step()
        sched2.step()
        seq.append(sched2.get_last_lr())
    assert seq == full[13:]


@pytest.mark.parametrize('name', ['StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR', 'LambdaLR-list'])
def test_state_dict_matches_and_loads_torchs(name):
    _, sched, _ = lr_sequence(minitorch, SCHEDULERS[name], steps=12)
    _, ref_sched, ref_opt = lr_sequence(torch, SCHEDULERS[name], steps=12)
    mine, ref = sched.state_dict(), ref_sched.state_dict()
    assert mine.keys() == ref.keys()
    for key, value in ref.items():
        assert mine[key] == pytest.approx(value, rel=1e-14) if key in ('_last_lr', 'base_lrs') else \
            mine[key] == value, key
    # torch's scheduler state is plain Python: it loads into minitorch as is
    opt = make_optimizer(minitorch, (0.1, 0.02))
    sched = SCHEDULERS[name](minitorch.optim.lr_scheduler, opt)
    sched.load_state_dict(ref_sched.state_dict())
    opt.load_state_dict({'state': {}, 'param_groups': ref_opt.state_dict()['param_groups']})
    for _ in range(10):
        opt.step(), sched.step(), ref_opt.step(), ref_sched.step()
        assert sched.get_last_lr() == pytest.approx(ref_sched.get_last_lr(), rel=1e-14)


def test_plateau_state_dict_round_trip():
    make = lambda s, o: s.ReduceLROnPlateau(o, patience=1, cooldown=1)  # noqa: E731
    metrics = [1.0, 0.9, 0.95, 0.97, 0.99, 0.8, 0.85, 0.9, 0.92, 0.93]
    _, sched, opt = lr_sequence(minitorch, make, steps=5, metrics=metrics)
    _, ref_sched, ref_opt = lr_sequence(torch, make, steps=5, metrics=metrics)
    assert sched.state_dict() == ref_sched.state_dict()
    fresh = make(minitorch.optim.lr_scheduler, opt)
    fresh.load_state_dict(ref_sched.state_dict())
    for m in metrics[5:]:
        fresh.step(m), ref_sched.step(m)
        assert fresh.get_last_lr() == ref_sched.get_last_lr()


def test_lambda_state_dict_keeps_callable_objects_only():
    opt = make_optimizer(minitorch, (0.1, 0.02))
    fn = Halve()
    sched = minitorch.optim.lr_scheduler.LambdaLR(opt, [lambda e: 1.0, fn])
    state = sched.state_dict()
    assert state['lr_lambdas'] == [None, {'base': 0.5}]
    fn.base = 0.9
    sched.load_state_dict(state)
    assert fn.base == 0.5 and state['lr_lambdas'] == [None, {'base': 0.5}]


def test_resuming_with_last_epoch():
    for T in (minitorch, torch):
        opt = make_optimizer(T)
        with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
            T.optim.lr_scheduler.StepLR(opt, 3, last_epoch=5)
    seqs = []
    for T in (minitorch, torch):
        opt = make_optimizer(T)
        opt.param_groups[0]['initial_lr'] = 1.0
        sched = T.optim.lr_scheduler.ExponentialLR(opt, 0.5, last_epoch=5)
        seqs.append([sched.get_last_lr()] + [(opt.step(), sched.step(), sched.get_last_lr())[2] for _ in range(3)])
    assert seqs[0] == seqs[1]


# -- warnings and errors ---------------------------------------------------------------------------
def test_warns_when_scheduler_steps_before_optimizer():
    for T in (minitorch, torch):
        sched = T.optim.lr_scheduler.StepLR(make_optimizer(T), 3)
        with pytest.warns(UserWarning, match='before `optimizer.step\\(\\)`'):
            sched.step()
        opt = make_optimizer(T)
        sched = T.optim.lr_scheduler.StepLR(opt, 3)
        opt.step()
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            sched.step()
            with pytest.warns(UserWarning, match='get_last_lr'):
                sched.get_lr()


def test_optimizer_with_a_scheduler_still_pickles():
    import pickle
    opt = make_optimizer(minitorch)
    minitorch.optim.lr_scheduler.StepLR(opt, 3)
    clone = pickle.loads(pickle.dumps(opt))
    assert clone.param_groups[0]['initial_lr'] == 0.1


@pytest.mark.parametrize('T', [minitorch, torch], ids=['minitorch', 'torch'])
def test_errors(T):
    opt = make_optimizer(T, (0.1, 0.02))
    s = T.optim.lr_scheduler
    with pytest.raises(TypeError, match='is not an Optimizer'):
        s.StepLR(object(), 3)
    with pytest.raises(ValueError, match='Expected 2 lr_lambdas, but got 1'):
        s.LambdaLR(opt, [lambda e: 1.0])
    with pytest.raises(ValueError, match='Factor should be < 1.0'):
        s.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match='expected 2 min_lrs, got 3'):
        s.ReduceLROnPlateau(opt, min_lr=[0, 0, 0])
    with pytest.raises(ValueError, match='mode avg is unknown'):
        s.ReduceLROnPlateau(opt, mode='avg')
    with pytest.raises(ValueError, match='threshold mode pct is unknown'):
        s.ReduceLROnPlateau(opt, threshold_mode='pct')
