"""The functions of the ``torch`` namespace (``torch.add``, ``torch.cat``, ``torch.matmul``...).

Each forwards to the op library; tensor methods and these functions share one implementation.
"""
from .ops import (arithmetic as _ar, elementwise as _ew, reduce as _rd, shape as _sh, broadcast as _bc, indexing as _ix,
                  compare as _cmp, linalg as _la, nn as _nn, erf as _erf)

# elementwise
add, sub, mul, div, pow, neg, abs, sign = _ar.add, _ar.sub, _ar.mul, _ar.div, _ar.pow, _ar.neg, _ew.abs, _ew.sign
multiply, divide, subtract, negative, true_divide = _ar.mul, _ar.div, _ar.sub, _ar.neg, _ar.div
exp, log, log2, log10, log1p, expm1 = _ew.exp, _ew.log, _ew.log2, _ew.log10, _ew.log1p, _ew.expm1
sqrt, rsqrt, square, sin, cos, tanh, sigmoid, relu = (_ew.sqrt, _ew.rsqrt, _ew.square, _ew.sin, _ew.cos,
                                                      _ew.tanh, _ew.sigmoid, _ew.relu)
floor, ceil, round, trunc = _ew.floor, _ew.ceil, _ew.round, _ew.trunc
reciprocal = _ew.reciprocal
erf = _erf.erf
clamp = clip = _ew.clamp
maximum, minimum, where, lerp, clone = _ew.maximum, _ew.minimum, _ew.where, _ar.lerp, _ew.clone
remainder, floor_divide, fmod = _ar.remainder, _ar.floor_divide, _ar.remainder

# reductions
sum, mean, prod = _rd.sum, _rd.mean, _rd.prod
max, min, amax, amin, argmax, argmin = _rd.max, _rd.min, _rd.amax, _rd.amin, _rd.argmax, _rd.argmin
var, std, logsumexp, norm, all, any = _rd.var, _rd.std, _rd.logsumexp, _rd.norm, _rd.all, _rd.any
softmax, log_softmax = _nn.softmax, _nn.log_softmax

# linear algebra
matmul, mm, bmm, mv, dot, outer, einsum = _la.matmul, _la.mm, _la.bmm, _la.mv, _la.dot, _la.outer, _la.einsum

# shape
reshape, flatten, unflatten, squeeze, unsqueeze = _sh.reshape, _sh.flatten, _sh.unflatten, _sh.squeeze, _sh.unsqueeze
transpose, permute, cat, concat, stack = _sh.transpose, _sh.permute, _sh.cat, _sh.cat, _sh.stack
split, chunk, flip, unbind, t = _sh.split, _sh.chunk, _sh.flip, _sh.unbind, _sh.t_
swapaxes = _sh.transpose
narrow, select, movedim, moveaxis, tile = _sh.narrow, _sh.select, _sh.movedim, _sh.movedim, _sh.tile
broadcast_to, broadcast_tensors, broadcast_shapes = _bc.broadcast_to, _bc.broadcast_tensors, _bc.broadcast_shapes

# indexing
gather, scatter, scatter_add, index_select = _ix.gather, _ix.scatter, _ix.scatter_add, _ix.index_select
masked_fill, masked_select = _ix.masked_fill, _ix.masked_select

# comparison and logic
eq, ne, lt, le, gt, ge = _cmp.eq, _cmp.ne, _cmp.lt, _cmp.le, _cmp.gt, _cmp.ge
greater, less, greater_equal, less_equal, not_equal = _cmp.gt, _cmp.lt, _cmp.ge, _cmp.le, _cmp.ne
logical_and, logical_or, logical_xor, logical_not = _cmp.logical_and, _cmp.logical_or, _cmp.logical_xor, _cmp.logical_not
isnan, isinf, isfinite, isclose, allclose, equal = _cmp.isnan, _cmp.isinf, _cmp.isfinite, _cmp.isclose, _cmp.allclose, _cmp.equal
nonzero = _cmp.nonzero
bitwise_and, bitwise_or, bitwise_xor, bitwise_not = _cmp.bitwise_and, _cmp.bitwise_or, _cmp.bitwise_xor, _cmp.bitwise_not

__all__ = [n for n in dir() if not n.startswith('_')]
