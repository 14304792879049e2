"""2-D convolution as matrix products over the input's receptive fields (im2col).

Three ops close the family under differentiation, so every derivative order works:
``Conv2d(x, w[, b])``, its input gradient ``Conv2dInputGrad(gy, w)`` and its weight gradient
``Conv2dWeightGrad(x, gy)``; each one's backward is written with the other two.
Inputs are (N, C, H, W), weights (O, C/groups, kh, kw).

The array functions ``convolve`` and ``convolution_grads`` pick one of three algorithms, the
same one for a convolution's forward and backward passes:
- on the CPU, 3x3 stride-1 kernels with 16+ channels each side: Winograd F(2x2, 3x3)
  (winograd.py), 2.25x fewer multiply-adds where the matrix products dominate;
- on the CPU, tiny problems (a few thousand column entries): one gather (conv_gather.py),
  where the count of numpy calls is the cost;
- everything else, and every convolution on a GPU: im2col, below.

Speed and memory of im2col (on the CPU) come from three choices:
- the column matrix is kernel-major, (groups, C/g*kh*kw, N*Ho*Wo), built with one strided copy
  per kernel offset whose inner runs are whole image rows: far faster than copying a
  6-d window view whose innermost axis is only kw long;
- the batch is processed in chunks whose column matrix stays around ``CHUNK_BYTES`` (it fits
  in cache, and the copy never grows with the batch: torch's own convolutions allocate none);
- the bias is added while the product is written out in (N, O, Ho, Wo) order, one pass for both.
"""
import functools

from ..autograd import grad_mode
from ..autograd.function import Op
from .._backend import xp_of, is_cpu_array
from . import conv_gather, winograd

# Budget for one chunk's column matrix. Measured on the lesson 7 convolutions: 1-4 MiB is the
# fastest range (smaller chunks pay Python overhead per chunk, larger ones fall out of cache).
CHUNK_BYTES = 2 << 20


