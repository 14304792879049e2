"""Losses (functional and modules) against torch: values, gradients, second gradients, errors."""
import numpy as np
import pytest
import torch

import minitorch
from harness import compare, make_inputs

REDUCTIONS = ['mean', 'sum', 'none']
rng = np.random.default_rng(7)


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('name', ['mse_loss', 'l1_loss', 'smooth_l1_loss'])
def test_regression_losses(name, reduction):
    compare(lambda T, x, y: getattr(T.nn.functional, name)(x, y, reduction=reduction), [(4, 3), (4, 3)])


def test_smooth_l1_beta():
    for beta in (0.0, 0.5, 2.0):
        compare(lambda T, x, y: T.nn.functional.smooth_l1_loss(x, y, beta=beta), [(5, 2), (5, 2)])


def test_mse_warns_on_broadcasting_shapes():
    with pytest.warns(UserWarning, match='different to the input size'):
        minitorch.nn.functional.mse_loss(minitorch.zeros(4, 1), minitorch.zeros(4))


@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_bce(reduction):
    p = rng.uniform(0.05, 0.95, (6, 2))
    t = rng.integers(0, 2, (6, 2)).astype(np.float64)
    w = rng.uniform(0.5, 2, (2,))
    compare(lambda T, x, y: T.nn.functional.binary_cross_entropy(x, y, reduction=reduction), inputs=[p, t],
            grad_inputs=[0])
    compare(lambda T, x, y, ww: T.nn.functional.binary_cross_entropy(x, y, ww, reduction=reduction),
            inputs=[p, t, w], grad_inputs=[0])


def test_bce_soft_targets_grad_and_clamp_at_extremes():
    p = np.array([0.0, 1e-30, 0.3, 1.0, 1.0])
    t = np.array([0.0, 1.0, 0.5, 1.0, 0.0])
    compare(lambda T, x, y: T.nn.functional.binary_cross_entropy(x, y, reduction='none'), inputs=[p, t],
            grad_inputs=[0], grad2=False)
    q = rng.uniform(0.1, 0.9, (5,))
    compare(lambda T, x, y: T.nn.functional.binary_cross_entropy(x, y), inputs=[q, rng.uniform(0, 1, (5,))])


def test_bce_rejects_logits_and_shape_mismatch():
    F = minitorch.nn.functional
    with pytest.raises(RuntimeError, match='between 0 and 1.*BCEWithLogitsLoss'):
        F.binary_cross_entropy(minitorch.tensor([1.5, -2.0]), minitorch.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match='different to the input size'):
        F.binary_cross_entropy(minitorch.full((4, 1), 0.5), minitorch.ones(4))


@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_bce_with_logits(reduction):
    x = rng.normal(0, 3, (5, 3))
    x[0, 0] = 0.0  # the slope at exactly 0 must be -0.5 + ... (softplus, not |x| pieces)
    t = rng.integers(0, 2, (5, 3)).astype(np.float64)
    w = rng.uniform(0.5, 2, (3,))
    pw = rng.uniform(0.5, 3, (3,))
    F = 'binary_cross_entropy_with_logits'
    compare(lambda T, a, b: getattr(T.nn.functional, F)(a, b, reduction=reduction), inputs=[x, t])
    compare(lambda T, a, b, c, d: getattr(T.nn.functional, F)(a, b, c, reduction=reduction, pos_weight=d),
            inputs=[x, t, w, pw], grad_inputs=[0, 1])


def test_bce_with_logits_extreme_logits_finite():
    x = np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0])
    t = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    compare(lambda T, a, b: T.nn.functional.binary_cross_entropy_with_logits(a, b, reduction='none'), inputs=[x, t])


def _targets(shape, c):
    return rng.integers(0, c, shape).astype(np.int64)


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('shape,tshape', [((6, 4), (6,)), ((3, 4, 2, 2), (3, 2, 2)), ((4,), ())])
def test_cross_entropy_indices(shape, tshape, reduction):
    c = shape[0] if len(shape) == 1 else shape[1]
    x = make_inputs([shape], seed=3)[0] * 3
    t = _targets(tshape, c)
    compare(lambda T, a, b: T.nn.functional.cross_entropy(a, b, reduction=reduction), inputs=[x, t])


