"""3x3 convolutions (stride 1) by Winograd's minimal filtering F(2x2, 3x3).

Each 2x2 block of output pixels is computed from the 4x4 input tile around it. Tiles and
weights are first transformed (the input's transform is additions only), then multiplied
position by position: 16 independent matrix products over the channels, which together do
16 multiply-adds per (input channel, output channel, 2x2 block) where im2col does 36. When a
convolution's time is its matrix products (32 channels and more), that is 2.25x less work.
The result is transformed back to output pixels. The gradients run the same linear maps'
adjoints, so they are exact gradients of the convolution, not approximations.

The 1-D transforms (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks"):
  input   B^T d:  v0 = d0 - d2,  v1 = d1 + d2,  v2 = d2 - d1,  v3 = d1 - d3
  weight  G g:    u0 = g0,  u1 = (g0 + g1 + g2) / 2,  u2 = (g0 - g1 + g2) / 2,  u3 = g2
  output  A^T m:  y0 = m0 + m1 + m2,  y1 = m1 - m2 - m3
applied along rows, then along columns.

Layout: tiles are kept pixel-major, (tile rows, tile columns, images, channels), so every
transform step is a handful of numpy calls over long contiguous runs of images x channels;
an NCHW layout would leave inner loops only a few tiles long, where numpy is slow. Columns are
further split into even and odd halves, so that each tile column is one run of slots. The batch
is processed in chunks whose largest buffer stays near ``CHUNK_BYTES``, so the passes over
the transformed tiles stay in cache. Temporaries live in three scratch slots (see _scratch.py):
each step's output goes to a slot that the step's input does not use, so a chunk's passes
ping-pong between the same few hot buffers. The forward can keep its transformed weights (and
tiles, when the batch is one chunk) for the backward, which otherwise recomputes them.

Float32 accuracy: F(2x2, 3x3)'s rounding error is about that of a direct sum (3e-7 of the
output's scale); the larger F(4x4, 3x3) would save more products but is about 10x less
accurate, and would stop matching torch within the parity tolerance, so it is not used.
"""
import numpy as np

from .._backend import is_cpu_array
from ._scratch import buffer

# Largest per-chunk buffer (the 16 matrix products' output). Measured on the 32-128 channel
# convolutions of the benchmark sweep: 2-3 MiB is the fastest range.
CHUNK_BYTES = 5 << 19

# Below this many input or output channels im2col is faster: the transforms cost more than the
# products they save.
MIN_CHANNELS = 16

# G (4x3) for both kernel axes at once: (G kron G), 16 x 9, applied to the flattened 3x3 kernel.
_G = np.array([[1, 0, 0], [.5, .5, .5], [.5, -.5, .5], [0, 0, 1]])
_GG = np.kron(_G, _G)
# A^T (2x4) for both output axes: (A^T kron A^T), 4 x 16.
_AA = np.kron(*2 * [np.array([[1., 1., 1., 0.], [0., 1., -1., -1.]])])


def applies(array, w_shape, stride, dilation, groups):
    """Whether Winograd is the faster way for this convolution: CPU arrays, a 3x3 kernel, stride
    and dilation 1, no groups, and enough channels on both sides that the products dominate."""
    return (is_cpu_array(array) and tuple(w_shape[2:]) == (3, 3) and stride == (1, 1)
            and dilation == (1, 1) and groups == 1 and w_shape[1] >= MIN_CHANNELS
            and w_shape[0] >= MIN_CHANNELS)


