"""2-D convolution as one matrix product over strided windows (im2col without a Python loop).

Three ops close the family under differentiation, so every derivative order works:
``Conv2d(x, w)``, its input gradient ``Conv2dInputGrad(gy, w)`` and its weight gradient
``Conv2dWeightGrad(x, gy)``; each one's backward is written with the other two.
Inputs are (N, C, H, W), weights (O, C/groups, kh, kw).
"""
from ..autograd.function import Op
from .._backend import xp_of, sliding_windows


class ConvGeometry:
    """Stride, padding, dilation and groups of one convolution, plus the shapes they imply."""

    __slots__ = ('stride', 'padding', 'dilation', 'groups')

    def __init__(self, stride, padding, dilation, groups):
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups

    def out_size(self, h, w, kh, kw):
        (sh, sw), (ph, pw), (dh, dw) = self.stride, self.padding, self.dilation
        return (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1

    def columns(self, x, kh, kw, ho, wo):
        """x's receptive fields as a (groups, N*Ho*Wo, C/groups*kh*kw) matrix: the one copy im2col makes.

        Batch and pixels share one axis so that each product below is a single large GEMM per
        group (numpy's batched matmul over small, strided matrices is far slower)."""
        xp = xp_of(x)
        (sh, sw), (ph, pw), (dh, dw) = self.stride, self.padding, self.dilation
        if ph or pw:
            x = xp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        win = sliding_windows(x, (dh * (kh - 1) + 1, dw * (kw - 1) + 1))  # N, C, H', W', kh', kw' (a view)
        win = win[:, :, :sh * (ho - 1) + 1:sh, :sw * (wo - 1) + 1:sw, ::dh, ::dw]  # N, C, Ho, Wo, kh, kw
        n, c = x.shape[:2]
        g = self.groups
        win = win.reshape(n, g, c // g, ho, wo, kh, kw).transpose(1, 0, 3, 4, 2, 5, 6)
        # for one input channel the reshape can stay a strided view; BLAS needs it contiguous
        return xp.ascontiguousarray(win.reshape(g, n * ho * wo, (c // g) * kh * kw))

    def fold(self, cols, x_shape, kh, kw, ho, wo):
        """The adjoint of ``columns``: add each window's column back onto the input's pixels.

        ``cols`` comes kernel-major, (groups, C/groups*kh*kw, N*Ho*Wo), so that every kernel
        offset's patch is one contiguous block and the strided adds read memory in order."""
        xp = xp_of(cols)
        n, c, h, w = x_shape
        (sh, sw), (ph, pw), (dh, dw) = self.stride, self.padding, self.dilation
        g = self.groups
        cols = cols.reshape(g, c // g, kh, kw, n, ho, wo)
        out = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
        out_by_group = out.reshape(n, g, c // g, h + 2 * ph, w + 2 * pw).transpose(1, 2, 0, 3, 4)  # a view
        # one strided add per kernel offset: a loop over kh*kw (9 for 3x3), never over pixels
        for i in range(kh):
            for j in range(kw):
                out_by_group[:, :, :, i * dh:i * dh + sh * (ho - 1) + 1:sh,
                             j * dw:j * dw + sw * (wo - 1) + 1:sw] += cols[:, :, i, j]
        return out[:, :, ph:ph + h, pw:pw + w] if (ph or pw) else out


def _weight_matrix(w, groups):
    """(O, C/g, kh, kw) -> (g, C/g*kh*kw, O/g)."""
    o = w.shape[0]
    return w.reshape(groups, o // groups, -1).transpose(0, 2, 1)


def _channels_first(gy, groups):
    """(N, O, Ho, Wo) -> (g, O/g, N*Ho*Wo), one contiguous copy (a transposed view would send
    numpy's matmul off BLAS)."""
    n, o, ho, wo = gy.shape
    return gy.reshape(n, groups, o // groups, ho * wo).transpose(1, 2, 0, 3).reshape(groups, o // groups, n * ho * wo)


class Conv2d(Op):
    backward_name = 'ConvolutionBackward0'

    def __init__(self, geom):
        self.geom = geom

    def forward(self, x, w):
        n = x.shape[0]
        o, _, kh, kw = w.shape
        g = self.geom.groups
        ho, wo = self.geom.out_size(x.shape[2], x.shape[3], kh, kw)
        y = self.geom.columns(x, kh, kw, ho, wo) @ _weight_matrix(w, g)     # g, N*Ho*Wo, O/g
        y = y.reshape(g, n, ho, wo, o // g).transpose(1, 0, 4, 2, 3)
        return xp_of(y).ascontiguousarray(y).reshape(n, o, ho, wo)

    def backward(self, grad):
        x, w = self.inputs
        gx = Conv2dInputGrad(self.geom, x.shape)(grad, w) if x.requires_grad else None
        gw = Conv2dWeightGrad(self.geom, w.shape)(x, grad) if w.requires_grad else None
        return gx, gw


class Conv2dInputGrad(Op):
    """dL/dx of a convolution, given dL/dy and the weight (a transposed convolution)."""
    backward_name = 'ConvolutionBackwardBackward0'

    def __init__(self, geom, x_shape):
        self.geom, self.x_shape = geom, tuple(x_shape)

    def forward(self, gy, w):
        _, _, ho, wo = gy.shape
        _, _, kh, kw = w.shape
        g = self.geom.groups
        cols = _weight_matrix(w, g) @ _channels_first(gy, g)                 # g, K/g, N*Ho*Wo
        return self.geom.fold(cols, self.x_shape, kh, kw, ho, wo)

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
        o, cg, kh, kw = self.w_shape
        _, _, ho, wo = gy.shape
        g = self.geom.groups
        cols = self.geom.columns(x, kh, kw, ho, wo)                          # g, N*Ho*Wo, K/g
        gw = _channels_first(gy, g) @ cols                                   # g, O/g, K/g
        return gw.reshape(o, cg, kh, kw)

    def backward(self, grad):
        x, gy = self.inputs
        g_x = Conv2dInputGrad(self.geom, x.shape)(gy, grad) if x.requires_grad else None
        g_gy = Conv2d(self.geom)(x, grad) if gy.requires_grad else None
        return g_x, g_gy


def _pair(v, name):
    if isinstance(v, int):
        return (v, v)
    v = tuple(v)
    if len(v) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {v}")
    return v


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation, as torch) of (N, C, H, W) or (C, H, W) input."""
    if input.dim() == 3:
        return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0)
    if input.dim() != 4:
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                           f"{list(input.shape)}. For a batch of grayscale images add the channel dim: "
                           "x.unsqueeze(1) turns (N, H, W) into (N, 1, H, W).")
    if weight.dim() != 4:
        raise RuntimeError(f"weight should have 4 dimensions (out_channels, in_channels/groups, kH, kW), "
                           f"got {list(weight.shape)}")
    n, c, h, w = input.shape
    o, cg, kh, kw = weight.shape
    if c != cg * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input{list(input.shape)} "
                           f"to have {cg * groups} channels, but got {c} channels instead")
    if o % groups:
        raise RuntimeError(f"out_channels ({o}) must be divisible by groups ({groups})")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"Input type ({input.dtype}) and weight type ({weight.dtype}) should be the same; "
                           "convert the input, e.g. x.float()")
    if input.device != weight.device:
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                           f"{weight.device} and {input.device}!")
    stride, dilation = _pair(stride, 'stride'), _pair(dilation, 'dilation')
    if isinstance(padding, str):
        if padding == 'valid':
            padding = (0, 0)
        elif padding == 'same':
            if stride != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
            total = (dilation[0] * (kh - 1), dilation[1] * (kw - 1))
            if total[0] % 2 or total[1] % 2:
                # torch pads the extra row/column at the end; do that explicitly, then run 'valid'
                from ..nn.functional import pad
                input = pad(input, (total[1] // 2, total[1] - total[1] // 2, total[0] // 2, total[0] - total[0] // 2))
                padding = (0, 0)
            else:
                padding = (total[0] // 2, total[1] // 2)
        else:
            raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
    geom = ConvGeometry(stride, _pair(padding, 'padding'), dilation, groups)
    ho, wo = geom.out_size(input.shape[2], input.shape[3], kh, kw)
    if ho <= 0 or wo <= 0:
        raise RuntimeError(f"Calculated output size: ({o}x{ho}x{wo}) is too small for input of size "
                           f"{list(input.shape)} and kernel ({kh}x{kw}); use a smaller kernel or more padding")
    out = Conv2d(geom)(input, weight)
    if bias is not None:
        out = out + bias.reshape(1, o, 1, 1)
    return out
