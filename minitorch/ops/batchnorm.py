"""Batch normalisation: one fused node for normalise-scale-shift, as torch's ``native_batch_norm``.

Per channel c (dim 1), over every other dim: y = (x - mean) / √(var + eps) · weight + bias.
Training mode uses the batch's mean and biased variance; eval mode uses the running
statistics. The backward is the closed form: on arrays for a plain backward, and in
tensor ops under ``create_graph=True`` so that it records a graph (double backward works).
"""
from ..autograd import grad_mode
from ..autograd.function import Op
from .._backend import xp_of
from ._util import _make


class BatchNorm(Op):
    """Inputs: x, then weight and/or bias when given (``has_weight``/``has_bias`` say which).

    ``mean``/``invstd`` (per-channel arrays shaped to broadcast against x) are the running
    statistics in eval mode; in training mode forward computes them from the batch.
    """
    backward_name = 'NativeBatchNormBackward0'

    def __init__(self, training, eps, has_weight, has_bias, mean=None, invstd=None):
        self.training, self.eps = training, eps
        self.has_weight, self.has_bias = has_weight, has_bias
        self.mean, self.invstd = mean, invstd

    def forward(self, x, *affine):
        xp = xp_of(x)
        self.axes = (0,) + tuple(range(2, x.ndim))
        if self.training:
            n = x.size // x.shape[1]  # sum / n: numpy's mean costs more on small arrays
            self.mean = x.sum(axis=self.axes, keepdims=True) / n
            centred = x - self.mean
            self.var = xp.square(centred).sum(axis=self.axes, keepdims=True) / n
            self.invstd = 1 / xp.sqrt(self.var + self.eps)
        else:
            centred = x - self.mean
        # scale and shift are per channel, so the full-size work is one multiply and one add
        scale, shift = self.invstd, None
        stat_shape = self.invstd.shape
        if self.has_weight:
            scale = scale * affine[0].reshape(stat_shape)
        if self.has_bias:
            shift = affine[-1].reshape(stat_shape)
        out = centred  # a fresh array: scale and shift it in place
        out *= scale
        if shift is not None:
            out += shift
        return out

    def backward(self, grad):
        # A plain backward runs on arrays, reusing one buffer (fresh full-size temporaries are
        # most of the cost here); under create_graph the same closed form runs in tensor ops,
        # which record a graph for the second derivatives.
        if grad_mode.enabled:
            return self._recorded_grads(grad)
        return self._array_grads(grad)

    def _array_grads(self, grad):
        x, g = self.inputs[0], grad.array
        weight = self.inputs[1] if self.has_weight else None
        weight_grad = weight is not None and weight.requires_grad
        scale = self.invstd * weight.array.reshape(self.invstd.shape) if weight is not None else self.invstd
        grads = [None] * len(self.inputs)
        if self.has_bias and self.inputs[-1].requires_grad:
            grads[-1] = _make(g.sum(axis=self.axes).reshape(self.inputs[-1].shape))
        if weight_grad or (self.training and x.requires_grad):
            xhat = x.array - self.mean
            xhat *= self.invstd
            gxhat_sum = (g * xhat).sum(axis=self.axes, keepdims=True)
            if weight_grad:
                grads[1] = _make(gxhat_sum.reshape(weight.shape))
        if x.requires_grad:
            if self.training:  # _recorded_grads's formula, computed in xhat's buffer
                n = g.size // g.shape[1]
                gx = xhat
                gx *= gxhat_sum / -n
                gx += g
                gx -= g.sum(axis=self.axes, keepdims=True) / n
                gx *= scale
                grads[0] = _make(gx)
            else:  # eval mode: x enters through an affine map
                grads[0] = _make(g * scale)
        return tuple(grads)

    def _recorded_grads(self, grad):
        x, axes = self.inputs[0], self.axes
        weight = self.inputs[1] if self.has_weight else None
        if self.training:  # the batch statistics are functions of x: recompute them as tensors
            centred = x - x.mean(axes, keepdim=True)
            invstd = ((centred * centred).mean(axes, keepdim=True) + self.eps).rsqrt()
        else:  # the running statistics are constants
            centred, invstd = x - _make(self.mean), _make(self.invstd)
        xhat = centred * invstd
        scale = invstd * weight.reshape(self.invstd.shape) if weight is not None else invstd
        g_sum = grad.sum(axes, keepdim=True)
        gxhat_sum = (grad * xhat).sum(axes, keepdim=True)
        grads = [None] * len(self.inputs)
        if x.requires_grad:
            if self.training:
                # xhat has zero mean and unit variance per channel: the gradient loses its
                # components along the constant and along xhat itself
                n = x.numel() // x.shape[1]
                grads[0] = (grad - xhat * (gxhat_sum / n) - g_sum / n) * scale
            else:
                grads[0] = grad * scale
        if weight is not None and weight.requires_grad:
            grads[1] = gxhat_sum.reshape(weight.shape)
        if self.has_bias and self.inputs[-1].requires_grad:
            grads[-1] = g_sum.reshape(self.inputs[-1].shape)
        return tuple(grads)


