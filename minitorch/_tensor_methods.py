"""Tensor's op methods and operators, each a one-liner into ``minitorch.ops``.

Kept apart from ``tensor.py`` so that the Tensor class reads as data plus autograd
state, and this file reads as the index of what a tensor can do.
"""
from .tensor import Tensor
from .ops import (arithmetic as ar, elementwise as ew, reduce as rd, shape as sh, broadcast as bc, indexing as ix,
                  compare as cmp, linalg as la, inplace as ip, nn as nnops, erf as erfops)


# -- operators --------------------------------------------------------------------------------
def __add__(self, other): return ar.add(self, other)
def __radd__(self, other): return ar.add(other, self)
def __sub__(self, other): return ar.sub(self, other)
def __rsub__(self, other): return ar.rsub(self, other)
def __mul__(self, other): return ar.mul(self, other)
def __rmul__(self, other): return ar.mul(other, self)
def __truediv__(self, other): return ar.div(self, other)
def __rtruediv__(self, other): return ar.rdiv(self, other)
def __floordiv__(self, other): return ar.floor_divide(self, other)
def __rfloordiv__(self, other): return ar.floor_divide(other, self)
def __mod__(self, other): return ar.remainder(self, other)
def __rmod__(self, other): return ar.remainder(other, self)
def __pow__(self, other): return ar.pow(self, other)
def __rpow__(self, other): return ar.pow(other, self)
def __matmul__(self, other): return la.matmul(self, other)
def __rmatmul__(self, other): return la.matmul(other, self)
def __neg__(self): return ar.neg(self)
def __pos__(self): return self
def __abs__(self): return ew.abs(self)
def __invert__(self): return cmp.invert(self)
def __and__(self, other): return cmp.operator(cmp.bitwise_and, self, other)
def __or__(self, other): return cmp.operator(cmp.bitwise_or, self, other)
def __xor__(self, other): return cmp.operator(cmp.bitwise_xor, self, other)
def __rand__(self, other): return cmp.operator(cmp.bitwise_and, self, other)  # & | ^ commute
def __ror__(self, other): return cmp.operator(cmp.bitwise_or, self, other)
def __rxor__(self, other): return cmp.operator(cmp.bitwise_xor, self, other)
def __eq__(self, other): return cmp.operator(cmp.eq, self, other)
def __ne__(self, other): return cmp.operator(cmp.ne, self, other)
def __lt__(self, other): return cmp.operator(cmp.lt, self, other)
def __le__(self, other): return cmp.operator(cmp.le, self, other)
def __gt__(self, other): return cmp.operator(cmp.gt, self, other)
def __ge__(self, other): return cmp.operator(cmp.ge, self, other)
def __getitem__(self, index): return ix.getitem(self, index)
def __setitem__(self, index, value): ip.setitem(self, index, value)
def __iadd__(self, other): return ip.add_(self, other)
def __isub__(self, other): return ip.sub_(self, other)
def __imul__(self, other): return ip.mul_(self, other)
def __itruediv__(self, other): return ip.div_(self, other)


# -- elementwise ------------------------------------------------------------------------------
def add(self, other, alpha=1): return ar.add(self, other, alpha=alpha)
def sub(self, other, alpha=1): return ar.sub(self, other, alpha=alpha)
def mul(self, other): return ar.mul(self, other)
def div(self, other, rounding_mode=None): return ar.div(self, other, rounding_mode=rounding_mode)
def pow(self, exponent): return ar.pow(self, exponent)
def neg(self): return ar.neg(self)
def abs(self): return ew.abs(self)
def sign(self): return ew.sign(self)
def exp(self): return ew.exp(self)
def log(self): return ew.log(self)
def log2(self): return ew.log2(self)
def log10(self): return ew.log10(self)
def log1p(self): return ew.log1p(self)
def expm1(self): return ew.expm1(self)
def sqrt(self): return ew.sqrt(self)
def rsqrt(self): return ew.rsqrt(self)
def reciprocal(self): return ew.reciprocal(self)
def square(self): return ew.square(self)
def sin(self): return ew.sin(self)
def cos(self): return ew.cos(self)
def tanh(self): return ew.tanh(self)
def sigmoid(self): return ew.sigmoid(self)
def relu(self): return ew.relu(self)
def erf(self): return erfops.erf(self)
def floor(self): return ew.floor(self)
def ceil(self): return ew.ceil(self)
def round(self, decimals=0): return ew.round(self, decimals)
def trunc(self): return ew.trunc(self)
def clamp(self, min=None, max=None): return ew.clamp(self, min, max)
def clip(self, min=None, max=None): return ew.clamp(self, min, max)
def maximum(self, other): return ew.maximum(self, other)
def minimum(self, other): return ew.minimum(self, other)
def where(self, condition, other): return ew.where(condition, self, other)
def lerp(self, end, weight): return ar.lerp(self, end, weight)
def remainder(self, other): return ar.remainder(self, other)
def floor_divide(self, other): return ar.floor_divide(self, other)


