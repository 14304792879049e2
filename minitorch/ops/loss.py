"""Loss functions, as ``torch.nn.functional``'s.

Most are compositions of ops (NLL picks each row's target class with ``gather``). Two need
their own numerics: ``softplus`` (so that BCE-with-logits is stable at logits of ±1000 and
has the right slope at 0) and binary cross entropy (torch's clamped log and its gradient
formula).
"""
import warnings

import numpy as np

from ..autograd.function import Op
from .. import _dtype
from .._backend import xp_of
from ._util import _make
from . import elementwise as ew
from .nn import log_softmax
from .indexing import gather

_REDUCTIONS = ('none', 'mean', 'sum')


def _reduce(loss, reduction):
    if reduction == 'mean':
        return loss.mean()
    if reduction == 'sum':
        return loss.sum()
    if reduction == 'none':
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction; use one of {_REDUCTIONS}")


def _check_same_size(input, target, name, error):
    if tuple(input.shape) != tuple(target.shape):
        msg = (f"Using a target size ({target.shape}) that is different to the input size ({input.shape})")
        if error:
            raise ValueError(msg + " is deprecated. Please ensure they have the same size. "
                             "For a (N, 1) output and (N,) labels use target.view(-1, 1) (or output.squeeze(1)).")
        warnings.warn(msg + ". This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)


# -- regression ------------------------------------------------------------------------------

def mse_loss(input, target, reduction='mean'):
    """Mean squared error: reduce((input - target)²)."""
    _check_same_size(input, target, 'mse_loss', error=False)
    d = input - target
    return _reduce(d * d, reduction)


def l1_loss(input, target, reduction='mean'):
    """Mean absolute error: reduce(|input - target|)."""
    _check_same_size(input, target, 'l1_loss', error=False)
    return _reduce(ew.abs(input - target), reduction)


def smooth_l1_loss(input, target, reduction='mean', beta=1.0):
    """0.5·d²/beta where |d| < beta, else |d| - 0.5·beta (Huber, scaled by 1/beta)."""
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _check_same_size(input, target, 'smooth_l1_loss', error=False)
    d = input - target
    a = ew.abs(d)
    if beta == 0:
        return _reduce(a, reduction)
    return _reduce(ew.where(a < beta, d * d * (0.5 / beta), a - 0.5 * beta), reduction)


# -- binary classification ---------------------------------------------------------------------

class Softplus(Op):
    """log(1 + exp(x)), computed as max(x, 0) + log1p(exp(-|x|)) so it never overflows."""

    def forward(self, x):
        xp = xp_of(x)
        return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))

    def backward(self, grad):
        return (grad * ew.sigmoid(self.inputs[0]),)

    def backward_arrays(self, grad):
        return (grad * ew.Sigmoid().forward(self.inputs[0].array),)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta·x)) / beta, and x itself where beta·x > threshold (torch's ``F.softplus``)."""
    scaled = input if beta == 1.0 else input * beta
    out = Softplus()(scaled)
    if beta != 1.0:
        out = out / beta
    return ew.where(scaled > threshold, input, out)


# torch's epsilon is the float32 constant 1e-12 (9.99999996e-13 when widened), used in every dtype
_BCE_EPS = float(np.float32(1e-12))


class BinaryCrossEntropy(Op):
    """-(t·log x + (1-t)·log(1-x)) elementwise, each log clamped at -100 as torch does."""
    backward_name = 'BinaryCrossEntropyBackward0'

    def forward(self, x, t):
        xp = xp_of(x)
        log_x = xp.maximum(xp.log(x), -100)
        log_1mx = xp.maximum(xp.log1p(-x), -100)
        return -(t * log_x + (1 - t) * log_1mx)

    def backward(self, grad):
        x, t = self.inputs
        gx = gt = None
        if x.requires_grad:
            # torch's formula: (x - t) / max(x(1-x), eps), finite even at x = 0 or 1
            gx = grad * (x - t) / ew.clamp(x * (1 - x), min=_BCE_EPS)
        if t.requires_grad:
            gt = grad * (ew.clamp(ew.log1p(-x), min=-100) - ew.clamp(ew.log(x), min=-100))
        return gx, gt

    def backward_arrays(self, grad):
        x, t = self.inputs[0].array, self.inputs[1].array
        xp = xp_of(x)
        gx = gt = None
        if self.inputs[0]._requires_grad:
            gx = grad * (x - t) / xp.maximum(x * (1 - x), xp.asarray(_BCE_EPS, dtype=x.dtype))
        if self.inputs[1]._requires_grad:
            low = xp.asarray(-100, dtype=x.dtype)
            gt = grad * (xp.maximum(xp.log1p(-x), low) - xp.maximum(xp.log(x), low))
        return gx, gt


def binary_cross_entropy(input, target, weight=None, reduction='mean'):
    """BCE on probabilities in [0, 1] (for raw logits use ``binary_cross_entropy_with_logits``)."""
    _check_same_size(input, target, 'binary_cross_entropy', error=True)
    a = input.array
    if a.size and (a.min() < 0 or a.max() > 1):
        raise RuntimeError("all elements of input should be between 0 and 1. The input looks like raw logits: "
                           "apply sigmoid first, or use BCEWithLogitsLoss / binary_cross_entropy_with_logits.")
    if target.dtype != input.dtype:
        raise RuntimeError(f"Found dtype {target.dtype.name.capitalize()} but expected {input.dtype.name.capitalize()}: "
                           "the target must be a float tensor like the input, e.g. target.float()")
    loss = BinaryCrossEntropy()(input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction='mean', pos_weight=None):
    """BCE on raw logits, stable for any logit: (1-t)·x + (1 + (pw-1)·t)·softplus(-x)."""
    _check_same_size(input, target, 'binary_cross_entropy_with_logits', error=True)
    sp = Softplus()(-input)
    if pos_weight is None:
        loss = (1 - target) * input + sp
    else:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * sp
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# -- multi-class -------------------------------------------------------------------------------

def _class_last(input):
    """(N, C, d1, ...) -> (N·d1·..., C), and (C,) -> (1, C)."""
    if input.dim() == 1:
        return input.reshape(1, -1)
    if input.dim() == 2:
        return input
    return input.movedim(1, -1).reshape(-1, input.shape[1])


def _check_class_target(input, target):
    if target.dtype.is_floating_point:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype.name.capitalize()}: class-index "
                           "targets must be int64 (target.long()); float targets are read as class probabilities "
                           "only when they have the same shape as the input")
    if target.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype.name.capitalize()}; use target.long()")
    if input.dim() == 1:
        if target.dim() != 0:
            raise RuntimeError(f"0D or 1D target tensor expected, multi-target not supported (an unbatched input of "
                               f"shape {list(input.shape)} takes a 0-d target, got {list(target.shape)})")
        return
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if target.dim() == input.dim() - 1 and tuple(target.shape) == expected:
        return
    if target.dim() >= 1 and target.shape[0] != input.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({target.shape[0]}).")
    raise RuntimeError(f"expected target of shape {list(expected)} for input of shape {list(input.shape)}, "
                       f"got {list(target.shape)}")


def nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean'):
    """Negative log-likelihood of each target class in ``input`` (log-probabilities, class dim 1)."""
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    _check_class_target(input, target)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    c = input.shape[0] if input.dim() == 1 else input.shape[1]
    flat = _class_last(input)
    t = target.array.reshape(-1)
    xp = xp_of(t)
    keep = t != ignore_index
    bad = keep & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(f"Target {int(t[bad][0])} is out of bounds: class indices must be in [0, {c - 1}] "
                         f"(there are {c} classes)")
    safe_t = xp.where(keep, t, 0)
    picked = gather(flat, 1, _make(safe_t.reshape(-1, 1))).reshape(-1)  # each row's target class
    w = None
    if weight is not None:
        if weight.dim() != 1 or weight.shape[0] != c:
            raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                               f"weight tensor of shape: {list(weight.shape)}")
        w = _make(weight.array[safe_t] * keep.astype(weight.array.dtype))
    elif not keep.all():
        w = _make(keep.astype(input.array.dtype))
    loss = -picked if w is None else -picked * w
    if reduction == 'none':
        return loss.reshape(target.shape)
    if reduction == 'sum':
        return loss.sum()
    if w is None:
        return loss.mean()
    return loss.sum() / w.sum()


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0):
    """log_softmax over the class dim (1, or 0 for unbatched input) followed by NLL.

    ``target`` holds class indices (int64, input's shape without the class dim) or class
    probabilities (float, the input's shape).
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    cdim = 0 if input.dim() == 1 else 1
    logp = log_softmax(input, cdim)
    c = input.shape[cdim]
    wshape = [1] * input.dim()
    wshape[cdim] = c
    if target.dtype.is_floating_point and tuple(target.shape) == tuple(input.shape):
        if label_smoothing:
            target = target * (1 - label_smoothing) + label_smoothing / c
        prod = logp * target if weight is None else logp * target * weight.reshape(wshape)
        loss = -prod.sum(cdim)
        if reduction == 'mean':
            return loss.sum() / (loss.numel() if loss.numel() else 1) if loss.dim() else loss
        return _reduce(loss, reduction)
    nll = nll_loss(logp, target, weight, ignore_index, reduction)
    if not label_smoothing:
        return nll
    # the uniform part of the smoothed target: -Σ_c w_c·log p_c / C for each sample
    keep = _make((target.array != ignore_index).astype(input.array.dtype))
    lp = logp if weight is None else logp * weight.reshape(wshape)
    smooth = -lp.sum(cdim) * keep
    if reduction == 'none':
        smooth_red = smooth
    elif reduction == 'sum':
        smooth_red = smooth.sum()
    elif weight is None:
        smooth_red = smooth.sum() / keep.sum()
    else:
        t = target.array.reshape(-1)
        xp = xp_of(t)
        safe = xp.where(t != ignore_index, t, 0)
        smooth_red = smooth.sum() / _make(xp.asarray((weight.array[safe] * keep.array.reshape(-1)).sum()))
    return nll * (1 - label_smoothing) + smooth_red * (label_smoothing / c)


