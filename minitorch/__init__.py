"""minitorch: a from-scratch autograd engine on numpy (and cupy) with PyTorch's API.

``import minitorch as torch`` and a torch lesson runs unchanged.
"""
from ._dtype import (dtype, float16, float32, float64, half, float, double, int8, int16, int32, int64,
                     short, int, long, uint8, get_default_dtype, set_default_dtype)
from ._dtype import bool_ as bool
from ._backend import device
from .tensor import Tensor, Size
from ._creation import (tensor, as_tensor, from_numpy, FloatTensor, DoubleTensor, LongTensor, IntTensor,
                        BoolTensor, ByteTensor, zeros, ones, empty, full, zeros_like, ones_like, empty_like,
                        full_like, arange, linspace, eye, rand, randn, randint, randperm, rand_like,
                        randn_like, randint_like)
from .random import manual_seed, seed, initial_seed, Generator, get_rng_state, set_rng_state
from .autograd import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled
from . import autograd
from ._functions import *  # noqa: F401,F403  (torch.add, torch.cat, torch.matmul, ...)

__version__ = '0.1.0'


def is_tensor(obj):
    """True if ``obj`` is a minitorch Tensor."""
    return isinstance(obj, Tensor)


def numel(t):
    return t.numel()


def promote_types(a, b):
    from ._dtype import promote
    return promote(a, b)


def result_type(a, b):
    from .ops._util import binary_operands
    return binary_operands(a, b)[0].dtype


def is_floating_point(t):
    return t.is_floating_point()