# -- reductions -------------------------------------------------------------------------------
def sum(self, dim=None, keepdim=False, dtype=None): return rd.sum(self, dim, keepdim, dtype=dtype)
def mean(self, dim=None, keepdim=False, dtype=None): return rd.mean(self, dim, keepdim, dtype=dtype)
def prod(self, dim=None, keepdim=False, dtype=None): return rd.prod(self, dim, keepdim, dtype=dtype)
def max(self, dim=None, keepdim=False): return rd.max(self, dim, keepdim)
def min(self, dim=None, keepdim=False): return rd.min(self, dim, keepdim)
def amax(self, dim=(), keepdim=False): return rd.amax(self, dim, keepdim)
def amin(self, dim=(), keepdim=False): return rd.amin(self, dim, keepdim)
def argmax(self, dim=None, keepdim=False): return rd.argmax(self, dim, keepdim)
def argmin(self, dim=None, keepdim=False): return rd.argmin(self, dim, keepdim)
def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None): return rd.var(self, dim, unbiased, keepdim, correction=correction)
def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None): return rd.std(self, dim, unbiased, keepdim, correction=correction)
def logsumexp(self, dim, keepdim=False): return rd.logsumexp(self, dim, keepdim)
def norm(self, p='fro', dim=None, keepdim=False, dtype=None): return rd.norm(self, p, dim, keepdim, dtype)
def all(self, dim=None, keepdim=False): return rd.all(self, dim, keepdim)
def any(self, dim=None, keepdim=False): return rd.any(self, dim, keepdim)
def softmax(self, dim=None, dtype=None): return nnops.softmax(self, dim, dtype)
def log_softmax(self, dim=None, dtype=None): return nnops.log_softmax(self, dim, dtype)
def sum_to_size(self, *size): return bc.sum_to_size(self, *size)


# -- linear algebra ---------------------------------------------------------------------------
def matmul(self, other): return la.matmul(self, other)
def mm(self, other): return la.mm(self, other)
def bmm(self, other): return la.bmm(self, other)
def mv(self, vec): return la.mv(self, vec)
def dot(self, other): return la.dot(self, other)
def outer(self, other): return la.outer(self, other)


# -- shape ------------------------------------------------------------------------------------
def reshape(self, *shape): return sh.reshape(self, *shape)
def view(self, *shape): return sh.view(self, *shape)
def view_as(self, other): return sh.view(self, other.shape)
def reshape_as(self, other): return sh.reshape(self, other.shape)
def flatten(self, start_dim=0, end_dim=-1): return sh.flatten(self, start_dim, end_dim)
def unflatten(self, dim, sizes): return sh.unflatten(self, dim, sizes)
def squeeze(self, dim=None): return sh.squeeze(self, dim)
def unsqueeze(self, dim): return sh.unsqueeze(self, dim)
def transpose(self, dim0, dim1): return sh.transpose(self, dim0, dim1)
def swapaxes(self, dim0, dim1): return sh.transpose(self, dim0, dim1)
def permute(self, *dims): return sh.permute(self, *dims)
def t(self): return sh.t_(self)
def expand(self, *sizes): return bc.expand(self, *sizes)
def expand_as(self, other): return bc.expand_as(self, other)
def repeat(self, *sizes): return sh.repeat(self, *sizes)
def split(self, split_size, dim=0): return sh.split(self, split_size, dim)
def chunk(self, chunks, dim=0): return sh.chunk(self, chunks, dim)
def unbind(self, dim=0): return sh.unbind(self, dim)
def flip(self, *dims_args, dims=None): return sh.flip(self, *dims_args, dims=dims)
def narrow(self, dim, start, length): return sh.narrow(self, dim, start, length)
def select(self, dim, index): return sh.select(self, dim, index)
def movedim(self, source, destination): return sh.movedim(self, source, destination)
def moveaxis(self, source, destination): return sh.movedim(self, source, destination)
def tile(self, *dims): return sh.tile(self, *dims)


