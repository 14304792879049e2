"""``nn.functional``: stateless layer operations, as ``torch.nn.functional``.

Each function is either an op from ``minitorch.ops`` or a short composition of ops
(composition needs no hand-written backward, and second derivatives come for free).
"""
from ..autograd import grad_mode
from ..ops import elementwise as _ew
from ..ops.linear import linear  # noqa: F401
from ..ops.conv import conv2d  # noqa: F401
from ..ops.pad import pad  # noqa: F401
from ..ops.loss import (mse_loss, l1_loss, smooth_l1_loss, binary_cross_entropy,  # noqa: F401
                        binary_cross_entropy_with_logits, cross_entropy, nll_loss, softplus)
from ..ops.nn import softmax, log_softmax  # noqa: F401
from ..tensor import Tensor


def relu(input, inplace=False):
    """max(x, 0) elementwise."""
    return input.relu_() if inplace else _ew.relu(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x > 0, else negative_slope · x."""
    out = _ew.where(input > 0, input, input * negative_slope)
    return input.copy_(out) if inplace else out


def sigmoid(input):
    return _ew.sigmoid(input)


def tanh(input):
    return _ew.tanh(input)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (identity when not training)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    from .._backend import xp_of
    from ..random import rng_for
    keep = rng_for(None).random(input.shape) >= p
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = Tensor._make(xp_of(input.array).asarray((keep * scale).astype(input.array.dtype)))
    out = input * mask
    if inplace:
        with grad_mode.no_grad():
            input.copy_(out)
        return input
    return out


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) to one-hot rows (int64); ``num_classes=-1`` infers max + 1."""
    from .. import _dtype
    from .._backend import xp_of
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor; convert with .long()")
    arr = tensor.array
    if num_classes == -1:
        num_classes = int(arr.max()) + 1 if arr.size else 0
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise RuntimeError("Class values must be smaller than num_classes." if arr.size and arr.max() >= num_classes
                           else "Class values must be non-negative.")
    xp = xp_of(arr)
    return Tensor._make((arr[..., None] == xp.arange(num_classes)).astype(xp.int64))
