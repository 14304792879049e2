"""minitorch.optim against torch.optim: trajectories, param groups, zero_grad, state dicts, errors.

Each engine minimises the same small linear-regression loss from the same starting
parameters; after every step the parameters must agree with torch's to 1e-10 (float64).
"""
import copy
import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
import minitorch.nn
import minitorch.optim

RNG = np.random.default_rng(0)
X, Y = RNG.normal(size=(8, 3)), RNG.normal(size=(8, 2))
W0, B0 = RNG.normal(size=(3, 2)), RNG.normal(size=(2,))


def make_params(T, dtype='float64', values=(W0, B0)):
    return [T.nn.Parameter(T.tensor(v.copy(), dtype=getattr(T, dtype))) for v in values]


def loss_fn(T, params, dtype='float64'):
    W, b = params
    x, y = T.tensor(X, dtype=getattr(T, dtype)), T.tensor(Y, dtype=getattr(T, dtype))
    return ((x @ W + b - y) ** 2).mean()


def flat(params):
    return np.concatenate([p.detach().numpy().ravel() for p in params])


def run(T, make_opt, steps=100, dtype='float64', params=None, opt=None):
    """Take ``steps`` optimizer steps; return the parameters after each step, one row per step."""
    params = make_params(T, dtype) if params is None else params
    opt = make_opt(T.optim, params) if opt is None else opt
    rows = []
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(T, params, dtype).backward()
        opt.step()
        rows.append(flat(params))
    return np.array(rows)


def assert_same_trajectory(mine, ref, rtol=1e-10):
    err = np.linalg.norm(mine - ref, axis=1) / np.linalg.norm(ref, axis=1)
    assert err.max() < rtol, f"relative error {err.max():.3g} at step {int(err.argmax()) + 1}"


def check(make_opt, steps=100):
    assert_same_trajectory(run(minitorch, make_opt, steps), run(torch, make_opt, steps))


def grid(**options):
    """Every combination of the given option values, as kwargs dicts."""
    keys = list(options)
    return [dict(zip(keys, values)) for values in itertools.product(*options.values())]


def idfn(kw):
    return ','.join(f'{k}={v}' for k, v in kw.items())


SGD_GRID = [kw for kw in grid(momentum=[0, 0.9], nesterov=[False, True], weight_decay=[0, 0.1],
                              maximize=[False, True], dampening=[0, 0.5])
            if not (kw['nesterov'] and (kw['momentum'] == 0 or kw['dampening'] != 0))]


# -- trajectories ----------------------------------------------------------------------------------
@pytest.mark.parametrize('kw', SGD_GRID, ids=idfn)
def test_sgd(kw):
    check(lambda optim, ps: optim.SGD(ps, lr=0.05, **kw))


@pytest.mark.parametrize('kw', grid(amsgrad=[False, True], weight_decay=[0, 0.1], maximize=[False, True],
                                    decoupled_weight_decay=[False, True]), ids=idfn)
def test_adam(kw):
    check(lambda optim, ps: optim.Adam(ps, lr=0.05, betas=(0.8, 0.99), **kw))


@pytest.mark.parametrize('kw', grid(amsgrad=[False, True], weight_decay=[0.01, 0.3], maximize=[False, True]),
                         ids=idfn)
def test_adamw(kw):
    check(lambda optim, ps: optim.AdamW(ps, lr=0.05, **kw))


def test_adam_defaults_and_large_beta1_weight():
    check(lambda optim, ps: optim.Adam(ps))
    check(lambda optim, ps: optim.AdamW(ps))
    check(lambda optim, ps: optim.Adam(ps, lr=0.01, betas=(0.3, 0.9)))  # lerp weight 0.7 >= 0.5


@pytest.mark.parametrize('kw', grid(centered=[False, True], momentum=[0, 0.9], weight_decay=[0, 0.1],
                                    maximize=[False, True]), ids=idfn)
def test_rmsprop(kw):
    check(lambda optim, ps: optim.RMSprop(ps, lr=0.003, alpha=0.9, **kw))


@pytest.mark.parametrize('kw', grid(lr_decay=[0, 0.01], weight_decay=[0, 0.1], initial_accumulator_value=[0, 0.1],
                                    maximize=[False, True]), ids=idfn)
def test_adagrad(kw):
    check(lambda optim, ps: optim.Adagrad(ps, lr=0.1, **kw))


@pytest.mark.parametrize('kw', grid(rho=[0.9, 0.5], weight_decay=[0, 0.1], maximize=[False, True]), ids=idfn)
def test_adadelta(kw):
    check(lambda optim, ps: optim.Adadelta(ps, **kw))