class _Tiles:
    """The tiling of one convolution: output size, tile counts, padded input size."""

    def __init__(self, x_shape, w_shape, padding, dtype):
        _, self.c, self.h, self.w = x_shape
        self.k = w_shape[0]
        self.ph, self.pw = padding
        self.ho, self.wo = self.h + 2 * self.ph - 2, self.w + 2 * self.pw - 2
        self.th, self.tw = (self.ho + 1) // 2, (self.wo + 1) // 2
        per_image = 16 * self.th * self.tw * max(self.c, self.k) * dtype.itemsize
        self.chunk = max(1, CHUNK_BYTES // per_image)

    def parts(self, n):
        """The batch in equal chunks (so one set of scratch buffers serves them all, bar the last)."""
        count = -(-n // self.chunk)
        size = -(-n // count)
        return [slice(s, min(n, s + size)) for s in range(0, n, size)]

    def column_halves(self):
        """The padded input's columns split by parity, as (parity, first image column, first slot,
        count): padded column 2t + parity is slot t of that half, image column j is padded column
        pw + j. Halves make every tile column a contiguous run of slots (tile t's columns are
        slots t, t of the other half, t + 1, t + 1), so the column passes run over long blocks."""
        halves = []
        for parity in (0, 1):
            first = (parity - self.pw) % 2
            halves.append((parity, first, (self.pw + first) // 2, len(range(first, self.w, 2))))
        return halves

    def input_tiles(self, x, keep=False):
        """x (n, C, H, W) -> V (16, P, C) in slot a (in a new array with ``keep``): every 4x4 tile,
        transformed; P = th * tw * n."""
        n, th, tw, c = x.shape[0], self.th, self.tw, self.c
        ph, h = self.ph, self.h
        padded = buffer('a', (2 * th + 2, 2, tw + 1, n, c), x.dtype)  # rows, column halves, slots
        padded[:ph] = 0
        padded[ph + h:] = 0
        for parity, first, slot, count in self.column_halves():
            half = padded[ph:ph + h, parity]
            half[:, :slot] = 0
            half[:, slot + count:] = 0
            half[:, slot:slot + count] = x[..., first::2].transpose(2, 3, 0, 1)
        rows = buffer('b', (4, th, 2, tw + 1, n, c), x.dtype)
        _forward_1d([padded[i:i + 2 * th:2] for i in range(4)], rows)
        shape = (4, 4, th, tw, n, c)
        tiles = np.empty(shape, x.dtype) if keep else buffer('a', shape, x.dtype)
        columns = [rows[:, :, 0, :tw], rows[:, :, 1, :tw], rows[:, :, 0, 1:], rows[:, :, 1, 1:]]
        _forward_1d(columns, tiles.transpose(1, 0, 2, 3, 4, 5))
        return tiles.reshape(16, th * tw * n, c)

    def groups(self):
        """(rows, cols, th, tw): the transformed positions [rows, cols] of the 4x4 tile and how many
        tile rows and columns their products need. Position 3 along an axis feeds only the second
        output pixel of the tile there (A^T's first row has a 0 in it), so when the output size is
        odd, where the last tiles' second pixel lies outside the image, position 3 leaves the last
        tile row (or column) out of its products: 12% fewer multiply-adds at 7x7."""
        def split(size, tiles):
            return [(slice(0, 4), tiles)] if size % 2 == 0 else [(slice(0, 3), tiles), (slice(3, 4), tiles - 1)]
        return [(r, c, th, tw) for r, th in split(self.ho, self.th) for c, tw in split(self.wo, self.tw)]

    def products(self, a, b, out):
        """out = a @ b position by position, (16, P, X) @ (16, X, Y) -> (16, P, Y), over the tiles
        each position needs (see ``groups``); the entries of the tiles left out are set to 0."""
        run = out.shape[1] // self.th  # tile columns x images: P is (tile row, tile column, image)
        n = run // self.tw
        a, out = (t.reshape(4, 4, self.th, run, t.shape[-1]) for t in (a, out))
        b = b.reshape(4, 4, *b.shape[1:])
        for r, c, th, tw in self.groups():
            if tw == self.tw:  # whole tile rows: one product over their run of P per position
                np.matmul(a[r, c, :th].reshape(*a[r, c].shape[:2], -1, a.shape[-1]), b[r, c],
                          out=out[r, c, :th].reshape(*out[r, c].shape[:2], -1, out.shape[-1]))
            else:             # the last tile column left out: one product per tile row
                np.matmul(a[r, c, :th, :tw * n], b[r, c][:, :, None], out=out[r, c, :th, :tw * n])
                out[r, c, :, tw * n:] = 0
            out[r, c, th:] = 0

    def weight_products(self, dm, v, out):
        """out = dM^T V position by position, (16, P, K) and (16, P, C) -> (16, K, C), over the tile
        rows each position needs (the left-out tiles' dM is 0, so this only skips zeros)."""
        dm, v, out = dm.reshape(4, 4, *dm.shape[1:]), v.reshape(4, 4, *v.shape[1:]), out.reshape(4, 4, *out.shape[1:])
        run = dm.shape[2] // self.th
        for r, c, th, _ in self.groups():
            np.matmul(dm[r, c, :th * run].transpose(0, 1, 3, 2), v[r, c, :th * run], out=out[r, c])
        return out.reshape(16, *out.shape[2:])

    def pixel_blocks(self, image, pixels):
        """Pairs of matching views: of ``image`` (n, K, Ho, Wo) and of ``pixels`` (row parity, column
        parity, tile row, tile column, n, K), covering every output pixel. One pair for the whole
        2x2 tiles, plus the last row and column (and corner) when Ho or Wo is odd."""
        n, k, ho, wo = image.shape
        a, b = ho // 2, wo // 2
        blocks = [(image[:, :, :2 * a, :2 * b].reshape(n, k, a, 2, b, 2).transpose(3, 5, 2, 4, 0, 1),
                   pixels[:, :, :a, :b])]
        if ho % 2:
            blocks.append((image[:, :, ho - 1, :2 * b].reshape(n, k, b, 2).transpose(3, 2, 0, 1), pixels[0, :, a, :b]))
        if wo % 2:
            blocks.append((image[:, :, :2 * a, wo - 1].reshape(n, k, a, 2).transpose(3, 2, 0, 1), pixels[:, 0, :a, b]))
        if ho % 2 and wo % 2:
            blocks.append((image[:, :, ho - 1, wo - 1], pixels[0, 0, a, b]))
        return blocks

    def output_pixels(self, m, out, bias):
        """M (16, P, K), in slot b -> out (n, K, Ho, Wo), plus the bias when given."""
        n, th, tw, k = out.shape[0], self.th, self.tw, self.k
        # Both 1-D output transforms at once, as one product with (A^T kron A^T): a single pass
        # over M instead of two rounds of elementwise passes.
        pixels = buffer('a', (4, th * tw * n * k), m.dtype)
        np.matmul(_AA.astype(m.dtype, copy=False), m.reshape(16, -1), out=pixels)
        pixels = pixels.reshape(2, 2, th, tw, n, k)
        for image, tile_pixels in self.pixel_blocks(out, pixels):
            # the bias rides on the copy; without one, add 0: numpy's plain assignment walks this
            # transposed copy in a slower order (3x, measured) than a ufunc does
            np.add(tile_pixels, 0 if bias is None else bias, out=image)

    def output_grad_tiles(self, gy):
        """The adjoint of ``output_pixels``: dL/dy (n, K, Ho, Wo) -> dL/dM (16, P, K) in slot c."""
        n, th, tw, k = gy.shape[0], self.th, self.tw, self.k
        pixels = buffer('a', (2, 2, th, tw, n, k), gy.dtype)
        for image, tile_pixels in self.pixel_blocks(gy, pixels):
            tile_pixels[...] = image
        if self.ho % 2:
            pixels[1, :, th - 1] = 0  # the last tile row's second row lies outside the image
        if self.wo % 2:
            pixels[:, 1, :, tw - 1] = 0
        tiles = buffer('c', (16, th * tw * n, k), gy.dtype)
        np.matmul(_AA.T.astype(gy.dtype, copy=False), pixels.reshape(4, -1), out=tiles.reshape(16, -1))
        return tiles

    def input_grad(self, dv, out):
        """The adjoint of ``input_tiles``: dL/dV (16, P, C), in slot b -> dL/dx, written into out (n, C, H, W)."""
        n, th, tw, c = out.shape[0], self.th, self.tw, self.c
        dv = dv.reshape(4, 4, th, tw, n, c)
        cols = buffer('a', (4, th, 2, tw + 1, n, c), dv.dtype)  # as input_tiles' rows: column halves
        _input_adjoint_1d(dv.transpose(1, 3, 0, 2, 4, 5), cols.transpose(3, 2, 0, 1, 4, 5))
        # the copy into NCHW below steps through this buffer a pixel at a time; when that step (n x c
        # values) is a multiple of 2 KiB, every read maps to the same few cache sets, so a spare cache
        # line goes after each pixel
        pitch = n * c + (64 // dv.itemsize if n * c * dv.itemsize % 2048 == 0 else 0)
        padded = buffer('b', (th + 1, 2, 2, tw + 1, pitch), dv.dtype)[..., :n * c].reshape(th + 1, 2, 2, tw + 1, n, c)
        _input_adjoint_1d(cols, padded)
        padded = padded.reshape(2 * th + 2, 2, tw + 1, n, c)[self.ph:self.ph + self.h]
        for parity, first, slot, count in self.column_halves():
            out[..., first::2] = padded[:, parity, slot:slot + count].transpose(2, 3, 0, 1)


def _forward_1d(d, out):
    """out[0..3] = B^T (d0, d1, d2, d3) along out's first axis."""
    np.subtract(d[0], d[2], out=out[0])
    np.add(d[1], d[2], out=out[1])
    np.subtract(d[2], d[1], out=out[2])
    np.subtract(d[1], d[3], out=out[3])


def _input_adjoint_1d(v, out):
    """The adjoint of ``_forward_1d`` over overlapping tiles: tile t's four values (v0..v3 on v's
    first axis, tiles on its second) land on pixels 2t..2t+3 of ``out``, an array (T+1, 2, ...)
    whose first two axes are the pixel index 2t + parity.
    Per tile: d0 = v0, d1 = v1 - v2 + v3, d2 = v1 + v2 - v0, d3 = -v3; pixels 2t+2 and 2t+3
    belong to the next tile's d0 and d1 too, so:
      pixel 2t = v0[t] + d2[t-1],   pixel 2t+1 = (v1 - v2 + v3)[t] - v3[t-1]."""
    t = v.shape[1]
    even, odd = out[:, 0], out[:, 1]
    d2 = np.add(v[1], v[2], out=even[1:])      # d2[t-1], written where it lands
    d2 -= v[0]
    even[1:t] += v[0, 1:]
    even[0] = v[0, 0]
    d1 = np.subtract(v[1], v[2], out=odd[:t])
    d1 += v[3]
    odd[t] = 0
    odd[1:] -= v[3]


def _weight_tiles(w, keep=False):
    """w (K, C, 3, 3) -> U (16, K, C) = G w G^T for every channel pair (one small product), in a
    scratch slot (in a new array with ``keep``)."""
    k, c = w.shape[:2]
    u = np.empty((16, k * c), w.dtype) if keep else buffer('weights', (16, k * c), w.dtype)
    np.matmul(_GG.astype(w.dtype), w.reshape(k * c, 9).T, out=u)
    return u.reshape(16, k, c)


def _weight_grad(du):
    """The adjoint of ``_weight_tiles``: dL/dU (16, K, C) -> dL/dw (K, C, 3, 3)."""
    _, k, c = du.shape
    return (du.reshape(16, k * c).T @ _GG.astype(du.dtype)).reshape(k, c, 3, 3)


def convolve(x, w, b, padding, keep=False):
    """y = conv(x, w) + b for a 3x3, stride-1 convolution, on numpy arrays. With ``keep``, returns
    (y, saved): the transformed weights, and the transformed tiles when the batch is one chunk
    (else None), for ``convolution_grads`` to reuse instead of recomputing them."""
    tiles = _Tiles(x.shape, w.shape, padding, x.dtype)
    u = _weight_tiles(w, keep)
    y = np.empty((x.shape[0], tiles.k, tiles.ho, tiles.wo), dtype=x.dtype)
    parts = tiles.parts(x.shape[0])
    for part in parts:
        v = tiles.input_tiles(x[part], keep and len(parts) == 1)
        m = buffer('b', (16, v.shape[1], tiles.k), x.dtype)
        tiles.products(v, u.transpose(0, 2, 1), m)
        tiles.output_pixels(m, y[part], b)
    return (y, (u, v if len(parts) == 1 else None)) if keep else y


def convolution_grads(gy, x_shape, w_shape, padding, w=None, x=None, saved=None):
    """dL/dx (if the weight ``w`` is given) and dL/dw (if the input ``x`` is given) from dL/dy.
    ``saved``: what ``convolve`` kept for this convolution, or None."""
    tiles = _Tiles(x_shape, w_shape, padding, gy.dtype)
    k, c = w_shape[:2]
    kept_u, kept_v = saved if saved is not None else (None, None)
    gx = None if w is None else np.empty(x_shape, dtype=gy.dtype)
    u = None if w is None else kept_u if kept_u is not None else _weight_tiles(w)
    du = None if x is None else buffer('weight grads', (16, k, c), gy.dtype)
    for i, part in enumerate(tiles.parts(gy.shape[0])):
        dm = tiles.output_grad_tiles(gy[part])
        if x is not None:
            v = kept_v if kept_v is not None else tiles.input_tiles(x[part])
            if i == 0:
                tiles.weight_products(dm, v, du)
            else:
                du += tiles.weight_products(dm, v, buffer('b', (16, k, c), gy.dtype))
        if w is not None:
            dv = buffer('b', (16, dm.shape[1], c), gy.dtype)
            tiles.products(dm, u, dv)
            tiles.input_grad(dv, gx[part])
    return gx, None if du is None else _weight_grad(du)