def _check_operand(name, t, input):
    """One value per channel, in the input's dtype (torch refuses mixed dtypes here)."""
    if t is None:
        return
    channels = input.shape[1]
    if t.numel() != channels:
        raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()} (one per channel: "
                           "the input's dim 1)")
    if t.array.dtype != input.array.dtype:
        raise RuntimeError(f"mixed dtype: batch_norm's input is {input.dtype.name} but {name} is {t.dtype.name}; "
                           "convert the module (e.g. model.double()) or the input (e.g. x.float())")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-5):
    """Apply batch normalisation to each channel (dim 1) of ``input``.

    training=True normalises with the batch's mean and biased variance and, when running
    statistics are given, updates them in place: running = (1 - momentum)·running +
    momentum·batch (with the unbiased variance). training=False uses the running statistics.
    """
    if input.ndim < 2:
        raise RuntimeError(f"batch_norm expects an input of shape (N, C, ...), got {input.ndim}D input; "
                           "add a batch dim, e.g. x.unsqueeze(0)")
    if input.array.dtype.kind != 'f':
        raise NotImplementedError(f'"batch_norm" not implemented for {input.dtype.name} tensors; convert first, '
                                  'e.g. x.float()')
    channels = input.shape[1]
    for name, t in (('running_mean', running_mean), ('running_var', running_var), ('weight', weight),
                    ('bias', bias)):
        _check_operand(name, t, input)
    affine = tuple(t for t in (weight, bias) if t is not None)
    if training:
        if input.numel() // channels == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{input.shape}; use a batch of more than one sample (or call model.eval())")
        op = BatchNorm(True, eps, weight is not None, bias is not None)
        out = op(input, *affine)
        if running_mean is not None:
            _update_running(running_mean, op.mean, momentum)
        if running_var is not None:
            n = input.numel() // channels
            _update_running(running_var, op.var * (n / (n - 1)), momentum)
        return out
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean must be defined in evaluation mode (pass running statistics, "
                           "or training=True to use the batch's)")
    xp = xp_of(input.array)
    stat_shape = (1, channels) + (1,) * (input.ndim - 2)
    mean = running_mean.array.reshape(stat_shape)
    invstd = 1 / xp.sqrt(running_var.array.reshape(stat_shape) + eps)
    return BatchNorm(False, eps, weight is not None, bias is not None, mean, invstd)(input, *affine)


def _update_running(running, batch_stat, momentum):
    """running ← (1 - momentum)·running + momentum·batch_stat, in place.

    Written on the array directly (this runs every training step, and records nothing); the
    version bump is what torch's in-place update does too.
    """
    arr = running.array
    arr *= 1 - momentum
    arr += momentum * batch_stat.reshape(arr.shape)
    running._version_counter[0] += 1
