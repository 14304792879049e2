"""conv2d against torch: values, gradients and second gradients for every option."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from harness import compare, on_both_paths
from minitorch.ops import conv_gather


# Every test runs twice: small convolutions by one gather (the default for these sizes), and with
# the gather switched off, by im2col. Winograd's tests take their own path either way.
small_path = on_both_paths(conv_gather, 'MAX_ELEMENTS', 0, ('gather', 'im2col'))


@pytest.mark.parametrize('kw', [
    {}, {'stride': 2}, {'padding': 1}, {'padding': (2, 1)}, {'dilation': 2}, {'stride': (2, 1), 'padding': 1},
    {'padding': 'same'}, {'padding': 'valid'}, {'padding': 'same', 'dilation': 2},
])
def test_conv2d_options(kw):
    compare(lambda T, x, w, b: T.nn.functional.conv2d(x, w, b, **kw), [(2, 3, 7, 6), (4, 3, 3, 3), (4,)])


def test_conv2d_groups():
    compare(lambda T, x, w: T.nn.functional.conv2d(x, w, groups=2, padding=1), [(2, 4, 5, 5), (6, 2, 3, 3)])
    compare(lambda T, x, w: T.nn.functional.conv2d(x, w, groups=3), [(1, 3, 5, 5), (3, 1, 2, 2)])  # depthwise


def test_conv2d_even_kernel_same_padding_and_unbatched():
    compare(lambda T, x, w: T.nn.functional.conv2d(x, w, padding='same'), [(1, 2, 5, 6), (3, 2, 2, 4)])
    compare(lambda T, x, w: T.nn.functional.conv2d(x, w), [(2, 5, 5), (3, 2, 3, 3)])


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 3), o=st.integers(1, 3), h=st.integers(3, 8), w=st.integers(3, 8),
       k=st.integers(1, 3), s=st.integers(1, 3), p=st.integers(0, 2), d=st.integers(1, 2))
def test_conv2d_random_geometry(n, c, o, h, w, k, s, p, d):
    if h + 2 * p < d * (k - 1) + 1 or w + 2 * p < d * (k - 1) + 1:
        return
    compare(lambda T, x, wt: T.nn.functional.conv2d(x, wt, stride=s, padding=p, dilation=d),
            [(n, c, h, w), (o, c, k, k)], dtypes=('float64',))


def test_conv2d_errors():
    import minitorch
    F = minitorch.nn.functional
    w = minitorch.zeros(4, 1, 3, 3)
    with pytest.raises(RuntimeError, match='unsqueeze'):
        F.conv2d(minitorch.zeros(2, 2, 28, 28, 1), w)
    with pytest.raises(RuntimeError, match='expected input.* to have 1 channels, but got 3'):
        F.conv2d(minitorch.zeros(2, 3, 8, 8), w)
    with pytest.raises(RuntimeError, match='too small'):
        F.conv2d(minitorch.zeros(1, 1, 2, 2), w)



@pytest.mark.parametrize('p', [(1, 2), (1, 0, 2, 1), (0, 1, 1, 0, 2, 0), (-1, 2), (2, -1, 1, 1)])
def test_pad_constant(p):
    compare(lambda T, x: T.nn.functional.pad(x, p), [(2, 3, 4)])
    compare(lambda T, x: T.nn.functional.pad(x, p, value=1.5), [(2, 3, 4)])


@pytest.mark.parametrize('kw', [{'padding': 1}, {'stride': 2, 'dilation': 2}, {'groups': 2, 'padding': (1, 0)}])
def test_conv2d_in_batch_chunks(monkeypatch, kw):
    """Large batches run in chunks of a few images; force one image per chunk and compare."""
    from minitorch.ops import conv
    monkeypatch.setattr(conv, 'CHUNK_BYTES', 1)
    compare(lambda T, x, w, b: T.nn.functional.conv2d(x, w, b, **kw), [(5, 4, 7, 6), (6, 4 // kw.get('groups', 1), 3, 3), (6,)])


def test_conv2d_bias_errors():
    import minitorch
    F = minitorch.nn.functional
    x, w = minitorch.zeros(1, 1, 5, 5), minitorch.zeros(4, 1, 3, 3)
    with pytest.raises(RuntimeError, match=r'expected bias to be 1-dimensional with 4 elements, but got bias of size \[5\]'):
        F.conv2d(x, w, minitorch.zeros(5))
    with pytest.raises(RuntimeError, match='Input type .*float32.* and bias type .*float64.* should be the same'):
        F.conv2d(x, w, minitorch.zeros(4, dtype=minitorch.float64))


def test_conv2d_grad_fn_includes_bias():
    import minitorch
    x = minitorch.randn(1, 1, 5, 5)
    conv = minitorch.nn.Conv2d(1, 2, 3)
    assert conv(x).grad_fn.name() == 'ConvolutionBackward0'


@pytest.mark.parametrize('x_shape, o, kw', [
    ((2, 16, 6, 6), 16, {'padding': 1}),          # even output: whole 2x2 tiles
    ((3, 16, 7, 5), 17, {}),                      # odd output, no padding
    ((1, 18, 5, 8), 16, {'padding': (2, 1)}),     # uneven padding larger than the kernel's reach
    ((16, 4, 4), 16, {'padding': 1}),             # unbatched
])
def test_conv2d_winograd(x_shape, o, kw):
    """3x3 stride-1 convolutions with 16+ channels run as Winograd F(2x2, 3x3)."""
    from minitorch.ops import conv
    c = x_shape[-3]
    assert conv.ConvGeometry((1, 1), (1, 1), (1, 1), 1).winograd(np.zeros(x_shape), (o, c, 3, 3))
    compare(lambda T, x, w, b: T.nn.functional.conv2d(x, w, b, **kw), [x_shape, (o, c, 3, 3), (o,)])
    compare(lambda T, x, w: T.nn.functional.conv2d(x, w, **kw), [x_shape, (o, c, 3, 3)], dtypes=('float32',))


def test_conv2d_winograd_keeps_nothing_under_no_grad():
    """The forward keeps its transformed weights and tiles for the backward only when a graph is
    recorded; without one the result is the same and nothing is kept."""
    import minitorch
    x, w = minitorch.randn(2, 16, 7, 7), minitorch.randn(16, 16, 3, 3, requires_grad=True)
    y = minitorch.nn.functional.conv2d(x, w, padding=1)
    assert y.grad_fn.columns is not None
    with minitorch.no_grad():
        z = minitorch.nn.functional.conv2d(x, w, padding=1)
    assert z.grad_fn is None
    np.testing.assert_array_equal(y.detach().numpy(), z.numpy())
    y.sum().backward()
    assert y.grad_fn.columns is None  # released with the graph


def test_conv2d_winograd_in_batch_chunks(monkeypatch):
    from minitorch.ops import winograd
    monkeypatch.setattr(winograd, 'CHUNK_BYTES', 1)
    compare(lambda T, x, w, b: T.nn.functional.conv2d(x, w, b, padding=1), [(3, 16, 5, 6), (16, 16, 3, 3), (16,)])


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 3), o=st.integers(1, 3), h=st.integers(1, 8), w=st.integers(1, 8),
       p=st.integers(0, 3))
def test_conv2d_winograd_random_geometry(n, c, o, h, w, p):
    """Winograd on every small geometry (its channel threshold lowered to 1)."""
    if h + 2 * p < 3 or w + 2 * p < 3:
        return
    from minitorch.ops import winograd
    saved, winograd.MIN_CHANNELS = winograd.MIN_CHANNELS, 1
    try:
        compare(lambda T, x, wt: T.nn.functional.conv2d(x, wt, padding=p), [(n, c, h, w), (o, c, 3, 3)],
                dtypes=('float64',))
    finally:
        winograd.MIN_CHANNELS = saved
