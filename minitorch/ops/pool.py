"""2-D pooling over the last two dims: max, average and adaptive average.

Max pooling keeps, for each output pixel, the input pixel that won. Its gradient sends each
output gradient back to that pixel (``MaxPoolScatter``); the adjoint of that scatter reads the
same pixels (``MaxPoolGather``), which is max pooling itself once the winners are known. The two
are each other's backward, so every derivative order works.

Average pooling (plain and adaptive) is a linear map of each plane, ``y = Ph @ x @ Pwᵀ``, with
small pooling matrices: row i of ``Ph`` holds 1/divisor on the input rows of output row i's
window. Its adjoint is the same map with the transposed matrices, so gradients of every order
are one more ``PoolMatrices`` op.
"""
import functools

import numpy as np

from ..autograd import grad_mode
from ..autograd.function import Op
from .._backend import xp_of
from ..tensor import Tensor
from .inplace import _scalar_name

# Below this many entries, (Ph ⊗ Pw) applied as one (planes, H*W) @ (H*W, Ho*Wo) product beats
# two small matrix products per plane, which cost a call each (measured on 7x7..28x28 planes).
_KRON_MAX = 1 << 14

# Max pooling with at most this many windows finds maxima and winners by one stack and argmax;
# larger inputs by passes over the taps, which copy less (measured crossover: 400-1600 windows).
SMALL_WINDOWS = 512


# -- max pooling ------------------------------------------------------------------------------

class MaxPoolGather(Op):
    """y = x at the given flat plane indices (H*W-based, as torch's ``return_indices``)."""
    backward_name = 'MaxPool2DWithIndicesBackward0'
    saves = ()  # reads only the indices, never x

    def __init__(self, indices, in_shape, overlap):
        # overlap: whether windows can share a pixel (the scatter then has to add)
        self.indices, self.in_shape, self.overlap = indices, in_shape, overlap

    def forward(self, x):
        plane = self.in_shape[-2] * self.in_shape[-1]
        idx = self.indices.reshape(-1, self.indices.shape[-2] * self.indices.shape[-1])
        out = xp_of(x).take_along_axis(x.reshape(-1, plane), idx, axis=1)
        return out.reshape(self.indices.shape)

    def backward(self, grad):
        return (MaxPoolScatter(self.indices, self.in_shape, self.overlap)(grad),)

    def backward_arrays(self, grad):
        return (_scatter(grad, self.indices, self.in_shape, self.overlap),)


def _scatter(g, indices, in_shape, overlap):
    """Each of ``g``'s values added onto the input pixel ``indices`` names (zeros elsewhere)."""
    xp = xp_of(g)
    plane = in_shape[-2] * in_shape[-1]
    planes = indices.reshape(-1, indices.shape[-2] * indices.shape[-1])
    if overlap:  # a pixel can win several windows: their gradients add up
        flat = (planes + xp.arange(planes.shape[0])[:, None] * plane).ravel()
        out = xp.bincount(flat, weights=g.ravel(), minlength=planes.shape[0] * plane).astype(g.dtype, copy=False)
    else:  # every pixel wins at most once: a plain assignment, plane by plane
        out = xp.zeros((planes.shape[0], plane), dtype=g.dtype)
        out[xp.arange(planes.shape[0])[:, None], planes] = g.reshape(planes.shape)
    return out.reshape(in_shape)


class MaxPoolScatter(Op):
    """dL/dx of max pooling: each output's gradient added onto the input pixel it came from."""
    backward_name = 'MaxPool2DWithIndicesBackwardBackward0'
    saves = ()

    def __init__(self, indices, in_shape, overlap):
        self.indices, self.in_shape, self.overlap = indices, in_shape, overlap

    def forward(self, g):
        return _scatter(g, self.indices, self.in_shape, self.overlap)

    def backward(self, grad):
        return (MaxPoolGather(self.indices, self.in_shape, self.overlap)(grad),)


