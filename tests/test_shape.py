"""Shape ops against torch: values, gradients, second gradients, views, and errors.

Shape ops are linear, so each is squared (``sq``) before comparing: then the second gradient
runs through the backward's own backward.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import compare


def sq(f):
    def g(T, *xs):
        out = f(T, *xs)
        return tuple(o ** 2 for o in out) if isinstance(out, (tuple, list)) else out ** 2
    return g


@pytest.mark.parametrize('fn', [
    lambda T, x: x.reshape(4, 6), lambda T, x: x.reshape(-1), lambda T, x: T.reshape(x, (3, -1, 2)),
    lambda T, x: x.view(6, 4), lambda T, x: x.view(-1, 12), lambda T, x: x.transpose(0, 2).reshape(-1),
    lambda T, x: x.permute(2, 0, 1), lambda T, x: x.transpose(-1, 0), lambda T, x: x.mT, lambda T, x: x[0].t(),
    lambda T, x: x.flatten(), lambda T, x: x.flatten(1), lambda T, x: T.flatten(x, 0, -2),
    lambda T, x: x.flatten(1, 1), lambda T, x: x.transpose(1, 2).flatten(1),
    lambda T, x: x.unflatten(2, (2, 2)), lambda T, x: T.unflatten(x, -1, (-1, 1, 2)),
    lambda T, x: x[:, :1].squeeze(), lambda T, x: x[:, :1].squeeze(1), lambda T, x: x[:1, :, :1].squeeze((0, 2)),
    lambda T, x: x.squeeze(0), lambda T, x: T.squeeze(x[:1], -3),
    lambda T, x: x.unsqueeze(0), lambda T, x: x.unsqueeze(-1), lambda T, x: T.unsqueeze(x, 2),
    lambda T, x: x.narrow(1, 1, 2), lambda T, x: T.narrow(x, -1, -3, 2), lambda T, x: x.select(1, -1),
    lambda T, x: x.movedim(0, -1), lambda T, x: T.movedim(x, (0, 1), (2, 0)), lambda T, x: x.moveaxis(-1, 0),
])
def test_views(fn):
    compare(sq(fn), [(2, 3, 4)])


@pytest.mark.parametrize('fn', [
    lambda T, x: x.view(6, 4), lambda T, x: x.flatten(), lambda T, x: x.unflatten(2, (2, 2)),
    lambda T, x: x.squeeze(), lambda T, x: x.unsqueeze(1), lambda T, x: x.transpose(0, 1), lambda T, x: x.permute(2, 0, 1),
    lambda T, x: x.expand(5, 2, 3, 4), lambda T, x: x.narrow(1, 1, 2), lambda T, x: x.split(2, 2)[1],
    lambda T, x: x.chunk(3, 1)[2], lambda T, x: x.unbind(1)[0], lambda T, x: x.movedim(0, 2),
])
def test_view_ops_share_memory_and_version(fn):
    x = minitorch.randn(2, 3, 4) * 1
    y = fn(minitorch, x)
    assert y._base is x and y._version_counter is x._version_counter
    assert np.shares_memory(y.array, x.array)


def test_copies_are_not_views():
    x = minitorch.randn(2, 3, 4)
    for y in (x.transpose(0, 1).reshape(-1), x.flip(0), x.repeat(1, 1, 1), minitorch.cat([x]), minitorch.stack([x])):
        assert y._base is None and not np.shares_memory(y.array, x.array)
    assert x.reshape(4, 6)._base is x  # contiguous: a view
    assert x.transpose(0, 1).reshape(-1).grad_fn is None


def test_grad_fn_names():
    x = minitorch.randn(2, 3, requires_grad=True)
    names = {
        'ViewBackward0': x.view(6), 'UnsafeViewBackward0': x.t().reshape(6), 'SqueezeBackward0': x.squeeze(),
        'SqueezeBackward1': x.squeeze(0), 'SqueezeBackward2': x.squeeze((0,)), 'UnsqueezeBackward0': x.unsqueeze(0),
        'CatBackward0': minitorch.cat([x, x]), 'StackBackward0': minitorch.stack([x]), 'FlipBackward0': x.flip(0),
        'RepeatBackward0': x.repeat(2, 1), 'SplitBackward0': x.split(1)[0], 'UnbindBackward0': x.unbind()[0],
    }
    for name, y in names.items():
        assert y.grad_fn.name() == name


def test_flatten_zero_dim_and_same_dim():
    for T in (torch, minitorch):
        x = T.tensor(3.0)
        assert x.flatten().shape == (1,)
        y = T.zeros(2, 3)
        assert y.flatten(1, 1) is y


# -- joining --------------------------------------------------------------------------------------

@pytest.mark.parametrize('shapes, dim', [
    ([(2, 3), (4, 3)], 0), ([(2, 3), (2, 1), (2, 4)], 1), ([(2, 3), (2, 5)], -1), ([(1, 2, 3)] * 3, 1),
    ([(2, 3), (0, 3)], 0), ([(3,)], 0),
])
def test_cat(shapes, dim):
    compare(sq(lambda T, *xs: T.cat(xs, dim)), shapes)
    compare(sq(lambda T, *xs: T.concat(list(xs), dim=dim)), shapes, dtypes=('float32',))


def test_cat_skips_empty_1d_and_promotes():
    compare(sq(lambda T, x, e: T.cat([x, e, x])), [(2, 3), (0,)])
    for T in (torch, minitorch):
        ints = T.ones(2, dtype=T.int64)
        assert T.cat([ints, T.ones(2, dtype=T.float64)]).dtype == T.float64
        assert T.cat([ints, T.tensor([])]).dtype == T.float32
        assert T.cat([T.tensor([]), T.tensor([])]).shape == (0,)
        assert T.stack([ints, T.ones(2)]).dtype == T.float32
    compare(lambda T, x: T.cat([x, T.arange(3).reshape(1, 3)]) * x.sum(), [(2, 3)])


@pytest.mark.parametrize('shape, dim', [((3, 4), 0), ((3, 4), 2), ((3, 4), -1), ((), 0), ((2, 1, 3), -2)])
def test_stack(shape, dim):
    compare(sq(lambda T, a, b, c: T.stack([a, b, c], dim)), [shape] * 3)


@pytest.mark.parametrize('call, error, match', [
    (lambda T: T.cat([T.zeros(3, 4), T.zeros(2, 3)]), RuntimeError,
     'Sizes of tensors must match except in dimension 0. Expected size 4 but got size 3 for tensor number 1'),
    (lambda T: T.cat([T.zeros(3, 4), T.zeros(3, 4), T.zeros(2, 3)], 1), RuntimeError,
     'Expected size 3 but got size 2 for tensor number 2 in the list'),
    (lambda T: T.cat([T.zeros(3, 4), T.zeros(3)]), RuntimeError, 'Tensors must have same number of dimensions: got 2 and 1'),
    (lambda T: T.cat([T.tensor(1.), T.tensor(2.)]), RuntimeError, r'zero-dimensional tensor \(at position 0\) cannot be'),
    (lambda T: T.cat([]), ValueError, 'expected a non-empty list of Tensors'),
    (lambda T: T.cat([T.zeros(3, 4)], 2), IndexError, 'Dimension out of range'),
    (lambda T: T.cat(T.zeros(3, 4)), TypeError, 'must be tuple of Tensors|must be a tuple or list of Tensors'),
    (lambda T: T.stack([T.zeros(3, 4), T.zeros(2, 4)]), RuntimeError,
     r'stack expects each tensor to be equal size, but got \[3, 4\] at entry 0 and \[2, 4\] at entry 1'),
    (lambda T: T.stack([T.zeros(3, 4)], 3), IndexError, r'expected to be in range of \[-3, 2\], but got 3'),
    (lambda T: T.stack([]), RuntimeError, 'stack expects a non-empty TensorList'),
])
def test_join_errors(call, error, match):
    for T in (torch, minitorch):
        with pytest.raises(error, match=match):
            call(T)


@pytest.mark.parametrize('fn', [
    lambda T, x: x.repeat(2, 1, 3), lambda T, x: x.repeat(2, 2, 1, 1), lambda T, x: x.repeat((1, 1, 1)),
    lambda T, x: x.repeat(1, 0, 2), lambda T, x: x.tile(2), lambda T, x: T.tile(x, (2, 1, 1, 1)),
    lambda T, x: x[0, 0, 0].repeat(3, 2),
])
def test_repeat(fn):
    compare(sq(fn), [(2, 3, 4)])


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 3), min_size=0, max_size=3),
       reps=st.lists(st.integers(0, 3), min_size=3, max_size=4))
def test_repeat_random(shape, reps):
    compare(sq(lambda T, x: x.repeat(*reps)), [tuple(shape)], dtypes=('float64',))


# -- taking apart ---------------------------------------------------------------------------------

@pytest.mark.parametrize('fn', [
    lambda T, x: x.split(2), lambda T, x: x.split(2, dim=1), lambda T, x: T.split(x, [1, 3], dim=-1),
    lambda T, x: x.split([3, 0, 2]), lambda T, x: x.split(10), lambda T, x: x.chunk(2), lambda T, x: x.chunk(3, 1),
    lambda T, x: T.chunk(x, 4, -1), lambda T, x: x.chunk(10), lambda T, x: x.unbind(), lambda T, x: T.unbind(x, 1),
    lambda T, x: list(x), lambda T, x: x.flip(0), lambda T, x: x.flip(0, 1), lambda T, x: T.flip(x, (-1,)),
    lambda T, x: T.flip(x, dims=[0, 1]), lambda T, x: x.flip(dims=(1,)),
])
def test_take_apart(fn):
    compare(sq(fn), [(5, 4)])


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(0, 4), min_size=1, max_size=3), data=st.data())
def test_split_chunk_random(shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    size = data.draw(st.integers(1, 5))
    for T in (torch, minitorch):
        x = T.zeros(*shape)
        assert [p.shape for p in T.split(x, size, dim)] == [p.shape for p in torch.split(torch.zeros(*shape), size, dim)]
        assert [p.shape for p in T.chunk(x, size, dim)] == [p.shape for p in torch.chunk(torch.zeros(*shape), size, dim)]
    if all(shape):
        compare(sq(lambda T, x: T.chunk(x, size, dim)), [tuple(shape)], dtypes=('float64',))


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 3), min_size=1, max_size=4), data=st.data())
def test_dims_random(shape, data):
    n = len(shape)
    dim = data.draw(st.integers(-n, n - 1))
    new = data.draw(st.integers(-n - 1, n))
    dims = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    compare(sq(lambda T, x: (x.unsqueeze(new), x.squeeze(dim), x.flip(dims), x.flatten(dim), x.unbind(dim)[0],
                             T.stack([x, x], new), T.cat([x, x * 2], dim))), [tuple(shape)], dtypes=('float64',))


@pytest.mark.parametrize('call, error, match', [
    (lambda T, x: x.reshape(-1, -1), RuntimeError, 'only one dimension can be inferred'),
    (lambda T, x: x.reshape(5, -1), RuntimeError, r"shape '\[5, -1\]' is invalid for input of size 24"),
    (lambda T, x: x.reshape(5, 5), RuntimeError, r"shape '\[5, 5\]' is invalid for input of size 24"),
    (lambda T, x: x.reshape(-2, 12), RuntimeError, r'invalid shape dimension -2'),
    (lambda T, x: T.zeros(0, 3).reshape(0, -1), RuntimeError, 'cannot reshape tensor of 0 elements'),
    (lambda T, x: x.transpose(0, 1).view(-1), RuntimeError, r'view size is not compatible .* Use .reshape\(...\) instead'),
    (lambda T, x: x.view(7, -1), RuntimeError, r"shape '\[7, -1\]' is invalid for input of size 24"),
    (lambda T, x: x.flatten(2, 1), RuntimeError, 'start_dim cannot come after end_dim'),
    (lambda T, x: x.unflatten(1, (2, 2)), RuntimeError,
     r"unflatten: Provided sizes \[2, 2\] don't multiply up to the size of dim 1 \(3\)"),
    (lambda T, x: x.unflatten(1, ()), RuntimeError, 'unflatten: sizes must be non-empty'),
    (lambda T, x: x.squeeze(3), IndexError, r'expected to be in range of \[-3, 2\], but got 3'),
    (lambda T, x: x.unsqueeze(4), IndexError, r'expected to be in range of \[-4, 3\], but got 4'),
    (lambda T, x: x.repeat(2, 2), RuntimeError, 'Number of dimensions of repeat dims can not be smaller'),
    (lambda T, x: x.repeat(-1, 1, 1), RuntimeError, 'Trying to create tensor with negative dimension -2'),
    (lambda T, x: x.split([1, 0]), RuntimeError, 'split_with_sizes expects split_sizes to sum exactly to 2'),
    (lambda T, x: x.split([3, -1]), RuntimeError, 'split_sizes have only non-negative entries'),
    (lambda T, x: x.split(0), RuntimeError, 'split_size can only be 0 if dimension size is 0'),
    (lambda T, x: x.split(-1), RuntimeError, 'split expects split_size be non-negative'),
    (lambda T, x: x.chunk(0), RuntimeError, 'chunk expects `chunks` to be greater than 0, got: 0'),
    (lambda T, x: T.tensor(1.).unbind(), IndexError, 'Dimension specified as 0 but tensor has no dimensions'),
    (lambda T, x: x.flip((0, 0)), RuntimeError, 'appears multiple times in the list of dims'),
    (lambda T, x: x.narrow(2, 3, 2), RuntimeError, r'start \(3\) \+ length \(2\) exceeds dimension size \(4\)'),
    (lambda T, x: x.narrow(2, 5, 0), IndexError, r'start out of range \(expected to be in range of \[-4, 4\], but got 5\)'),
    (lambda T, x: x.narrow(2, 0, -1), RuntimeError, r'narrow\(\): length must be non-negative'),
    (lambda T, x: x.select(0, 2), IndexError, r'select\(\): index 2 out of range for tensor of size \[2, 3, 4\]'),
    (lambda T, x: x.movedim((0, 1), (2,)), RuntimeError, 'should contain the same number of dims as destination'),
    (lambda T, x: x.movedim((0, 0), (2, 1)), RuntimeError, r'movedim: repeated dim in `source` \(\[0, 0\]\)'),
    (lambda T, x: x.permute(0, 1), RuntimeError, 'number of dimensions in the tensor input does not match'),
])
def test_shape_errors(call, error, match):
    for T in (torch, minitorch):
        with pytest.raises(error, match=match):
            call(T, T.zeros(2, 3, 4))