@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_cross_entropy_weight_ignore_index_smoothing(reduction):
    x = make_inputs([(8, 5)], seed=4)[0]
    t = _targets((8,), 5)
    t[2] = -100
    t[5] = 3
    w = rng.uniform(0.2, 2.0, (5,))
    F = 'cross_entropy'
    compare(lambda T, a, b, ww: getattr(T.nn.functional, F)(a, b, ww, reduction=reduction), inputs=[x, t, w],
            grad_inputs=[0])
    t3 = t.copy()
    t3[2] = 1  # with ignore_index=3, -100 would be an out-of-range class (torch raises)
    compare(lambda T, a, b: getattr(T.nn.functional, F)(a, b, ignore_index=3, reduction=reduction), inputs=[x, t3])
    for eps in (0.1, 0.5):
        compare(lambda T, a, b: getattr(T.nn.functional, F)(a, b, reduction=reduction, label_smoothing=eps),
                inputs=[x, t])
        compare(lambda T, a, b, ww: getattr(T.nn.functional, F)(a, b, ww, reduction=reduction, label_smoothing=eps),
                inputs=[x, t, w], grad_inputs=[0])


@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_cross_entropy_probabilities(reduction):
    x = make_inputs([(6, 4)], seed=5)[0]
    p = rng.uniform(0, 1, (6, 4))
    p /= p.sum(1, keepdims=True)
    w = rng.uniform(0.5, 2, (4,))
    compare(lambda T, a, b: T.nn.functional.cross_entropy(a, b, reduction=reduction), inputs=[x, p])
    compare(lambda T, a, b, ww: T.nn.functional.cross_entropy(a, b, ww, reduction=reduction, label_smoothing=0.2),
            inputs=[x, p, w], grad_inputs=[0, 1])


def test_cross_entropy_extreme_logits():
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]])
    compare(lambda T, a, b: T.nn.functional.cross_entropy(a, b), inputs=[x, np.array([1, 2])])


@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_nll_loss(reduction):
    x = make_inputs([(5, 3)], seed=6)[0]
    t = _targets((5,), 3)
    w = rng.uniform(0.5, 2, (3,))
    compare(lambda T, a, b, ww: T.nn.functional.nll_loss(a, b, ww, reduction=reduction), inputs=[x, t, w],
            grad_inputs=[0])


def test_class_target_errors_say_what_to_do():
    F = minitorch.nn.functional
    x = minitorch.randn(4, 3)
    with pytest.raises(RuntimeError, match='expected scalar type Long but found Float.*long()'):
        F.cross_entropy(x, minitorch.tensor([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(IndexError, match='Target 3 is out of bounds'):
        F.cross_entropy(x, minitorch.tensor([0, 1, 3, 1]))
    with pytest.raises(ValueError, match=r'Expected input batch_size \(4\) to match target batch_size \(2\)'):
        F.cross_entropy(x, minitorch.tensor([0, 1]))
    with pytest.raises(ValueError, match='not a valid value for reduction'):
        F.cross_entropy(x, minitorch.tensor([0, 1, 2, 1]), reduction='avg')


@pytest.mark.parametrize('name,kwargs', [
    ('MSELoss', {}), ('L1Loss', {'reduction': 'sum'}), ('SmoothL1Loss', {'beta': 0.5}),
    ('BCEWithLogitsLoss', {}), ('CrossEntropyLoss', {'label_smoothing': 0.1}), ('NLLLoss', {}),
])
def test_loss_modules_match_functional_and_repr(name, kwargs):
    t_mod = getattr(torch.nn, name)(**kwargs)
    m_mod = getattr(minitorch.nn, name)(**kwargs)
    assert repr(m_mod) == repr(t_mod)
    x = rng.normal(size=(4, 3))
    if name in ('CrossEntropyLoss', 'NLLLoss'):
        y = _targets((4,), 3)
    else:
        y = rng.uniform(0, 1, (4, 3))
    compare(lambda T, a, b: getattr(T.nn, name)(**kwargs)(a, b), inputs=[x, y], grad_inputs=[0])


def test_bce_module_with_weight_buffer():
    w = np.array([0.5, 2.0])
    m = minitorch.nn.BCELoss(weight=minitorch.tensor(w))
    assert list(m.state_dict()) == list(torch.nn.BCELoss(weight=torch.tensor(w)).state_dict()) == ['weight']


@pytest.mark.parametrize('beta,threshold', [(1.0, 20.0), (1.0, 1.0), (2.0, 3.0), (0.5, 0.5)])
def test_softplus_beta_threshold(beta, threshold):
    compare(lambda T, x: T.nn.functional.softplus(x, beta=beta, threshold=threshold), [(4, 5)], low=-4, high=4)