ALL = [
    lambda optim, ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
    lambda optim, ps: optim.Adam(ps, lr=0.05, amsgrad=True),
    lambda optim, ps: optim.AdamW(ps, lr=0.05),
    lambda optim, ps: optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
    lambda optim, ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.01),
    lambda optim, ps: optim.Adadelta(ps, weight_decay=0.1),
]
NAMES = ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta']


@pytest.mark.parametrize('make_opt', ALL, ids=NAMES)
def test_float32(make_opt):
    mine, ref = run(minitorch, make_opt, 30, 'float32'), run(torch, make_opt, 30, 'float32')
    assert mine.dtype == np.float32
    assert_same_trajectory(mine, ref, rtol=1e-5)


# ranges where the dynamics are not chaotic (sign-like steps with a large lr amplify 1-ulp differences)
@settings(max_examples=25, deadline=None, derandomize=True)
@given(lr=st.floats(1e-3, 0.05), momentum=st.floats(0, 0.95), weight_decay=st.floats(0, 0.5),
       betas=st.tuples(st.floats(0, 0.95), st.floats(0.9, 0.999)), eps=st.floats(1e-10, 1e-2))
def test_random_hyperparameters(lr, momentum, weight_decay, betas, eps):
    check(lambda optim, ps: optim.SGD(ps, lr=lr, momentum=momentum, weight_decay=weight_decay), steps=20)
    check(lambda optim, ps: optim.Adam(ps, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay), steps=20)
    check(lambda optim, ps: optim.RMSprop(ps, lr=lr / 10, momentum=momentum, eps=eps), steps=20)


def test_param_groups_with_their_own_options():
    def make_opt(optim, ps):
        return optim.SGD([{'params': [ps[0]]}, {'params': ps[1], 'lr': 0.2, 'momentum': 0.5}], lr=0.05, momentum=0.9)
    check(make_opt)

    def make_adam(optim, ps):
        return optim.Adam([{'params': [ps[0]], 'amsgrad': True}, {'params': [ps[1]], 'lr': 0.2}], lr=0.01)
    check(make_adam)
    opt = make_adam(minitorch.optim, make_params(minitorch))
    ref = make_adam(torch.optim, make_params(torch))
    assert [{k: v for k, v in g.items() if k != 'params'} for g in opt.param_groups] == \
        [{k: v for k, v in g.items() if k != 'params'} for g in ref.param_groups]


def test_add_param_group_later():
    def go(T):
        W, b = make_params(T)
        opt = T.optim.SGD([W], lr=0.1, momentum=0.9)
        rows = []
        for i in range(20):
            if i == 5:
                opt.add_param_group({'params': b, 'lr': 0.01})
            opt.zero_grad()
            loss_fn(T, [W, b]).backward()
            opt.step()
            rows.append(flat([W, b]))
        assert opt.param_groups[1]['momentum'] == 0.9  # filled from the defaults
        return np.array(rows)
    assert_same_trajectory(go(minitorch), go(torch))


def test_params_as_generator_and_named_parameters():
    ps = make_params(minitorch)
    opt = minitorch.optim.SGD((p for p in ps), lr=0.1)
    assert len(opt.param_groups[0]['params']) == 2
    assert all(a is b for a, b in zip(opt.param_groups[0]['params'], ps))
    named = minitorch.optim.Adam([('weight', ps[0]), ('bias', ps[1])])
    ref = torch.optim.Adam([('weight', make_params(torch)[0]), ('bias', make_params(torch)[1])])
    assert named.param_groups[0]['param_names'] == ref.param_groups[0]['param_names'] == ['weight', 'bias']
    assert named.state_dict()['param_groups'][0]['param_names'] == ['weight', 'bias']


# -- zero_grad and skipped parameters --------------------------------------------------------------
def test_zero_grad():
    for T in (minitorch, torch):
        ps = make_params(T)
        opt = T.optim.SGD(ps, lr=0.1)
        loss_fn(T, ps).backward()
        g = ps[0].grad
        opt.zero_grad(set_to_none=False)
        assert ps[0].grad is g and not g.requires_grad and float(abs(g).sum()) == 0
        opt.zero_grad()
        assert ps[0].grad is None and ps[1].grad is None


@pytest.mark.filterwarnings('ignore:Using backward\\(\\) with create_graph=True')
def test_zero_grad_detaches_a_grad_built_with_create_graph():
    for T in (minitorch, torch):
        ps = make_params(T)
        opt = T.optim.SGD(ps, lr=0.1)
        loss_fn(T, ps).backward(create_graph=True)
        assert ps[0].grad.requires_grad
        opt.zero_grad(set_to_none=False)
        assert ps[0].grad.grad_fn is None and not ps[0].grad.requires_grad


