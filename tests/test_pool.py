"""max_pool2d, avg_pool2d and adaptive_avg_pool2d against torch: values, indices, gradients and
second gradients (``** 2`` after the pool makes the second derivative go through the pool's
gradient op), for every option, plus torch's errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import compare, on_both_paths
from minitorch.ops import pool

mF = minitorch.nn.functional


# Every test runs twice: few windows by one stack and argmax (the default for these sizes), and
# with that switched off, by passes over the taps (the 2x2 tournament or the general loop).
max_pool_path = on_both_paths(pool, 'SMALL_WINDOWS', -1, ('argmax', 'passes'))


def _pool(name, **kw):
    return lambda T, x: getattr(T.nn.functional, name)(x, **kw)


def _squared(name, **kw):
    return lambda T, x: getattr(T.nn.functional, name)(x, **kw) ** 2


# -- max_pool2d ----------------------------------------------------------------------------------

MAX_OPTIONS = [
    dict(kernel_size=2), dict(kernel_size=3), dict(kernel_size=(2, 3)), dict(kernel_size=2, stride=1),
    dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=2, ceil_mode=True), dict(kernel_size=(2, 3), stride=(1, 2), dilation=2),
    dict(kernel_size=2, padding=1, dilation=3), dict(kernel_size=(3, 2), stride=(3, 1), padding=(1, 0)),
    dict(kernel_size=[2, 2], stride=[]),
]


@pytest.mark.parametrize('kw', MAX_OPTIONS)
def test_max_pool2d_options(kw):
    compare(_pool('max_pool2d', **kw), [(2, 3, 7, 8)])
    compare(_squared('max_pool2d', **kw), [(2, 3, 7, 8)])
    compare(_pool('max_pool2d', return_indices=True, **kw), [(3, 7, 8)])  # unbatched, with indices


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 2), c=st.integers(1, 3), h=st.integers(1, 9), w=st.integers(1, 9), kh=st.integers(1, 4),
       kw=st.integers(1, 4), s=st.integers(1, 3), p=st.integers(0, 2), d=st.integers(1, 2), ceil=st.booleans())
def test_max_pool2d_random_geometry(n, c, h, w, kh, kw, s, p, d, ceil):
    args = dict(kernel_size=(kh, kw), stride=s, padding=p, dilation=d, ceil_mode=ceil, return_indices=True)
    try:
        torch.nn.functional.max_pool2d(torch.zeros(n, c, h, w), **args)
    except RuntimeError:  # torch rejects this geometry; so must minitorch
        with pytest.raises(RuntimeError):
            mF.max_pool2d(minitorch.zeros(n, c, h, w), **args)
        return
    try:
        mF.max_pool2d(minitorch.zeros(n, c, h, w), **args)
    except RuntimeError as e:  # a window with no input pixel: torch's indices are garbage there
        assert 'covers no input pixel' in str(e)
        return
    compare(lambda T, x: T.nn.functional.max_pool2d(x, **args)[0] ** 2, [(n, c, h, w)], dtypes=('float64',))
    compare(lambda T, x: T.nn.functional.max_pool2d(x, **args), [(n, c, h, w)], dtypes=('float32',), grad=False)


def test_max_pool2d_without_grad_finds_only_the_maxima():
    x = np.random.default_rng(2).standard_normal((2, 3, 7, 8))
    for kw in MAX_OPTIONS[:6]:
        compare(_pool('max_pool2d', **kw), inputs=[x], grad=False)
        with minitorch.no_grad():
            y = mF.max_pool2d(minitorch.tensor(x, requires_grad=True), **kw)
        np.testing.assert_array_equal(y.numpy(), torch.nn.functional.max_pool2d(torch.tensor(x), **kw).numpy())


def test_max_pool2d_ties_pick_the_first_max():
    # small integers make many windows hold their max twice; torch names the first one
    x = np.random.default_rng(0).integers(0, 3, (2, 3, 9, 9)).astype(np.float64)
    for kw in (dict(kernel_size=2), dict(kernel_size=3, stride=1), dict(kernel_size=3, stride=2, padding=1),
               dict(kernel_size=2, stride=1, padding=1), dict(kernel_size=2, dilation=2, ceil_mode=True)):
        compare(_pool('max_pool2d', return_indices=True, **kw), inputs=[x])
        compare(_pool('max_pool2d', return_indices=True, **kw), inputs=[x.astype(np.int64)])  # integer input


def test_max_pool2d_all_minus_inf_and_nan_windows():
    # windows of only -inf next to padding: torch names the window's first real pixel
    compare(_pool('max_pool2d', kernel_size=3, stride=2, padding=1, return_indices=True),
            inputs=[np.full((1, 2, 4, 4), -np.inf)], grad=False)
    compare(_pool('max_pool2d', kernel_size=3, stride=2, padding=1, dilation=2, return_indices=True),
            inputs=[np.full((1, 1, 6, 6), -np.inf)], grad=False)
    compare(_pool('max_pool2d', kernel_size=2, padding=1, return_indices=True),  # the 2x2 tournament
            inputs=[np.full((1, 2, 4, 5), -np.inf)], grad=False)
    # NaN wins its window; with several, torch names the last one
    x = np.array([[[[1.0, np.nan, 2.0, np.nan], [0.0, 5.0, np.nan, 1.0]]]])
    compare(_pool('max_pool2d', kernel_size=2, stride=1, return_indices=True), inputs=[x], grad=False)


def test_max_pool2d_overlapping_windows_add_gradients():
    x = np.random.default_rng(1).integers(0, 2, (2, 2, 6, 6)).astype(np.float64) + 0.5
    compare(_squared('max_pool2d', kernel_size=3, stride=1), inputs=[x])


def test_max_pool2d_empty_batch_integer_and_grad_fn():
    out, idx = mF.max_pool2d(minitorch.zeros(0, 2, 6, 6), 2, return_indices=True)
    assert out.shape == (0, 2, 3, 3) and idx.dtype == minitorch.int64
    x = np.arange(36, dtype=np.uint8).reshape(1, 1, 6, 6)
    compare(_pool('max_pool2d', kernel_size=2), inputs=[x])
    y = mF.max_pool2d(minitorch.randn(1, 1, 4, 4, requires_grad=True), 2)
    assert y.grad_fn.name() == 'MaxPool2DWithIndicesBackward0'
    v = minitorch.ones(1, 1, 2, 2, requires_grad=True)
    g, = minitorch.autograd.grad(y, y.grad_fn.inputs[0], v, create_graph=True)
    assert g.grad_fn.name() == 'MaxPool2DWithIndicesBackwardBackward0'


# -- avg_pool2d ----------------------------------------------------------------------------------

AVG_OPTIONS = [
    dict(kernel_size=2), dict(kernel_size=3), dict(kernel_size=(2, 3), stride=1),
    dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=3, stride=2, ceil_mode=True), dict(kernel_size=(2, 3), stride=(1, 2), divisor_override=5),
    dict(kernel_size=2, padding=1, divisor_override=3, count_include_pad=False),
]


@pytest.mark.parametrize('kw', AVG_OPTIONS)
def test_avg_pool2d_options(kw):
    compare(_pool('avg_pool2d', **kw), [(2, 3, 7, 8)])
    compare(_squared('avg_pool2d', **kw), [(3, 7, 8)])
    compare(_squared('avg_pool2d', **kw), [(2, 2, 30, 33)])  # big planes: two products instead of one


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 9), w=st.integers(1, 9), kh=st.integers(1, 4), kw=st.integers(1, 4), s=st.integers(1, 3),
       p=st.integers(0, 2), ceil=st.booleans(), include=st.booleans())
def test_avg_pool2d_random_geometry(h, w, kh, kw, s, p, ceil, include):
    args = dict(kernel_size=(kh, kw), stride=s, padding=p, ceil_mode=ceil, count_include_pad=include)
    try:
        torch.nn.functional.avg_pool2d(torch.zeros(1, 2, h, w), **args)
    except RuntimeError:
        with pytest.raises(RuntimeError):
            mF.avg_pool2d(minitorch.zeros(1, 2, h, w), **args)
        return
    compare(lambda T, x: T.nn.functional.avg_pool2d(x, **args) ** 2, [(2, 2, h, w)], dtypes=('float64',))


def test_avg_pool2d_grad_fn_names():
    y = mF.avg_pool2d(minitorch.randn(1, 1, 4, 4, requires_grad=True), 2)
    assert y.grad_fn.name() == 'AvgPool2DBackward0'
    v = minitorch.ones(1, 1, 2, 2, requires_grad=True)
    g, = minitorch.autograd.grad(y, y.grad_fn.inputs[0], v, create_graph=True)
    assert g.grad_fn.name() == 'AvgPool2DBackwardBackward0'


# -- adaptive_avg_pool2d ---------------------------------------------------------------------------

@pytest.mark.parametrize('size', [1, 3, (2, 5), (None, 3), (4, None), 9, [7, 8]])
def test_adaptive_avg_pool2d(size):
    compare(_pool('adaptive_avg_pool2d', output_size=size), [(2, 3, 7, 8)])
    compare(_squared('adaptive_avg_pool2d', output_size=size), [(3, 7, 8)])


def test_adaptive_avg_pool2d_empty_output():
    compare(_pool('adaptive_avg_pool2d', output_size=(0, 2)), [(2, 3, 7, 8)], grad=False)  # torch's backward refuses


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 40), w=st.integers(1, 40), ho=st.integers(1, 12), wo=st.integers(1, 12))
def test_adaptive_avg_pool2d_random_sizes(h, w, ho, wo):
    compare(_squared('adaptive_avg_pool2d', output_size=(ho, wo)), [(1, 2, h, w)], dtypes=('float64',))


def test_adaptive_avg_pool2d_big_planes_and_grad_fn():
    compare(_squared('adaptive_avg_pool2d', output_size=(14, 13)), [(2, 2, 28, 30)])
    y = mF.adaptive_avg_pool2d(minitorch.randn(1, 1, 4, 4, requires_grad=True), 2)
    assert y.grad_fn.name() == 'AdaptiveAvgPool2DBackward0'


# -- errors -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('call, match', [
    (lambda F, x: F.max_pool2d(x, 3, padding=2), 'pad should be at most half of effective kernel size'),
    (lambda F, x: F.max_pool2d(x, (3, 5), padding=(1, 3), dilation=(1, 2)), 'pad should be smaller than or equal'),
    (lambda F, x: F.max_pool2d(x, 0), 'stride should not be zero'),
    (lambda F, x: F.max_pool2d(x, 0, stride=1), 'kernel size should be greater than zero'),
    (lambda F, x: F.max_pool2d(x, 2, stride=-1), 'stride should be greater than zero'),
    (lambda F, x: F.max_pool2d(x, 2, dilation=0), 'dilation should be greater than zero'),
    (lambda F, x: F.max_pool2d(x, 2, padding=-1), 'pad must be non-negative'),
    (lambda F, x: F.max_pool2d(x, 6), r'Given input size: \(1x5x5\). Calculated output size: \(1x0x0\)'),
    (lambda F, x: F.max_pool2d(x, (2, 2, 2)), 'kernel_size must either be a single int, or a tuple of two ints'),
    (lambda F, x: F.max_pool2d(x, 2, stride=(1, 2, 3)), 'stride must either be omitted'),
    (lambda F, x: F.max_pool2d(x[0, 0], 2), '3D or 4D'),
    (lambda F, x: F.max_pool2d(x[:, :0], 2), '3D or 4D'),
    (lambda F, x: F.avg_pool2d(x, 3, padding=2), 'pad should be at most half of effective kernel size'),
    (lambda F, x: F.avg_pool2d(x, 6), 'Output size is too small'),
    (lambda F, x: F.avg_pool2d(x, 2, divisor_override=0), 'divisor must be not zero'),
    (lambda F, x: F.avg_pool2d(x, 2, padding=(1, 2, 3)), 'padding must either be a single int'),
    (lambda F, x: F.adaptive_avg_pool2d(x, (2, 2, 2)), 'output_size must be 2'),
    (lambda F, x: F.adaptive_avg_pool2d(x, -1), 'greater than or equal to 0'),
    (lambda F, x: F.adaptive_avg_pool2d(x[0, 0], 2), 'Expected 3D or 4D tensor'),
    (lambda F, x: F.adaptive_avg_pool2d(x[:, :, :0], 2), 'non-zero size for non-batch dimensions'),
])
def test_errors_like_torch(call, match):
    for T in (torch, minitorch):
        with pytest.raises(RuntimeError, match=match):
            call(T.nn.functional, T.zeros(1, 1, 5, 5))


def test_max_pool2d_window_without_input_pixel_raises():
    # torch returns -inf with indices outside the plane here (and its backward aborts)
    with pytest.raises(RuntimeError, match='covers no input pixel'):
        mF.max_pool2d(minitorch.zeros(1, 1, 1, 3), 2, stride=1, padding=1, dilation=2)


def test_unsupported_dtypes_raise():
    with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
        mF.max_pool2d(minitorch.zeros(1, 1, 4, 4, dtype=minitorch.bool), 2)
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        mF.adaptive_avg_pool2d(minitorch.zeros(1, 1, 4, 4, dtype=minitorch.int64), 2)
    with pytest.raises(NotImplementedError, match=r'x\.float\(\)'):  # torch truncates; minitorch asks for floats
        mF.avg_pool2d(minitorch.zeros(1, 1, 4, 4, dtype=minitorch.int64), 2)
