"""``nn.init``: fill tensors in place from torch's initialisation schemes (same formulas, same bounds).

Every function runs under ``no_grad`` and returns the tensor it filled.
"""
import math
import warnings

import numpy as np

from ..autograd import grad_mode
from ..random import rng_for


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (torch's table: relu √2, tanh 5/3, leaky_relu √(2/(1+slope²)), ...)."""
    linear = ('linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d',
              'conv_transpose3d', 'sigmoid')
    if nonlinearity in linear:
        return 1
    if nonlinearity == 'tanh':
        return 5.0 / 3
    if nonlinearity == 'relu':
        return math.sqrt(2.0)
    if nonlinearity == 'leaky_relu':
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == 'selu':
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out): dim 1 and dim 0 times the receptive field (the product of dims 2+, for conv kernels)."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor, mode):
    mode = mode.lower()
    if mode not in ('fan_in', 'fan_out'):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == 'fan_in' else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with U(a, b)."""
    with grad_mode.no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with N(mean, std²)."""
    with grad_mode.no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor, val):
    """Fill with the value ``val``."""
    with grad_mode.no_grad():
        return tensor.fill_(val)


def zeros_(tensor):
    """Fill with the scalar value 0."""
    with grad_mode.no_grad():
        return tensor.zero_()


def ones_(tensor):
    """Fill with the scalar value 1."""
    with grad_mode.no_grad():
        return tensor.fill_(1.0)


def eye_(tensor):
    """Fill a 2-D tensor with the identity matrix."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    from .._creation import eye
    with grad_mode.no_grad():
        return tensor.copy_(eye(*tensor.shape, dtype=tensor.dtype))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """U(-a, a) with a = gain · √(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std²) with std = gain · √(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu', generator=None):
    """U(-bound, bound) with bound = gain · √(3 / fan) (He et al., 2015)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu', generator=None):
    """N(0, std²) with std = gain / √fan."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std²) truncated to [a, b]: out-of-range draws are redrawn."""
    def cdf(v):
        return (1.0 + math.erf((v - mean) / std / math.sqrt(2.0))) / 2.0
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    rng = rng_for(generator)
    # Where [a, b] holds much of the mass, redraw normals that fall outside; where it holds
    # little, draw uniformly on [a, b] and accept with the density's relative height.
    mostly_inside = cdf(b) - cdf(a) > 0.3
    peak = max(a, min(mean, b))
    values = np.empty(tensor.numel())
    pending = np.arange(values.size)
    while pending.size:
        if mostly_inside:
            draw = rng.normal(mean, std, pending.size)
            ok = (draw >= a) & (draw <= b)
        else:
            draw = rng.uniform(a, b, pending.size)
            log_height = -0.5 * (((draw - mean) / std) ** 2 - ((peak - mean) / std) ** 2)
            ok = np.log(rng.random(pending.size)) <= log_height
        values[pending[ok]] = draw[ok]
        pending = pending[~ok]
    return _fill(tensor, values.reshape(tuple(tensor.shape)))


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix (Saxe et al., 2013), flattening dims 1+; scaled by ``gain``."""
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = rng_for(generator).standard_normal((rows, cols))
    q, r = np.linalg.qr(flat if rows >= cols else flat.T)
    # signs from R's diagonal make Q uniformly distributed over orthogonal matrices (Mezzadri, 2007)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(tuple(tensor.shape)))


def _fill(tensor, values):
    """Copy a numpy array of values into ``tensor`` (its dtype and device), without recording."""
    from .._creation import tensor as make
    with grad_mode.no_grad():
        return tensor.copy_(make(values, dtype=tensor.dtype, device=tensor.device))


def _reset_layer(weight, bias):
    """torch's default for Linear and Conv2d: kaiming_uniform_(a=√5) on the weight, which comes to
    U(-1/√fan_in, 1/√fan_in), and the bias from the same bound."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)
