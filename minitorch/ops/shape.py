"""Shape ops: reshape/view, transpose/permute, squeeze/unsqueeze, flatten, cat/stack, split, flip...

Most are views (the output shares memory and version counter with the input, as in torch):
reshape (when the memory allows), view, squeeze, unsqueeze, flatten, unflatten, transpose,
permute, narrow, select and the pieces of split/chunk/unbind. cat, stack, repeat and flip copy.
"""
import math
import operator

import numpy as np

from ..autograd.function import Op
from .. import _dtype
from .._backend import xp_of
from ._util import wrap_dim, wrap_dims, cast, Tensor
from .indexing import BasicIndex, Select


def _infer_shape(shape, numel):
    """``shape`` with its one -1 filled in; torch's errors for bad shapes."""
    if -1 not in shape and (not shape or min(shape) >= 0) and math.prod(shape) == numel:
        return shape  # the common case, checked in one go
    shape = list(shape)
    infer = None
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer is not None:
                raise RuntimeError("only one dimension can be inferred")
            infer = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {shape}")
        else:
            known *= s
    if infer is not None:
        if known == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {shape} because the unspecified "
                               "dimension size -1 can be any value and is ambiguous")
        if numel % known:
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        shape[infer] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
    return tuple(shape)


def _shape_args(shape):
    """Sizes given as ``f(2, 3)`` or ``f((2, 3))`` as a tuple of ints (TypeError for floats, as torch)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    for s in shape:
        if type(s) is not int:
            return tuple(operator.index(s) for s in shape)
    return tuple(shape)


def _viewable(a, shape):
    """Whether the array ``a`` can take ``shape`` without copying."""
    if a.flags.c_contiguous or a.size <= 1:
        return True
    v = a.view()
    try:
        v.shape = shape  # numpy refuses when this would need a copy
    except AttributeError:
        return False
    return True


class Reshape(Op):
    saves = ()
    is_view = True
    backward_name = 'ViewBackward0'

    def __init__(self, shape):
        self.shape = shape

    def forward(self, a):
        self.in_shape = a.shape
        return a.reshape(self.shape)

    def backward(self, grad):
        return (reshape(grad, self.in_shape),)


class ReshapeCopy(Reshape):
    """reshape of a tensor whose memory cannot be viewed in the new shape: a copy, as torch's."""
    is_view = False
    backward_name = 'UnsafeViewBackward0'


class Squeeze(Reshape):
    backward_name = 'SqueezeBackward0'


class Unsqueeze(Reshape):
    backward_name = 'UnsqueezeBackward0'


def reshape(t, *shape):
    """The same values in a new shape (one dim may be -1); a view when memory allows, else a copy."""
    a = t.array
    shape = _infer_shape(_shape_args(shape), a.size)
    if shape == a.shape and not t._requires_grad:
        return t
    return (Reshape if _viewable(a, shape) else ReshapeCopy)(shape)(t)


def view(t, *shape):
    """The same memory seen in a new shape; errors (as torch) when the memory layout does not allow it."""
    shape = _infer_shape(_shape_args(shape), t.array.size)
    if not _viewable(t.array, shape):
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return Reshape(shape)(t)


class Permute(Op):
    saves = ()
    is_view = True

    def __init__(self, axes):
        self.axes = axes

    def forward(self, a):
        return a.transpose(self.axes)

    def backward(self, grad):
        inv = tuple(np.argsort(self.axes))
        return (Permute(inv)(grad),)