T = property(sh.T, doc="All dims reversed (the transpose of a matrix).")
mT = property(sh.mT, doc="The last two dims swapped (a batch of transposed matrices).")


# -- indexing ---------------------------------------------------------------------------------
def gather(self, dim, index): return ix.gather(self, dim, index)
def scatter(self, dim, index, src=None, value=None, reduce=None): return ix.scatter(self, dim, index, src, value=value, reduce=reduce)
def scatter_add(self, dim, index, src): return ix.scatter_add(self, dim, index, src)
def index_select(self, dim, index): return ix.index_select(self, dim, index)
def masked_fill(self, mask, value): return ix.masked_fill(self, mask, value)
def masked_select(self, mask): return ix.masked_select(self, mask)
def nonzero(self, as_tuple=False): return cmp.nonzero(self, as_tuple=as_tuple)


# -- comparison and logic ---------------------------------------------------------------------
def eq(self, other): return cmp.eq(self, other)
def ne(self, other): return cmp.ne(self, other)
def lt(self, other): return cmp.lt(self, other)
def le(self, other): return cmp.le(self, other)
def gt(self, other): return cmp.gt(self, other)
def ge(self, other): return cmp.ge(self, other)
def logical_and(self, other): return cmp.logical_and(self, other)
def logical_or(self, other): return cmp.logical_or(self, other)
def logical_xor(self, other): return cmp.logical_xor(self, other)
def logical_not(self): return cmp.logical_not(self)
def bitwise_and(self, other): return cmp.bitwise_and(self, other)
def bitwise_or(self, other): return cmp.bitwise_or(self, other)
def bitwise_xor(self, other): return cmp.bitwise_xor(self, other)
def bitwise_not(self): return cmp.bitwise_not(self)
def isnan(self): return cmp.isnan(self)
def isinf(self): return cmp.isinf(self)
def isfinite(self): return cmp.isfinite(self)
def allclose(self, other, rtol=1e-5, atol=1e-8, equal_nan=False): return cmp.allclose(self, other, rtol, atol, equal_nan)
def isclose(self, other, rtol=1e-5, atol=1e-8, equal_nan=False): return cmp.isclose(self, other, rtol, atol, equal_nan)
def equal(self, other): return cmp.equal(self, other)


# -- in place ---------------------------------------------------------------------------------
def add_(self, other, alpha=1): return ip.add_(self, other, alpha=alpha)
def sub_(self, other, alpha=1): return ip.sub_(self, other, alpha=alpha)
def mul_(self, other): return ip.mul_(self, other)
def div_(self, other): return ip.div_(self, other)
def pow_(self, exponent): return ip.pow_(self, exponent)
def clamp_(self, min=None, max=None): return ip.clamp_(self, min, max)
def zero_(self): return ip.zero_(self)
def fill_(self, value): return ip.fill_(self, value)
def copy_(self, src, non_blocking=False): return ip.copy_(self, src)
def uniform_(self, a=0.0, b=1.0, generator=None): return ip.uniform_(self, a, b, generator=generator)
def normal_(self, mean=0.0, std=1.0, generator=None): return ip.normal_(self, mean, std, generator=generator)
def relu_(self): return ip.relu_(self)
def masked_fill_(self, mask, value): return ip.masked_fill_(self, mask, value)


for _name, _value in list(globals().items()):
    if _name.startswith('_') and not _name.startswith('__') or _name in ('Tensor', 'ew', 'rd', 'sh', 'bc', 'ix',
                                                                       'cmp', 'la', 'ip', 'nnops'):
        continue
    if callable(_value) or isinstance(_value, property):
        setattr(Tensor, _name, _value)