class MaxPool2d(MaxPoolGather):
    """Max pooling; forward finds the winners (``self.indices``), backward is the gather's."""
    backward_name = 'MaxPool2DWithIndicesBackward0'

    def __init__(self, kernel, stride, padding, dilation, out_hw, find_indices):
        self.kernel, self.stride, self.padding, self.dilation, self.out_hw = kernel, stride, padding, dilation, out_hw
        self.find_indices = find_indices  # inference without return_indices needs only the maxima
        (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
        self.overlap = sh < dh * (kh - 1) + 1 or sw < dw * (kw - 1) + 1

    def forward(self, x):
        xp = xp_of(x)
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = self.kernel, self.stride, self.padding, self.dilation
        (ho, wo), h, w = self.out_hw, x.shape[-2], x.shape[-1]
        self.in_shape = x.shape
        bottom, right, offsets, corner, first_real = _max_pool_plan(h, w, self.kernel, self.stride, self.padding,
                                                                    self.dilation, self.out_hw)
        padded = bool(ph or pw or bottom or right)
        low = -np.inf if x.dtype.kind == 'f' else np.iinfo(x.dtype).min
        if padded:  # the lowest value never beats a real pixel
            canvas = xp.full(x.shape[:-2] + (ph + h + bottom, pw + w + right), low, dtype=x.dtype)
            canvas[..., ph:ph + h, pw:pw + w] = x
            x = canvas
        # each kernel tap sees an (ho, wo) grid that is a strided view: one pass per tap, none per pixel
        views = [x[..., i * dh:i * dh + sh * (ho - 1) + 1:sh, j * dw:j * dw + sw * (wo - 1) + 1:sw]
                 for i in range(kh) for j in range(kw)]
        if self.find_indices and views[0].size <= SMALL_WINDOWS:
            out, where = _max_by_argmax(xp, views, offsets)
        elif len(views) == 4 and self.find_indices:
            out, where = _max_of_four(xp, views, offsets)
        else:
            out = views[0].copy()
            for v in views[1:]:
                xp.maximum(out, v, out=out)  # propagates NaN, as torch
            if not self.find_indices:
                return out
            # the first tap holding the max wins ties, as in torch: walk backwards so earlier taps overwrite
            where = xp.zeros(out.shape, dtype=xp.int64)
            for v, off in zip(views[::-1], offsets[::-1]):
                xp.copyto(where, off, where=(v == out))
        if (out != out).any():  # a NaN wins its window; torch names the window's last NaN
            for v, off in zip(views, offsets):
                xp.copyto(where, off, where=(v != v))
        where += xp.asarray(corner)  # in place: the indices are the step's largest saved array
        if padded:  # a window whose real pixels all equal the padding value: torch names its first real pixel
            where = xp.where(out == low, xp.asarray(first_real), where)
        self.indices = where
        return out


def _max_by_argmax(xp, views, offsets):
    """Max and winning tap offset of few windows: the taps stacked, then one max and one argmax
    (which, like torch, names the first tap on ties). Fewer numpy calls than the passes per tap,
    which is what counts when the arrays are tiny."""
    taps = xp.stack(views)
    return taps.max(0), xp.asarray(offsets)[taps.argmax(0)]


def _max_of_four(xp, views, offsets):
    """Max and winning tap offset of 2x2 windows (the common kernel) as a small tournament: each
    row's winner, then the better row. Strict comparisons keep the first tap on ties, as torch
    does; a third fewer passes over the data than the general loop."""
    a, b, c, d = views
    top, bottom = xp.maximum(a, b), xp.maximum(c, d)
    right_in_top, right_in_bottom = b > a, d > c
    lower = bottom > top
    out = xp.maximum(top, bottom, out=top)
    where = lower * offsets[2]                                   # int64: row offset of the winner
    where += xp.where(lower, right_in_bottom, right_in_top) * offsets[1]
    return out, where


@functools.lru_cache(maxsize=256)
def _max_pool_plan(h, w, kernel, stride, padding, dilation, out_hw):
    """What max pooling an (h, w) plane needs besides the pixels: the extra bottom/right padding that
    ceil_mode's last windows read, each kernel tap's flat offset within a window, and, per window,
    the flat index of its top-left corner and of its first real (unpadded) pixel."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw), (ho, wo) = kernel, stride, padding, dilation, out_hw
    bottom = max(0, (ho - 1) * sh + dh * (kh - 1) + 1 - h - ph)
    right = max(0, (wo - 1) * sw + dw * (kw - 1) + 1 - w - pw)
    offsets = [i * dh * w + j * dw for i in range(kh) for j in range(kw)]
    rows, cols = np.arange(ho) * sh - ph, np.arange(wo) * sw - pw  # window corners, unpadded coordinates
    corner = rows[:, None] * w + cols
    first_real = np.where(rows < 0, rows % dh, rows)[:, None] * w + np.where(cols < 0, cols % dw, cols)
    corner.flags.writeable = first_real.flags.writeable = False
    return bottom, right, offsets, corner, first_real


def _pair(v, fn, name, how='must either be a single int, or a tuple of two ints'):
    if isinstance(v, int):
        return (v, v)
    v = tuple(v)
    if len(v) == 1:
        return (v[0], v[0])
    if len(v) != 2:
        raise RuntimeError(f"{fn}: {name} {how}")
    return v


def _out_size(size, k, s, p, d, ceil_mode):
    """torch's pooling output size: windows that fit, plus (ceil_mode) a last partial one that
    starts inside the input or the left padding."""
    n = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (n - 1) * s >= size + p:
        n -= 1
    return n


def _check_pool(fn, input, kernel, stride, padding, dilation, ceil_mode):
    """torch's argument and shape checks for 2-D pooling; returns the output (Ho, Wo)."""
    shape = input.shape
    if input.dim() not in (3, 4):
        raise RuntimeError(f"non-empty 3D or 4D (batch mode) tensor expected for input, but got {list(shape)}; "
                           "a batch of grayscale images needs its channel dim: x.unsqueeze(1)")
    if 0 in shape[-3:]:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
                           f"but got:{list(shape)}")
    return _pool_geometry(fn, kernel, stride, padding, dilation, ceil_mode, *shape[-3:])


