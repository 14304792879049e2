"""Custom ``autograd.Function``s, written once against torch's API and run in both engines."""
import numpy as np
import pytest
import torch

import minitorch
from harness import to_numpy

X = np.array([0.5, -1.2, 2.0])


def check(fn):
    """``fn(T)`` returns tensors (or numbers); torch and minitorch must agree."""
    ref, mine = fn(torch), fn(minitorch)
    for r, m in zip(ref, mine):
        if r is None or isinstance(r, (bool, int, str)):
            assert m == r, (m, r)
        else:
            np.testing.assert_allclose(to_numpy(m), to_numpy(r), rtol=1e-12, atol=1e-12)


def make_exp(T):
    class MyExp(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)  # an output saved for backward
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y
    return MyExp


def make_scale(T):
    class Scale(T.autograd.Function):
        """x * k for a Python number k: backward returns None for the non-tensor argument."""

        @staticmethod
        def forward(ctx, x, k, w):
            ctx.k = k
            ctx.save_for_backward(x, w)
            return x * k * w

        @staticmethod
        def backward(ctx, grad):
            x, w = ctx.saved_tensors
            gx = grad * ctx.k * w if ctx.needs_input_grad[0] else None
            gw = grad * ctx.k * x if ctx.needs_input_grad[2] else None
            return gx, None, gw
    return Scale


def test_custom_exp_forward_backward_double_backward():
    def f(T):
        x = T.tensor(X, requires_grad=True)
        y = make_exp(T).apply(x)
        (g,) = T.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = T.autograd.grad(g.sum(), x)
        return y, g, gg, y.requires_grad
    check(f)


def test_non_tensor_args_and_needs_input_grad():
    def f(T):
        x, w = T.tensor(X, requires_grad=True), T.tensor(X[::-1].copy())
        seen = []

        class Spy(T.autograd.Function):
            @staticmethod
            def forward(ctx, a, k, b):
                seen.append(ctx.needs_input_grad)
                return make_scale(T).forward(ctx, a, k, b)

            backward = make_scale(T).backward

        y = Spy.apply(x, 3.0, w)
        y.sum().backward()
        return x.grad, w.grad, seen[0]
    check(f)


def test_double_backward_through_tensor_op_backward():
    def f(T):
        x, w = T.tensor(X, requires_grad=True), T.tensor([1.5, 0.5, -1.0], requires_grad=True)
        y = make_scale(T).apply(x * x, 2.0, w)
        gx, gw = T.autograd.grad(y.sum(), [x, w], create_graph=True)
        hx, hw = T.autograd.grad((gx * gw).sum(), [x, w])
        return gx, gw, hx, hw
    check(f)


def test_no_grad_and_inputs_without_grad_are_not_recorded():
    for T in (torch, minitorch):
        x = T.tensor(X, requires_grad=True)
        with T.no_grad():
            assert make_exp(T).apply(x).grad_fn is None
        y = make_exp(T).apply(T.tensor(X))
        assert not y.requires_grad and y.grad_fn is None


def test_grad_fn_name():
    for T in (torch, minitorch):
        y = make_exp(T).apply(T.tensor(X, requires_grad=True))
        assert type(y.grad_fn).__name__ == 'MyExpBackward' or y.grad_fn.name() == 'MyExpBackward'


def test_multiple_outputs_and_non_differentiable():
    def f(T):
        class SortLike(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                double, idx = x * 2, (x > 0).long()
                ctx.mark_non_differentiable(idx)
                ctx.save_for_backward(x)
                return double, x.exp(), idx

            @staticmethod
            def backward(ctx, g_double, g_exp, g_idx):
                (x,) = ctx.saved_tensors
                return g_double * 2 + g_exp * x.exp()

        x = T.tensor(X, requires_grad=True)
        a, b, idx = SortLike.apply(x)
        (a.sum() * 3 + (b * b).sum()).backward()
        only_a = T.tensor(X, requires_grad=True)
        a2, _, _ = SortLike.apply(only_a)
        a2.sum().backward()  # the unused output's gradient arrives as zeros
        return x.grad, only_a.grad, idx, idx.requires_grad, a.requires_grad, b.requires_grad
    check(f)


def test_multiple_outputs_set_materialize_grads_false():
    def f(T):
        class Two(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(False)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                out = 0
                if g1 is not None:
                    out = out + g1 * 2
                if g2 is not None:
                    out = out + g2 * 3
                return out

        x = T.tensor(X, requires_grad=True)
        a, b = Two.apply(x)
        (a * b).sum().backward()
        y = T.tensor(X, requires_grad=True)
        Two.apply(y)[1].sum().backward()
        return x.grad, y.grad
    check(f)


def test_mark_dirty_in_place_function():
    def f(T):
        class Double_(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.mul_(2)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, grad):
                return grad * 2

        x = T.tensor(X, requires_grad=True)
        y = x * 1
        z = Double_.apply(y)
        (z * z).sum().backward()
        return x.grad, z is y, y._version
    check(f)


def test_wrong_number_of_gradients_raises():
    for T in (torch, minitorch):
        class Bad(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad, grad

        with pytest.raises(RuntimeError, match="returned an incorrect number of gradients"):
            Bad.apply(T.tensor(X, requires_grad=True)).sum().backward()


def test_saved_tensor_modified_in_place_raises():
    for T in (torch, minitorch):
        x = T.tensor(X, requires_grad=True)
        y = make_exp(T).apply(x)
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_saved_tensors_freed_after_backward():
    for T in (torch, minitorch):
        x = T.tensor(X, requires_grad=True)
        y = make_exp(T).apply(x)
        y.sum().backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.sum().backward()


def test_setup_context_style():
    def f(T):
        class Cube(T.autograd.Function):
            @staticmethod
            def forward(x):
                return x ** 3

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.save_for_backward(inputs[0])

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * 3 * x * x

        x = T.tensor(X, requires_grad=True)
        Cube.apply(x).sum().backward()
        return (x.grad,)
    check(f)
