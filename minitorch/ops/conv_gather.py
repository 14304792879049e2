"""Small convolutions with one gather: the whole column matrix in a single indexed read.

For a handful of images and channels a convolution is a few thousand multiply-adds and its time
is the number of numpy calls, not arithmetic. Here the columns (every receptive field, one per
output pixel) come from one ``take`` of the padded input through an index array cached per
geometry, the output is one batched product, and the input gradient goes back through the same
index with one unbuffered ``add.at``: about a dozen calls for a whole forward and backward pass,
against about forty for im2col's copies per kernel offset.
"""
import functools

import numpy as np

from .._backend import is_cpu_array

# Up to this many column entries (images x C*kh*kw x output pixels) the gather is the faster way
# (measured: 2x faster at 441, even near 2500; add.at makes it slower beyond).
MAX_ELEMENTS = 2048


def applies(array, w_shape, out_size, groups):
    """Whether this convolution is small enough for the gather (CPU arrays, no groups)."""
    n = array.shape[0]
    return (is_cpu_array(array) and groups == 1
            and n * w_shape[1] * w_shape[2] * w_shape[3] * out_size[0] * out_size[1] <= MAX_ELEMENTS)


@functools.lru_cache(maxsize=64)
def _index(c, hp, wp, kh, kw, ho, wo, stride, dilation):
    """For each (channel, kernel row, kernel column) and output pixel: the flat position it reads in
    one padded image (C, Hp, Wp)."""
    (sh, sw), (dh, dw) = stride, dilation
    ch, i, j, p, q = np.ix_(np.arange(c), np.arange(kh), np.arange(kw), np.arange(ho), np.arange(wo))
    index = ch * hp * wp + (p * sh + i * dh) * wp + (q * sw + j * dw)
    return index.reshape(c * kh * kw, ho * wo)


class _Gather:
    """The padded size and index of one convolution."""

    def __init__(self, geom, x_shape, w_shape):
        _, self.c, self.h, self.w = x_shape
        self.o, _, kh, kw = w_shape
        self.ph, self.pw = geom.padding
        self.hp, self.wp = self.h + 2 * self.ph, self.w + 2 * self.pw
        self.ho, self.wo = geom.out_size(self.h, self.w, kh, kw)
        self.index = _index(self.c, self.hp, self.wp, kh, kw, self.ho, self.wo, geom.stride, geom.dilation)

    def columns(self, x):
        """(n, C*kh*kw, Ho*Wo): every receptive field of x."""
        n = x.shape[0]
        if self.ph or self.pw:
            padded = np.zeros((n, self.c, self.hp, self.wp), dtype=x.dtype)
            padded[:, :, self.ph:self.ph + self.h, self.pw:self.pw + self.w] = x
            x = padded
        return x.reshape(n, -1)[:, self.index]


def convolve(geom, x, w, b):
    """(y, columns): y = conv(x, w) + b, and x's columns for the weight gradient."""
    g = _Gather(geom, x.shape, w.shape)
    cols = g.columns(x)
    y = w.reshape(g.o, -1) @ cols
    if b is not None:
        y += b[:, None]
    return y.reshape(x.shape[0], g.o, g.ho, g.wo), cols


def convolution_grads(geom, gy, x_shape, w_shape, w=None, x=None, columns=None):
    """dL/dx (if the weight ``w`` is given) and dL/dw (if the input ``x`` is given) from dL/dy;
    ``columns``: x's columns, when the forward pass kept them."""
    g = _Gather(geom, x_shape, w_shape)
    n = gy.shape[0]
    gy = gy.reshape(n, g.o, -1)
    gx = gw = None
    if x is not None:
        cols = columns if columns is not None else g.columns(x)
        gw = np.matmul(gy, cols.transpose(0, 2, 1)).sum(0).reshape(w_shape)
    if w is not None:
        grad_cols = w.reshape(g.o, -1).T @ gy                      # n, C*kh*kw, Ho*Wo
        padded = np.zeros((n, g.c * g.hp * g.wp), dtype=gy.dtype)
        np.add.at(padded, (np.arange(n)[:, None, None], g.index), grad_cols)
        gx = padded.reshape(n, g.c, g.hp, g.wp)[:, :, g.ph:g.ph + g.h, g.pw:g.pw + g.w]
        if g.ph or g.pw:
            gx = np.ascontiguousarray(gx)
    return gx, gw