@pytest.mark.parametrize('make_opt', ALL, ids=NAMES)
def test_params_without_grad_are_skipped(make_opt):
    def go(T):
        W, b = make_params(T)
        opt = make_opt(T.optim, [W, b])
        for _ in range(3):
            opt.zero_grad()
            ((T.tensor(X) @ W) ** 2).mean().backward()  # b gets no grad
            opt.step()
        assert b.grad is None
        return flat([W, b]), sorted(len(s) for s in opt.state.values())
    (mine, mine_state), (ref, ref_state) = go(minitorch), go(torch)
    assert_same_trajectory(mine[None], ref[None])
    np.testing.assert_array_equal(mine[-2:], B0)
    assert mine_state == ref_state


def test_step_with_closure():
    for T in (minitorch, torch):
        ps = make_params(T)
        opt = T.optim.SGD(ps, lr=0.1)

        def closure():
            opt.zero_grad()
            loss = loss_fn(T, ps)
            loss.backward()
            return loss
        with T.no_grad():  # the closure still records its graph
            loss = opt.step(closure)
        assert float(loss.detach()) == pytest.approx(float(loss_fn(T, make_params(T)).detach()))
        assert opt.step() is None


def test_step_bumps_the_parameter_version():
    for T in (minitorch, torch):
        ps = make_params(T)
        opt = T.optim.SGD(ps, lr=0.1)
        loss_fn(T, ps).backward()
        y = (ps[0] * ps[0]).sum()  # saves ps[0] for backward
        opt.step()
        with pytest.raises(RuntimeError, match='modified by an inplace operation'):
            y.backward()


# -- state dicts -----------------------------------------------------------------------------------
def to_torch(sd):
    return {'state': {k: {n: torch.tensor(v.numpy()) if isinstance(v, minitorch.Tensor) else v
                          for n, v in s.items()} for k, s in sd['state'].items()},
            'param_groups': sd['param_groups']}


def to_minitorch(sd):
    return {'state': {k: {n: minitorch.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v
                          for n, v in s.items()} for k, s in sd['state'].items()},
            'param_groups': sd['param_groups']}


def stepped(T, make_opt, steps):
    ps = make_params(T)
    opt = make_opt(T.optim, ps)
    run(T, make_opt, steps, params=ps, opt=opt)
    return ps, opt


@pytest.mark.parametrize('make_opt', ALL, ids=NAMES)
def test_state_dict_has_torchs_layout(make_opt):
    (_, mine), (_, ref) = stepped(minitorch, make_opt, 3), stepped(torch, make_opt, 3)
    mine, ref = mine.state_dict(), ref.state_dict()
    assert mine['param_groups'] == ref['param_groups']
    assert list(mine['state']) == list(ref['state']) == [0, 1]
    for i in (0, 1):
        assert list(mine['state'][i]) == list(ref['state'][i])
        for name, value in ref['state'][i].items():
            m = mine['state'][i][name]
            assert isinstance(m, minitorch.Tensor) and str(m.dtype)[-7:] == str(value.dtype)[-7:], name
            np.testing.assert_allclose(m.numpy(), value.numpy(), rtol=1e-10)


@pytest.mark.parametrize('make_opt', ALL, ids=NAMES)
def test_state_dict_round_trip(make_opt):
    full = run(minitorch, make_opt, 40)
    ps, opt = stepped(minitorch, make_opt, 20)
    saved = copy.deepcopy(opt.state_dict())
    fresh = make_params(minitorch, values=[p.detach().numpy().copy() for p in ps])
    opt2 = make_opt(minitorch.optim, fresh)
    opt2.load_state_dict(saved)
    resumed = run(minitorch, None, 20, params=fresh, opt=opt2)
    np.testing.assert_array_equal(resumed, full[20:])


@pytest.mark.parametrize('make_opt', ALL, ids=NAMES)
def test_load_torch_state_dict_and_back(make_opt):
    ref_ps, ref_opt = stepped(torch, make_opt, 20)
    ps = make_params(minitorch, values=[p.detach().numpy().copy() for p in ref_ps])
    opt = make_opt(minitorch.optim, ps)
    opt.load_state_dict(to_minitorch(ref_opt.state_dict()))
    assert opt.param_groups[0]['params'][0] is ps[0]
    mine = run(minitorch, None, 20, params=ps, opt=opt)
    assert_same_trajectory(mine, run(torch, None, 20, params=ref_ps, opt=ref_opt))

    # and a minitorch state dict loads into torch
    back_ps = make_params(torch, values=[p.detach().numpy().copy() for p in ps])
    back = make_opt(torch.optim, back_ps)
    back.load_state_dict(to_torch(opt.state_dict()))
    assert_same_trajectory(run(torch, None, 10, params=back_ps, opt=back),
                           run(minitorch, None, 10, params=ps, opt=opt))