def permute(t, *dims):
    """The dims reordered as ``dims`` (a view)."""
    dims = _shape_args(dims)
    n = t.array.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
                           f"to len(dims) = {len(dims)}")
    axes = tuple(wrap_dim(d, n) for d in dims)
    if len(set(axes)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute(axes)(t)


def transpose(t, dim0, dim1):
    """Swap two dims (a view)."""
    n = t.array.ndim
    if n == 0:
        return Permute(())(t)
    d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    axes = list(range(n))
    axes[d0], axes[d1] = axes[d1], axes[d0]
    op = Permute(tuple(axes))
    op.backward_name = 'TransposeBackward0'
    return op(t)


def t_(t):
    """Transpose of a tensor of at most 2 dims (``x.t()``)."""
    if t.array.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {t.array.ndim}D")
    if t.array.ndim < 2:
        return t
    op = Permute((1, 0))
    op.backward_name = 'TBackward0'
    return op(t)


def T(t):
    """All dims reversed."""
    n = t.array.ndim
    return Permute(tuple(range(n - 1, -1, -1)))(t) if n > 1 else t


def mT(t):
    """The last two dims swapped."""
    if t.array.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {t.array.ndim}-D tensor.")
    return transpose(t, -2, -1)


def movedim(t, source, destination):
    """Move the dims ``source`` to the positions ``destination``; the others keep their order (a view)."""
    n = t.array.ndim
    src = [source] if isinstance(source, (int, np.integer)) else list(source)
    dst = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain the "
                           f"same number of dims as destination ({dst} dims)")
    src_w = [wrap_dim(d, n) for d in src]
    dst_w = [wrap_dim(d, n) for d in dst]
    for name, given, dims in (('source', src, src_w), ('destination', dst, dst_w)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({given})")
    axes = [None] * n
    for s_, d_ in zip(src_w, dst_w):
        axes[d_] = s_
    rest = iter(d for d in range(n) if d not in src_w)
    return Permute(tuple(a if a is not None else next(rest) for a in axes))(t)


# -- adding and removing dims of size 1 -----------------------------------------------------------

def flatten(t, start_dim=0, end_dim=-1):
    """Merge dims ``start_dim`` .. ``end_dim`` into one (a view when memory allows)."""
    shape = t.array.shape
    n = len(shape)
    if n == 0:
        return Reshape((1,))(t)
    s, e = wrap_dim(start_dim, n), wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return t
    new = shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:]
    return (Reshape if _viewable(t.array, new) else ReshapeCopy)(new)(t)


def unflatten(t, dim, sizes):
    """Split dim ``dim`` into ``sizes`` (one of them may be -1), the inverse of flatten."""
    shape = t.array.shape
    d = wrap_dim(dim, len(shape))
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        new = _infer_shape(sizes, shape[d] if shape else 1)
    except RuntimeError as e:
        if 'inferred' in str(e):
            raise RuntimeError(f"unflatten: {e}") from None
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({shape[d] if shape else 1}) in the input tensor") from None
    new = shape[:d] + new + shape[d + 1:]
    return (Reshape if _viewable(t.array, new) else ReshapeCopy)(new)(t)


def squeeze(t, dim=None):
    """Remove dims of size 1 (all of them, or those in ``dim``, an int or tuple; others are left alone)."""
    shape = t.array.shape
    if dim is None:
        op = Squeeze(tuple(s for s in shape if s != 1))
    else:
        dims = wrap_dims(dim, len(shape))
        op = Squeeze(tuple(s for i, s in enumerate(shape) if s != 1 or i not in dims))
        op.backward_name = 'SqueezeBackward1' if isinstance(dim, (int, np.integer)) else 'SqueezeBackward2'
    return op(t)


def unsqueeze(t, dim):
    """Insert a dim of size 1 at ``dim`` (in [-ndim-1, ndim])."""
    shape = t.array.shape
    d = wrap_dim(dim, len(shape) + 1)
    return Unsqueeze(shape[:d] + (1,) + shape[d:])(t)


# -- joining ----------------------------------------------------------------------------------------

def _common_dtype(tensors):
    """The dtype that holds every tensor's values (torch's promotion)."""
    d = tensors[0].dtype
    for t in tensors[1:]:
        if t.dtype is not d:
            d = _dtype.promote(d, t.dtype)
    return d


