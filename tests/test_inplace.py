"""In-place ops against torch: values, gradients through in-place writes on non-leaves,
version counters, and torch's errors for illegal writes."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import compare, to_numpy

A = np.array([[0.5, -1.5, 2.0], [1.0, -0.25, 3.0]])
B = np.array([0.3, -2.0, 1.5])


def run_both(fn):
    """``fn(T)`` in torch and minitorch; every returned tensor (or number) must match."""
    ref, mine = fn(torch), fn(minitorch)
    for r, m in zip(ref, mine):
        if isinstance(r, (int, bool)) or r is None:
            assert m == r, (m, r)
        else:
            np.testing.assert_allclose(to_numpy(m), to_numpy(r), rtol=1e-12, atol=1e-12)


# -- gradients through in-place ops on non-leaf tensors ---------------------------------------

@pytest.mark.parametrize('fn', [
    lambda T, a, b: (a * 1).add_(b),
    lambda T, a, b: (a * 1).add_(b, alpha=2.5),
    lambda T, a, b: (a * 1).sub_(b),
    lambda T, a, b: (a * 1).mul_(b),
    lambda T, a, b: (a * 1).div_(b),
    lambda T, a, b: (a * 2).mul_(a),
    lambda T, a, b: (a + 0).clamp_(-1.0, 1.0) * b,
    lambda T, a, b: (a + 0).copy_(b) * a,
    lambda T, a, b: (a + 0).fill_(2.0) * a + b,
    lambda T, a, b: (a + 0).zero_() + a * b,
    lambda T, a, b: (a * 1).pow_(2),
], ids=['add_', 'add_alpha', 'sub_', 'mul_', 'div_', 'mul_self', 'clamp_', 'copy_', 'fill_', 'zero_', 'pow_'])
def test_gradients_through_inplace_ops(fn):
    compare(fn, inputs=[A, B])


def test_inplace_operators_on_non_leaf():
    def f(T, a, b):
        y = a * 1
        y += b
        y -= 0.5
        y *= b
        y /= 2.0
        return y
    compare(f, inputs=[A, B])


def test_inplace_on_a_tensor_saved_only_through_other_nodes():
    """``y = x * 2; y.add_(1)`` is legal (Mul by a constant saves no tensor); so is ``a = x*1; a.mul_(2)``."""
    def f(T):
        x = T.tensor(A, requires_grad=True)
        y = x * 2
        y.add_(1)
        a = x * 1
        a.mul_(2)
        (y * a).sum().backward()
        return x.grad, y._version, a._version
    run_both(f)


@settings(max_examples=25, deadline=None)
@given(ops=st.lists(st.sampled_from(['add_', 'sub_', 'mul_', 'div_']), min_size=1, max_size=5),
       scalars=st.lists(st.floats(0.5, 2.0), min_size=5, max_size=5))
def test_random_inplace_sequences(ops, scalars):
    def f(T):
        x = T.tensor(A, requires_grad=True)
        y = x.tanh()
        z = y * 1
        for op, s in zip(ops, scalars):
            getattr(z, op)(s)
        (z * z).sum().backward()
        return z, x.grad, z._version
    run_both(f)


# -- version counters --------------------------------------------------------------------------

def test_version_counts_like_torch():
    def f(T):
        x = T.zeros(3)
        versions = [x._version]
        for op in (lambda: x.add_(1), lambda: x.sub_(1), lambda: x.mul_(2), lambda: x.div_(2), lambda: x.zero_(),
                   lambda: x.fill_(3), lambda: x.copy_(T.ones(3)), lambda: x.clamp_(0, 1), lambda: x.uniform_(),
                   lambda: x.normal_()):
            op()
            versions.append(x._version)
        x += 1
        x -= 1
        x *= 2
        x /= 2
        d = x.detach()
        d.add_(1)  # detach shares the counter
        y = x * 2  # an out-of-place result starts at 0
        return tuple(versions) + (x._version, d._version, y._version)
    run_both(f)
    assert isinstance(minitorch.zeros(2)._version, int)


def test_views_share_the_version_counter():
    for T in (torch, minitorch):
        x = T.zeros(2, 3)
        v = x.view(6)
        v.add_(1)
        assert x._version == v._version == 1
        assert x.sum().item() == 6.0


# -- illegal in-place writes raise torch's error ---------------------------------------------------

def test_modifying_saved_output_raises():
    for T in (torch, minitorch):
        x = T.tensor(B, requires_grad=True)
        y = x.exp()
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_modifying_weight_after_forward_raises():
    for T in (torch, minitorch):
        x, w = T.tensor(B, requires_grad=True), T.tensor(B, requires_grad=True)
        loss = (x * w).sum()
        with T.no_grad():
            w.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            loss.backward()


def test_inplace_on_leaf_requiring_grad_raises():
    for T in (torch, minitorch):
        x = T.tensor(B, requires_grad=True)
        for op in (lambda: x.add_(1), lambda: x.mul_(2), lambda: x.zero_(), lambda: x.uniform_()):
            with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
                op()
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            x += 1
        with pytest.raises(RuntimeError, match="view of a leaf Variable"):
            x.view(3).mul_(2)


def test_inplace_under_no_grad_on_leaf_works():
    """The optimizer pattern: update a parameter in place under no_grad."""
    def f(T):
        w = T.tensor(A, requires_grad=True)
        (w * w).sum().backward()
        with T.no_grad():
            w.sub_(0.1 * w.grad)
            w -= 0.1 * w.grad
            w.mul_(0.5).add_(1.0)
            w.clamp_(-1.0, 2.0)
        w.grad.zero_()
        (w ** 3).sum().backward()
        return w, w.grad, w.requires_grad, w.is_leaf, w._version
    run_both(f)


def test_dtype_rules():
    for T in (torch, minitorch):
        i = T.tensor([1, 2, 3])
        with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
            i.add_(1.5)
        with pytest.raises(RuntimeError, match="can't be cast"):
            i.mul_(T.tensor([1.0, 2.0, 3.0]))
        i.add_(2)  # int + int stays int
        f = T.tensor([1.0, 2.0, 3.0])
        f.add_(T.tensor([1, 2, 3]))  # int into float is fine
        assert i.tolist() == [3, 4, 5] and f.tolist() == [2.0, 4.0, 6.0]


def test_shape_rules():
    for T in (torch, minitorch):
        x = T.zeros(3)
        with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"):
            x.add_(T.ones(2, 3))
        y = T.zeros(2, 3)
        y.add_(T.ones(3))  # broadcasting the other operand is fine
        assert y.sum().item() == 6.0


def test_uniform_and_normal_fill_in_range():
    x = minitorch.zeros(2000)
    a = x.numpy()  # shares memory
    x.uniform_(-2.0, 3.0)
    assert -2.0 <= a.min() and a.max() < 3.0 and a.std() > 1.0
    x.normal_(1.0, 0.5)
    assert abs(a.mean() - 1.0) < 0.1 and abs(a.std() - 0.5) < 0.1


def test_overwriting_a_non_leaf_cuts_its_gradient():
    def f(T):
        x = T.tensor(B, requires_grad=True)
        y = x * 2
        y.uniform_()  # values no longer depend on x
        z = x * 3
        z.fill_(1.0)
        (y + z + x).sum().backward()
        return (x.grad,)
    run_both(f)
