"""Shape ops: reshape/view, transpose/permute, squeeze/unsqueeze, flatten, cat/stack, split..."""
import numpy as np

from ..autograd.function import Op
from ._util import wrap_dim


def _infer_shape(shape, numel, src_shape):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel} "
                           f"(the tensor's shape is {list(src_shape)})")
    return tuple(shape)


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(int(s) for s in shape[0])
    return tuple(int(s) for s in shape)


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


def reshape(t, *shape):
    """The same values in a new shape (one dim may be -1); a view when memory allows."""
    shape = _infer_shape(_shape_args(shape), t.array.size, t.array.shape)
    if shape == t.array.shape:
        return Reshape(shape)(t) if t.requires_grad else t
    return Reshape(shape)(t)


def view(t, *shape):
    """Like reshape, but errors (as torch) when the tensor's memory layout cannot be viewed."""
    shape = _infer_shape(_shape_args(shape), t.array.size, t.array.shape)
    if not t.array.flags.c_contiguous and t.array.size > 1:
        try:
            v = t.array.view()
            v.shape = shape  # numpy raises when this would need a copy
        except AttributeError:
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None
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
    return transpose(t, 0, 1) if t.array.ndim == 2 else t


def T(t):
    n = t.array.ndim
    return Permute(tuple(range(n - 1, -1, -1)))(t) if n > 1 else t


def mT(t):
    if t.array.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {t.array.ndim}-D tensor.")
    return transpose(t, -2, -1)



# --- placeholders, being written now (each helper replaces its block) ---
def flatten(*args, **kwargs):
    raise NotImplementedError('flatten')


def unflatten(*args, **kwargs):
    raise NotImplementedError('unflatten')


def squeeze(*args, **kwargs):
    raise NotImplementedError('squeeze')


def unsqueeze(*args, **kwargs):
    raise NotImplementedError('unsqueeze')


def cat(*args, **kwargs):
    raise NotImplementedError('cat')


def stack(*args, **kwargs):
    raise NotImplementedError('stack')


def split(*args, **kwargs):
    raise NotImplementedError('split')


def chunk(*args, **kwargs):
    raise NotImplementedError('chunk')


def flip(*args, **kwargs):
    raise NotImplementedError('flip')


def unbind(*args, **kwargs):
    raise NotImplementedError('unbind')


def repeat(*args, **kwargs):
    raise NotImplementedError('repeat')