class Cat(Op):
    saves = ()

    def __init__(self, dim, skipped=()):
        self.dim, self.skipped = dim, skipped  # positions of skipped empty 1-D tensors

    def forward(self, *arrays):
        if self.skipped:
            arrays = [a for i, a in enumerate(arrays) if i not in self.skipped]
        return xp_of(arrays[0]).concatenate(arrays, axis=self.dim)

    def backward(self, grad):
        lead = (slice(None),) * self.dim
        grads, start = [], 0
        for i, t in enumerate(self.inputs):
            if i in self.skipped:
                grads.append(Tensor._make(xp_of(grad.array).zeros((0,), grad.array.dtype)))
                continue
            n = t.array.shape[self.dim]
            grads.append(BasicIndex(lead + (slice(start, start + n), Ellipsis))(grad))
            start += n
        return tuple(grads)


def cat(tensors, dim=0):
    """Join tensors along an existing dim; they must match in the other dims (1-D empty tensors are skipped)."""
    if isinstance(tensors, Tensor):
        raise TypeError("cat(): argument 'tensors' must be a tuple or list of Tensors, not Tensor")
    tensors = tuple(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    first = tensors[0].array.dtype
    same_dtype = True
    skipped = ()  # torch's legacy rule: a 1-D empty tensor joins anything (it is skipped)
    for i, t in enumerate(tensors):
        a = t.array
        same_dtype = same_dtype and a.dtype == first
        if a.ndim <= 1:
            if a.ndim == 0:
                raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated; "
                                   "unsqueeze it first or use stack")
            if a.shape[0] == 0:
                skipped += (i,)
    if len(skipped) == len(tensors):
        skipped = skipped[1:]
    k = 0
    while k in skipped:
        k += 1
    d = wrap_dim(dim, tensors[k].array.ndim)
    if not same_dtype:
        dtype = _common_dtype(tensors)
        tensors = [cast(t, dtype) for t in tensors]
    try:
        return Cat(d, skipped)(*tensors)
    except ValueError:
        _check_cat_shapes(tensors, d, skipped)  # raises torch's message naming the tensor that does not fit
        raise


def _check_cat_shapes(tensors, d, skipped):
    kept = [i for i in range(len(tensors)) if i not in skipped]
    ref = tensors[kept[0]].array.shape
    for i in kept:
        s = tensors[i].array.shape
        if len(s) != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}")
        for k in range(len(ref)):
            if k != d and s[k] != ref[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {ref[k]} "
                                   f"but got size {s[k]} for tensor number {i} in the list.")


class Stack(Op):
    saves = ()

    def __init__(self, dim):
        self.dim = dim

    def forward(self, *arrays):
        # concatenating size-1 views is about twice as fast as numpy's stack for small arrays
        shape = arrays[0].shape
        shape = shape[:self.dim] + (1,) + shape[self.dim:]
        return xp_of(arrays[0]).concatenate([a.reshape(shape) for a in arrays], axis=self.dim)

    def backward(self, grad):
        lead = (slice(None),) * self.dim
        return tuple(Select(lead + (i, Ellipsis))(grad) for i in range(len(self.inputs)))


def stack(tensors, dim=0):
    """Join equally shaped tensors along a new dim ``dim``."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape, first = tensors[0].array.shape, tensors[0].array.dtype
    same_dtype = True
    for i, t in enumerate(tensors):
        if t.array.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 "
                               f"and {list(t.array.shape)} at entry {i}")
        same_dtype = same_dtype and t.array.dtype == first
    d = wrap_dim(dim, len(shape) + 1)
    if not same_dtype:
        dtype = _common_dtype(tensors)
        tensors = [cast(t, dtype) for t in tensors]
    return Stack(d)(*tensors)


class Repeat(Op):
    saves = ()

    def __init__(self, sizes):
        self.sizes = sizes

    def forward(self, a):
        self.in_shape = a.shape
        return xp_of(a).tile(a, self.sizes)

    def backward(self, grad):
        # view each repeated dim as (copies, size) and sum over the copies
        padded = (1,) * (len(self.sizes) - len(self.in_shape)) + self.in_shape
        pairs = tuple(x for r, n in zip(self.sizes, padded) for x in (r, n))
        g = grad.reshape(pairs).sum(tuple(range(0, len(pairs), 2)))
        return (g.reshape(self.in_shape),)


def repeat(t, *sizes):
    """Repeat the tensor ``sizes[i]`` times along dim i (extra leading sizes add dims), a copy."""
    sizes = _shape_args(sizes)
    shape = t.array.shape
    if len(sizes) < len(shape):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           f"tensor (got {len(sizes)} repeats for a {len(shape)}-d tensor)")
    padded = (1,) * (len(sizes) - len(shape)) + shape
    if any(r < 0 for r in sizes):
        out = [r * n for r, n in zip(sizes, padded)]
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: {out}")
    return Repeat(sizes)(t)


def tile(t, *dims):
    """Like repeat, but ``dims`` may be shorter than the tensor's dims (missing ones count as 1)."""
    dims = _shape_args(dims)
    return repeat(t, (1,) * (t.array.ndim - len(dims)) + dims)


