"""``nn.functional``: stateless layer operations, as ``torch.nn.functional``.

Each function is either an op from ``minitorch.ops`` or a short composition of ops
(composition needs no hand-written backward, and second derivatives come for free).
"""
import numpy as np

from .. import _dtype
from .._backend import xp_of
from ..ops import elementwise as _ew, inplace as _inplace
from ..ops.linear import linear  # noqa: F401
from ..ops.conv import conv2d  # noqa: F401
from ..ops.pad import pad  # noqa: F401
from ..ops.pool import max_pool2d, avg_pool2d, adaptive_avg_pool2d  # noqa: F401
from ..ops.loss import (mse_loss, l1_loss, smooth_l1_loss, binary_cross_entropy,  # noqa: F401
                        binary_cross_entropy_with_logits, cross_entropy, nll_loss, softplus)
from ..ops.nn import softmax, log_softmax  # noqa: F401
from ..ops.erf import gelu  # noqa: F401
from ..ops.batchnorm import batch_norm  # noqa: F401
from ..random import rng_for
from ..tensor import Tensor


def relu(input, inplace=False):
    """max(x, 0) elementwise; ``inplace=True`` overwrites ``input``."""
    return input.relu_() if inplace else _ew.relu(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x > 0, else negative_slope · x."""
    if inplace:  # the out-of-place op, written back into input and recorded as its new history
        return _inplace._apply(input, leaky_relu, negative_slope)
    return _ew.where(input > 0, input, input * negative_slope)


def elu(input, alpha=1.0, inplace=False):
    """x where x > 0, else alpha · (exp(x) - 1)."""
    if inplace:
        return _inplace._apply(input, elu, alpha)
    # clamping first keeps exp finite for large x: the unused branch must not turn a 0 gradient into nan
    return _ew.where(input > 0, input, _ew.expm1(_ew.clamp(input, max=0)) * alpha)


def sigmoid(input):
    """1 / (1 + exp(-x)) elementwise."""
    return _ew.sigmoid(input)


def tanh(input):
    """The hyperbolic tangent, elementwise."""
    return _ew.tanh(input)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (identity when not training).

    The scaling keeps every element's expected value, so eval mode needs no rescaling.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    arr = input.array
    if arr.dtype.kind != 'f':
        raise RuntimeError(f"dropout needs a floating-point input, got {input.dtype.name}; convert first, "
                           "e.g. x.float()")
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    # drawn in the input's float dtype (numpy draws float32 or float64), so the mask needs no cast
    keep = rng_for(None, input.device).random(arr.shape, dtype=np.float32 if arr.dtype == np.float32 else np.float64) >= p
    mask = Tensor._make(xp_of(arr).asarray(keep * arr.dtype.type(scale)))
    return input.mul_(mask) if inplace else input * mask


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) to one-hot rows (int64) along a new last dim; ``num_classes=-1`` infers max + 1."""
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor; convert with .long()")
    arr = tensor.array
    if arr.size == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor; pass num_classes.")
    else:
        if arr.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = int(arr.max()) + 1
        elif arr.max() >= num_classes:
            raise RuntimeError(f"Class values must be smaller than num_classes (got {int(arr.max())} for "
                               f"num_classes={num_classes}).")
    xp = xp_of(arr)
    return Tensor._make((arr[..., None] == xp.arange(num_classes)).astype(xp.int64))