@functools.lru_cache(maxsize=256)
def _pool_geometry(fn, kernel, stride, padding, dilation, ceil_mode, c, h, w):
    """The checks that depend only on the arguments and the plane size (cached: a training loop
    pools the same shapes every step); returns the output (Ho, Wo)."""
    if 0 in stride:
        raise RuntimeError("stride should not be zero")
    if min(padding) < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(padding)}")
    for k, p, d in zip(kernel, padding, dilation):
        if 2 * p > d * (k - 1) + 1:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    if kh <= 0 or kw <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kh} kW: {kw}")
    if sh <= 0 or sw <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {sh} dW: {sw}")
    if dh <= 0 or dw <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dh} dilationW: {dw}")
    if ph > kh // 2 or pw > kw // 2:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = {pw}, "
                           f"padH = {ph}, kW = {kw}, kH = {kh}")
    ho, wo = _out_size(h, kh, sh, ph, dh, ceil_mode), _out_size(w, kw, sw, pw, dw, ceil_mode)
    if ho < 1 or wo < 1:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{ho}x{wo}). "
                           f"Output size is too small (in {fn}); use a smaller kernel or stride, or more padding")
    for size, s, p, d in ((h, sh, ph, dh), (w, sw, pw, dw)):
        # a window starting in the padding whose dilated taps jump over the whole input has no pixel
        # to pick (torch returns -inf with an out-of-range index there, and its backward crashes)
        if any(start % d >= size for start in range(-p, 0, s)):
            raise RuntimeError(f"{fn}: with padding={p} and dilation={d}, a window over an input of size {size} "
                               "covers no input pixel; use less padding or dilation")
    return ho, wo


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling over (N, C, H, W) or (C, H, W) input. ``stride`` defaults to ``kernel_size``;
    padding counts as -inf. With ``return_indices``, also returns each max's flat index into its
    input plane (H*W), as ``max_unpool2d`` expects."""
    if input.dtype.name == 'bool':
        raise NotImplementedError("\"max_pool2d\" not implemented for 'Bool'; convert with x.float()")
    kernel = _pair(kernel_size, 'max_pool2d', 'kernel_size')
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else \
        _pair(stride, 'max_pool2d', 'stride', 'must either be omitted, a single int, or a tuple of two ints')
    padding = _pair(padding, 'max_pool2d', 'padding')
    dilation = _pair(dilation, 'max_pool2d', 'dilation', 'must be either a single int, or a tuple of two ints')
    out_hw = _check_pool('max_pool2d', input, kernel, stride, padding, dilation, ceil_mode)
    op = MaxPool2d(kernel, stride, padding, dilation, out_hw,
                   return_indices or (input.requires_grad and grad_mode.enabled))
    out = op(input)
    return (out, Tensor._make(op.indices)) if return_indices else out


# -- average pooling --------------------------------------------------------------------------

class PoolMatrices(Op):
    """y = Ph @ x @ Pwᵀ over the last two dims; its adjoint is the same op with Phᵀ and Pwᵀ.

    ``mats`` is (Ph, Pw, K) with K = Ph ⊗ Pw when that is small (then y is one product for all
    planes: (planes, H*W) @ Kᵀ) or None.
    """
    saves = ()  # linear: backward needs only the matrices

    def __init__(self, mats, name, adjoint_name):
        self.mats, self.backward_name, self.adjoint_name = mats, name, adjoint_name

    def forward(self, x):
        xp = xp_of(x)
        ph, pw, k = (m if m is None else xp.asarray(m) for m in self.mats)
        if k is not None:
            y = x.reshape(-1, x.shape[-2] * x.shape[-1]) @ k.T
            return y.reshape(x.shape[:-2] + (ph.shape[0], pw.shape[0]))
        return ph @ x @ pw.T

    def backward(self, grad):
        transposed = tuple(m if m is None else m.T for m in self.mats)
        return (PoolMatrices(transposed, self.adjoint_name, self.backward_name)(grad),)


def _avg_matrix(size, k, s, p, out, count_include_pad, divisor=None):
    """(out, size) matrix averaging each window of one dim: by ``divisor`` when given, else by
    torch's window size (padding included when ``count_include_pad``)."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, size + p)  # a ceil_mode window is clipped to the padded input
    lo, hi = np.maximum(start, 0), np.minimum(end, size)
    if divisor is None:
        divisor = ((end - start) if count_include_pad else (hi - lo))[:, None]
    r = np.arange(size)
    return ((r >= lo[:, None]) & (r < hi[:, None])) / divisor


