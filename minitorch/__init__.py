"""minitorch: a from-scratch autograd engine on numpy (and cupy) with PyTorch's API.

``import minitorch as torch`` and a torch lesson runs unchanged.
"""
from ._dtype import (dtype, float16, float32, float64, half, float, double, int8, int16, int32, int64,
                     short, int, long, uint8, get_default_dtype, set_default_dtype)
from ._dtype import bool_ as bool
from ._backend import device
from . import _dtype
from .tensor import Tensor, Size
from ._creation import (tensor, as_tensor, from_numpy, FloatTensor, DoubleTensor, HalfTensor, LongTensor,
                        IntTensor, ShortTensor, CharTensor, BoolTensor, ByteTensor, zeros, ones, empty, full,
                        zeros_like, ones_like, empty_like, full_like, arange, linspace, eye, rand, randn, randint,
                        randperm, rand_like, randn_like, randint_like)
from .random import manual_seed, seed, initial_seed, Generator, get_rng_state, set_rng_state, default_generator
from .autograd import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled
from . import autograd
from ._functions import *  # noqa: F401,F403  (torch.add, torch.cat, torch.matmul, ...)

__version__ = '0.1.0'


def is_tensor(obj):
    """True if ``obj`` is a minitorch Tensor."""
    return isinstance(obj, Tensor)


def numel(input):
    """The total number of elements in the tensor."""
    return input.numel()


def promote_types(type1, type2):
    """The dtype with the smallest size and scalar kind that is not smaller nor of lower kind than either."""
    return _dtype.promote(type1, type2)


def result_type(tensor1, tensor2):
    """The dtype an arithmetic op on the two operands (tensors or numbers) would give."""
    return _dtype.result_type([_dtype.operand(tensor1), _dtype.operand(tensor2)])


def is_floating_point(input):
    """True if the tensor's dtype is a floating point type."""
    return input.is_floating_point()
from . import nn  # noqa: E402
from .serialization import save, load  # noqa: E402
from . import utils  # noqa: E402  (torch.utils.data)
from . import optim  # noqa: E402
from . import cuda  # noqa: E402