class ConvGeometry:
    """Stride, padding, dilation and groups of one convolution, plus the shapes they imply."""

    __slots__ = ('stride', 'padding', 'dilation', 'groups')

    def __init__(self, stride, padding, dilation, groups):
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups

    def out_size(self, h, w, kh, kw):
        (sh, sw), (ph, pw), (dh, dw) = self.stride, self.padding, self.dilation
        return (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1

    def chunk(self, x, k_per_group, ho, wo):
        """How many images to process at once so that one chunk's columns stay near CHUNK_BYTES.
        Accelerators take the whole batch: there, fewer and larger kernels win."""
        n = x.shape[0]
        if not is_cpu_array(x):
            return n
        per_image = self.groups * k_per_group * ho * wo * x.dtype.itemsize
        return max(1, min(n, CHUNK_BYTES // per_image))

    def winograd(self, array, w_shape):
        """Whether this convolution runs as Winograd F(2x2, 3x3) (see winograd.py)."""
        return winograd.applies(array, w_shape, self.stride, self.dilation, self.groups)

    def gather(self, array, w_shape, out_hw):
        """Whether this convolution is small enough to run by one gather (see conv_gather.py)."""
        return conv_gather.applies(array, w_shape, out_hw, self.groups)

    def windows(self, kh, kw, ho, wo):
        """For each kernel offset (i, j): the index of the padded input that it reads, one pixel
        per output pixel (strided slices over the last two axes)."""
        return _windows(self.stride, self.dilation, kh, kw, ho, wo)

    def columns(self, x, kh, kw, ho, wo):
        """x's receptive fields as a (groups, C/g*kh*kw, N*Ho*Wo) matrix (kernel-major)."""
        xp = xp_of(x)
        n, c, h, w = x.shape
        (ph, pw), g = self.padding, self.groups
        if ph or pw:
            padded = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=x.dtype)
            padded[:, :, ph:ph + h, pw:pw + w] = x
            x = padded
        # (g, C/g, N, H', W'): a view; each copy below moves whole rows of one kernel offset
        source = x.reshape(n, g, c // g, x.shape[2], x.shape[3]).transpose(1, 2, 0, 3, 4)
        cols = xp.empty((g, c // g, kh, kw, n, ho, wo), dtype=x.dtype)
        for (i, j), window in self.windows(kh, kw, ho, wo):
            cols[:, :, i, j] = source[window]
        return cols.reshape(g, (c // g) * kh * kw, n * ho * wo)

    def fold(self, cols, out, kh, kw, ho, wo):
        """The adjoint of ``columns``: add each column back onto its input pixels, into ``out``
        (N, C, H, W). One strided add per kernel offset, never a loop over pixels."""
        xp = xp_of(cols)
        n, c, h, w = out.shape
        (ph, pw), g = self.padding, self.groups
        cols = cols.reshape(g, c // g, kh, kw, n, ho, wo)
        target = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype) if (ph or pw) else out
        if target is out:
            out[...] = 0
        by_group = target.reshape(n, g, c // g, target.shape[2], target.shape[3]).transpose(1, 2, 0, 3, 4)
        add = xp.add
        for (i, j), window in self.windows(kh, kw, ho, wo):
            pixels = by_group[window]
            add(pixels, cols[:, :, i, j], out=pixels)  # not `+=`: that would copy the view onto itself again
        if target is not out:
            out[...] = target[:, :, ph:ph + h, pw:pw + w]


@functools.lru_cache(maxsize=256)
def _windows(stride, dilation, kh, kw, ho, wo):
    (sh, sw), (dh, dw) = stride, dilation
    return tuple(((i, j), (Ellipsis, slice(i * dh, i * dh + sh * (ho - 1) + 1, sh),
                           slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)))
                 for i in range(kh) for j in range(kw))


def _weight_matrix(w, groups):
    """(O, C/g, kh, kw) -> (g, O/g, C/g*kh*kw), a view."""
    return w.reshape(groups, w.shape[0] // groups, -1)


def _channels_first(gy, groups):
    """(n, O, Ho, Wo) -> (g, O/g, n*Ho*Wo), one contiguous copy (BLAS needs a plain matrix)."""
    n, o, ho, wo = gy.shape
    gy = gy.reshape(n, groups, o // groups, ho * wo).transpose(1, 2, 0, 3)
    return xp_of(gy).ascontiguousarray(gy).reshape(groups, o // groups, n * ho * wo)


def _bias_grad(gy):
    """dL/db = dL/dy summed over images and pixels: as a matrix-vector product with ones, which
    BLAS does in one pass (numpy's sum over axes (0, 2, 3) is several times slower)."""
    n, o, ho, wo = gy.shape
    ones = xp_of(gy).ones(ho * wo, dtype=gy.dtype)
    return (gy.reshape(n * o, ho * wo) @ ones).reshape(n, o).sum(0)


def _batches(n, size):
    return [slice(s, min(n, s + size)) for s in range(0, n, size)]


def convolve(geom, x, w, b=None, keep_columns=False):
    """y = conv(x, w) + b on arrays; with ``keep_columns``, also what the gradients can reuse: x's
    columns when the whole batch fit in one chunk (else None), or Winograd's transformed weights
    and tiles."""
    if geom.winograd(x, w.shape):
        return winograd.convolve(x, w, b, geom.padding, keep_columns)
    if geom.gather(x, w.shape, geom.out_size(x.shape[2], x.shape[3], *w.shape[2:])):
        y, cols = conv_gather.convolve(geom, x, w, b)
        return (y, cols) if keep_columns else y
    g = geom.groups
    n = x.shape[0]
    o, cg, kh, kw = w.shape
    ho, wo = geom.out_size(x.shape[2], x.shape[3], kh, kw)
    y = xp_of(x).empty((n, o, ho, wo), dtype=x.dtype)
    weights = _weight_matrix(w, g)
    bias = None if b is None else b.reshape(1, g, o // g, 1, 1)
    parts = _batches(n, geom.chunk(x, cg * kh * kw, ho, wo))
    for part in parts:
        cols = geom.columns(x[part], kh, kw, ho, wo)                          # g, K/g, n*Ho*Wo
        product = (weights @ cols).reshape(g, o // g, -1, ho, wo).transpose(2, 0, 1, 3, 4)
        target = y[part].reshape(-1, g, o // g, ho, wo)
        if bias is None:
            target[...] = product
        else:
            xp_of(x).add(product, bias, out=target)  # the bias rides on the copy into (N, O, Ho, Wo)
    return (y, cols if len(parts) == 1 else None) if keep_columns else y


def convolution_grads(geom, gy, x_shape, w_shape, w=None, x=None, columns=None):
    """From dL/dy: dL/dx if the weight ``w`` is given, dL/dw if the input ``x`` is given (None
    otherwise). Both share each chunk's copy of dL/dy. ``columns``: x's columns from the forward
    pass, when it kept them."""
    if geom.winograd(gy, w_shape):
        return winograd.convolution_grads(gy, x_shape, w_shape, geom.padding, w, x, columns)
    if geom.gather(gy, w_shape, gy.shape[2:]):
        return conv_gather.convolution_grads(geom, gy, x_shape, w_shape, w, x, columns)
    g = geom.groups
    o, cg, kh, kw = w_shape
    _, _, ho, wo = gy.shape
    gx = gw = None
    if w is not None:
        gx = xp_of(gy).empty(x_shape, dtype=gy.dtype)
        weights_t = _weight_matrix(w, g).transpose(0, 2, 1)                    # g, K/g, O/g
    for part in _batches(gy.shape[0], geom.chunk(gy, cg * kh * kw, ho, wo)):
        gy_part = _channels_first(gy[part], g)                                  # g, O/g, n*Ho*Wo
        if w is not None:
            geom.fold(weights_t @ gy_part, gx[part], kh, kw, ho, wo)
        if x is not None:
            cols = columns if columns is not None else geom.columns(x[part], kh, kw, ho, wo)
            product = gy_part @ cols.transpose(0, 2, 1)                         # g, O/g, K/g
            if gw is None:
                gw = product
            else:
                gw += product
    return gx, None if gw is None else gw.reshape(w_shape)


class Conv2d(Op):
    """y = conv(x, w) + b, the bias optional (a third input)."""
    backward_name = 'ConvolutionBackward0'

    def __init__(self, geom):
        self.geom = geom
        self.columns = None

    def forward(self, x, w, b=None):
        if not grad_mode.enabled:  # no graph will be recorded: nothing to keep for a backward
            return convolve(self.geom, x, w, b)
        y, self.columns = convolve(self.geom, x, w, b, keep_columns=True)
        return y

    def backward(self, grad):
        x, w = self.inputs[:2]
        gx = Conv2dInputGrad(self.geom, x.shape)(grad, w) if x.requires_grad else None
        gw = Conv2dWeightGrad(self.geom, w.shape)(x, grad) if w.requires_grad else None
        if len(self.inputs) == 2:
            return gx, gw
        gb = grad.sum((0, 2, 3)) if self.inputs[2].requires_grad else None
        return gx, gw, gb

    def backward_arrays(self, grad):
        """All gradients in one pass over dL/dy, reusing the forward's columns where it kept them."""
        x, w = self.inputs[:2]
        gx, gw = convolution_grads(self.geom, grad, x.shape, w.shape, w.array if x._requires_grad else None,
                                   x.array if w._requires_grad else None, self.columns)
        if len(self.inputs) == 2:
            return gx, gw
        return gx, gw, _bias_grad(grad) if self.inputs[2]._requires_grad else None

    def release(self):
        super().release()
        self.columns = None


class Conv2dInputGrad(Op):
    """dL/dx of a convolution, given dL/dy and the weight (a transposed convolution)."""
    backward_name = 'ConvolutionBackwardBackward0'

    def __init__(self, geom, x_shape):
        self.geom, self.x_shape = geom, tuple(x_shape)

    def forward(self, gy, w):
        return convolution_grads(self.geom, gy, self.x_shape, w.shape, w=w)[0]

    def backward(self, grad):
        gy, w = self.inputs
        g_gy = Conv2d(self.geom)(grad, w) if gy.requires_grad else None
        g_w = Conv2dWeightGrad(self.geom, w.shape)(grad, gy) if w.requires_grad else None
        return g_gy, g_w


class Conv2dWeightGrad(Op):
    """dL/dw of a convolution, given the input and dL/dy."""
    backward_name = 'ConvolutionBackwardBackward1'

    def __init__(self, geom, w_shape):
        self.geom, self.w_shape = geom, tuple(w_shape)

    def forward(self, x, gy):
        return convolution_grads(self.geom, gy, x.shape, self.w_shape, x=x)[1]

    def backward(self, grad):
        x, gy = self.inputs
        g_x = Conv2dInputGrad(self.geom, x.shape)(gy, grad) if x.requires_grad else None
        g_gy = Conv2d(self.geom)(x, grad) if gy.requires_grad else None
        return g_x, g_gy


def _same_device(a, b):
    return (is_cpu_array(a.array) and is_cpu_array(b.array)) or a.device == b.device


def _pair(v, name):
    if isinstance(v, int):
        return (v, v)
    v = tuple(v)
    if len(v) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {v}")
    return v


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation, as torch) of (N, C, H, W) or (C, H, W) input."""
    x_shape, w_shape = input.array.shape, weight.array.shape
    if len(x_shape) == 3:
        return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0)
    if len(x_shape) != 4:
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                           f"{list(x_shape)}. For a batch of grayscale images add the channel dim: "
                           "x.unsqueeze(1) turns (N, H, W) into (N, 1, H, W).")
    if len(w_shape) != 4:
        raise RuntimeError(f"weight should have 4 dimensions (out_channels, in_channels/groups, kH, kW), "
                           f"got {list(w_shape)}")
    n, c, h, w = x_shape
    o, cg, kh, kw = w_shape
    if c != cg * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w_shape)}, expected input{list(x_shape)} "
                           f"to have {cg * groups} channels, but got {c} channels instead")
    if o % groups:
        raise RuntimeError(f"out_channels ({o}) must be divisible by groups ({groups})")
    if input.array.dtype != weight.array.dtype:
        raise RuntimeError(f"Input type ({input.dtype}) and weight type ({weight.dtype}) should be the same; "
                           "convert the input, e.g. x.float()")
    if not _same_device(input, weight):
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                           f"{weight.device} and {input.device}!")
    try:
        geom, extra_pad = _settings(stride, padding, dilation, groups, kh, kw)
    except TypeError:  # a list among the settings: not hashable, so not cached
        geom, extra_pad = _settings.__wrapped__(stride, padding, dilation, groups, kh, kw)
    if extra_pad is not None:
        from ..nn.functional import pad
        input = pad(input, extra_pad)
        x_shape = input.array.shape
    ho, wo = geom.out_size(x_shape[2], x_shape[3], kh, kw)
    if ho <= 0 or wo <= 0:
        raise RuntimeError(f"Calculated output size: ({o}x{ho}x{wo}) is too small for input of size "
                           f"{list(x_shape)} and kernel ({kh}x{kw}); use a smaller kernel or more padding")
    if bias is None:
        return Conv2d(geom)(input, weight)
    if bias.array.shape != (o,):
        raise RuntimeError(f"Given weight of size {list(w_shape)}, expected bias to be 1-dimensional with {o} "
                           f"elements, but got bias of size {list(bias.shape)} instead")
    if bias.array.dtype != input.array.dtype:
        raise RuntimeError(f"Input type ({input.dtype}) and bias type ({bias.dtype}) should be the same; "
                           "convert the bias, e.g. bias.to(input.dtype)")
    if not _same_device(bias, input):
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                           f"{bias.device} and {input.device}!")
    return Conv2d(geom)(input, weight, bias)


@functools.lru_cache(maxsize=256)
def _settings(stride, padding, dilation, groups, kh, kw):
    """conv2d's settings checked and normalised (cached: a training loop repeats the same few):
    the geometry, and the explicit padding ``pad`` must add first (for 'same' with an even kernel)."""
    stride, dilation = _pair(stride, 'stride'), _pair(dilation, 'dilation')
    extra_pad = None
    if isinstance(padding, str):
        if padding == 'valid':
            padding = (0, 0)
        elif padding == 'same':
            if stride != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
            total = (dilation[0] * (kh - 1), dilation[1] * (kw - 1))
            if total[0] % 2 or total[1] % 2:
                # torch pads the extra row/column at the end; do that explicitly, then run 'valid'
                extra_pad = (total[1] // 2, total[1] - total[1] // 2, total[0] // 2, total[0] - total[0] // 2)
                padding = (0, 0)
            else:
                padding = (total[0] // 2, total[1] // 2)
        else:
            raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
    return ConvGeometry(stride, _pair(padding, 'padding'), dilation, groups), extra_pad