def test_load_state_dict_casts_to_the_parameter_dtype_and_fills_old_options():
    ps = make_params(minitorch)
    opt = minitorch.optim.Adam(ps)
    sd = {'state': {0: {'step': 3, 'exp_avg': minitorch.zeros(3, 2, dtype=minitorch.float32),
                        'exp_avg_sq': minitorch.zeros(3, 2, dtype=minitorch.float32)}},
          'param_groups': [{'lr': 0.5, 'betas': (0.9, 0.999), 'eps': 1e-8, 'weight_decay': 0, 'params': [0, 1]}]}
    opt.load_state_dict(sd)
    state = opt.state[ps[0]]
    assert state['exp_avg'].dtype == minitorch.float64
    assert isinstance(state['step'], minitorch.Tensor) and state['step'].dtype == minitorch.float32
    assert opt.param_groups[0]['lr'] == 0.5 and opt.param_groups[0]['amsgrad'] is False
    assert sd['param_groups'][0]['params'] == [0, 1]  # the given dict is left alone
    adamw = minitorch.optim.AdamW(ps)
    adamw.load_state_dict(sd)
    assert adamw.param_groups[0]['decoupled_weight_decay'] is True


def test_adagrad_state_exists_before_the_first_step():
    mine = minitorch.optim.Adagrad(make_params(minitorch), initial_accumulator_value=0.5).state_dict()
    ref = torch.optim.Adagrad(make_params(torch), initial_accumulator_value=0.5).state_dict()
    assert mine['param_groups'] == ref['param_groups']
    np.testing.assert_array_equal(mine['state'][1]['sum'].numpy(), ref['state'][1]['sum'].numpy())


@pytest.mark.parametrize('make_opt', ALL, ids=NAMES)
def test_defaults_and_repr_match_torch(make_opt):
    mine, ref = make_opt(minitorch.optim, make_params(minitorch)), make_opt(torch.optim, make_params(torch))
    assert mine.defaults == ref.defaults
    assert repr(mine) == repr(ref)


# -- errors ----------------------------------------------------------------------------------------
@pytest.mark.parametrize('T', [minitorch, torch], ids=['minitorch', 'torch'])
def test_errors(T):
    W, b = make_params(T)
    with pytest.raises(ValueError, match='optimizer got an empty parameter list'):
        T.optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match='iterable of Tensors or dicts'):
        T.optim.SGD(W, lr=0.1)
    with pytest.raises(TypeError, match='ordered collections'):
        T.optim.SGD([{'params': {W}}], lr=0.1)
    with pytest.raises(TypeError, match='can only optimize Tensors'):
        T.optim.SGD([W, 1.0], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        T.optim.SGD([W * 2], lr=0.1)
    with pytest.raises(ValueError, match='more than one parameter group'):
        T.optim.SGD([{'params': [W]}, {'params': [W, b]}], lr=0.1)
    opt = T.optim.SGD([W], lr=0.1)
    with pytest.raises(ValueError, match='more than one parameter group'):
        opt.add_param_group({'params': W})
    with pytest.raises(TypeError, match='param_group must be a dict'):
        opt.add_param_group([b])
    with pytest.raises(ValueError, match='with/without names'):
        T.optim.SGD([('w', W), b], lr=0.1)
    with pytest.raises(ValueError, match='Invalid learning rate: -0.1'):
        T.optim.SGD([W], lr=-0.1)
    with pytest.raises(ValueError, match='Invalid momentum value'):
        T.optim.SGD([W], lr=0.1, momentum=-1)
    with pytest.raises(ValueError, match='Invalid weight_decay value'):
        T.optim.SGD([W], lr=0.1, weight_decay=-1)
    with pytest.raises(ValueError, match='Nesterov momentum requires a momentum and zero dampening'):
        T.optim.SGD([W], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match='Nesterov momentum requires a momentum and zero dampening'):
        T.optim.SGD([W], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)
    with pytest.raises(ValueError, match='Invalid beta parameter at index 1: 1.0'):
        T.optim.Adam([W], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match='Invalid epsilon value'):
        T.optim.AdamW([W], eps=-1.0)
    with pytest.raises(ValueError, match='Invalid alpha value'):
        T.optim.RMSprop([W], alpha=-0.5)
    with pytest.raises(ValueError, match='Invalid lr_decay value'):
        T.optim.Adagrad([W], lr_decay=-0.5)
    with pytest.raises(ValueError, match='Invalid rho value'):
        T.optim.Adadelta([W], rho=1.5)
    sd = T.optim.SGD([W, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match='different number of parameter groups'):
        T.optim.SGD([{'params': [W]}, {'params': [b]}], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size"):
        T.optim.SGD([W], lr=0.1).load_state_dict(sd)


def test_differentiable_is_refused():
    with pytest.raises(NotImplementedError, match='differentiable'):
        minitorch.optim.Adam(make_params(minitorch), differentiable=True)