# -- taking apart -----------------------------------------------------------------------------------

class SplitPiece(BasicIndex):
    backward_name = 'SplitBackward0'


class UnbindPiece(Select):
    backward_name = 'UnbindBackward0'


def narrow(t, dim, start, length):
    """The view of ``length`` entries of dim ``dim`` from ``start`` (which may be negative)."""
    d = wrap_dim(dim, t.array.ndim)
    size = t.array.shape[d]
    start, length = int(start), int(length)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return BasicIndex((slice(None),) * d + (slice(start, start + length), Ellipsis))(t)


def select(t, dim, index):
    """The view at position ``index`` of dim ``dim``; that dim is removed."""
    d = wrap_dim(dim, t.array.ndim)
    size = t.array.shape[d]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(t.array.shape)} at "
                         f"dimension {dim}")
    return Select((slice(None),) * d + (index, Ellipsis))(t)


def _pieces(t, d, sizes, op):
    lead = (slice(None),) * d
    out, start = [], 0
    for n in sizes:
        out.append(op(lead + (slice(start, start + n), Ellipsis))(t))
        start += n
    return tuple(out)


def split(t, split_size_or_sections, dim=0):
    """Views of consecutive pieces along ``dim``: of size ``split_size`` (the last may be smaller), or
    of the sizes in a list."""
    d = wrap_dim(dim, t.array.ndim)
    size = t.array.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                               f"split_sizes={sizes}")
        if sum(sizes) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                               f"size at dimension {d}), but got split_sizes={sizes}")
        return _pieces(t, d, sizes, SplitPiece)
    step = int(split_size_or_sections)
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0 and size:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
    if size == 0:
        return _pieces(t, d, [0], SplitPiece)
    return _pieces(t, d, [step] * (size // step) + ([size % step] if size % step else []), SplitPiece)


def chunk(t, chunks, dim=0):
    """Split into ``chunks`` views of equal size along ``dim`` (the last may be smaller; there may be fewer)."""
    chunks = int(chunks)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = wrap_dim(dim, t.array.ndim)
    size = t.array.shape[d]
    if size == 0:
        return _pieces(t, d, [0] * chunks, SplitPiece)
    return split(t, -(-size // chunks), d)


def unbind(t, dim=0):
    """The views ``t.select(dim, i)`` for every i: a tuple of tensors with ``dim`` removed."""
    if t.array.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, t.array.ndim)
    lead = (slice(None),) * d
    return tuple(UnbindPiece(lead + (i, Ellipsis))(t) for i in range(t.array.shape[d]))


class Flip(Op):
    saves = ()

    def __init__(self, axes):
        self.axes = axes

    def forward(self, a):
        return xp_of(a).flip(a, self.axes).copy()  # a copy, as torch's (numpy's flip is a view)

    def backward(self, grad):
        return (Flip(self.axes)(grad),)


def flip(t, *dims_args, dims=None):
    """Reverse the order of the entries along the given dims (``x.flip(0, 1)`` or ``flip(x, (0, 1))``), a copy."""
    if dims is None:
        dims = dims_args[0] if len(dims_args) == 1 else dims_args
    axes = wrap_dims(dims, t.array.ndim)
    return Flip(axes if t.array.ndim else ())(t)  # a 0-d tensor accepts dim 0 and has nothing to flip