def _adaptive_matrix(size, out):
    """(out, size) matrix of torch's adaptive windows: [floor(i*size/out), ceil((i+1)*size/out))."""
    i = np.arange(out)
    lo, hi = (i * size) // out, -((-(i + 1) * size) // out)
    r = np.arange(size)
    return ((r >= lo[:, None]) & (r < hi[:, None])) / (hi - lo)[:, None]


def _with_kron(ph, pw, dtype):
    ph, pw = ph.astype(dtype), pw.astype(dtype)
    k = np.kron(ph, pw) if ph.size * pw.size <= _KRON_MAX else None
    for m in (ph, pw, k):
        if m is not None:
            m.flags.writeable = False  # shared through the cache
    return ph, pw, k


@functools.lru_cache(maxsize=256)
def _avg_matrices(h, w, kernel, stride, padding, out_hw, count_include_pad, divisor_override, dtype):
    # the 2-D divisor is a product of per-dim ones; an override divides once, in Ph
    ph = _avg_matrix(h, kernel[0], stride[0], padding[0], out_hw[0], count_include_pad, divisor_override)
    pw = _avg_matrix(w, kernel[1], stride[1], padding[1], out_hw[1], count_include_pad,
                     None if divisor_override is None else 1)
    return _with_kron(ph, pw, dtype)


@functools.lru_cache(maxsize=256)
def _adaptive_matrices(h, w, ho, wo, dtype):
    return _with_kron(_adaptive_matrix(h, ho), _adaptive_matrix(w, wo), dtype)


def _check_float(fn, input):
    if input.dtype.np.kind != 'f':
        raise NotImplementedError(f"\"{fn}\" not implemented for '{_scalar_name(input.dtype.np)}' in minitorch; "
                                  "convert the input with x.float()")


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling over (N, C, H, W) or (C, H, W) input. ``stride`` defaults to
    ``kernel_size``; padding is zeros, counted in the divisor when ``count_include_pad``;
    ``divisor_override`` replaces the window size as divisor."""
    kernel = _pair(kernel_size, 'avg_pool2d', 'kernel_size')
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else \
        _pair(stride, 'avg_pool2d', 'stride', 'must either be omitted, a single int, or a tuple of two ints')
    padding = _pair(padding, 'avg_pool2d', 'padding')
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    out_hw = _check_pool('avg_pool2d', input, kernel, stride, padding, (1, 1), ceil_mode)
    _check_float('avg_pool2d', input)
    mats = _avg_matrices(*input.shape[-2:], kernel, stride, padding, out_hw, count_include_pad, divisor_override,
                         input.dtype.np)
    return PoolMatrices(mats, 'AvgPool2DBackward0', 'AvgPool2DBackwardBackward0')(input)


def adaptive_avg_pool2d(input, output_size):
    """2-D average pooling to a fixed (Ho, Wo) = ``output_size`` (an int, or a pair whose ``None``
    keeps that input size); output row i averages input rows floor(i*H/Ho) .. ceil((i+1)*H/Ho)-1."""
    if input.dim() not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    for d in range(input.dim() - 3, input.dim()):
        if input.shape[d] == 0:
            raise RuntimeError("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(input.shape)} with dimension {d} being empty")
    size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    if len(size) != 2:
        raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
    h, w = input.shape[-2:]
    ho, wo = (h if size[0] is None else size[0]), (w if size[1] is None else size[1])
    if ho < 0 or wo < 0:
        raise RuntimeError(f"adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 "
                           f"but received {{{ho}, {wo}}}")
    _check_float('adaptive_avg_pool2d', input)
    mats = _adaptive_matrices(h, w, ho, wo, input.dtype.np)
    return PoolMatrices(mats, 'AdaptiveAvgPool2DBackward0', 'AdaptiveAvgPool2DBackwardBackward0')(input)
