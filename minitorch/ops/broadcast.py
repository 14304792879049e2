"""Broadcasting and its adjoint: ``broadcast_to`` and ``sum_to`` are each other's backward."""
from ..autograd.function import Op
from ._util import _make
from .._backend import xp_of


class BroadcastTo(Op):
    is_view = True
    saves = ()
    backward_name = 'ExpandBackward0'

    def __init__(self, shape):
        self.shape = shape

    def forward(self, a):
        self.in_shape = a.shape
        return _xp_broadcast(a, self.shape)

    def backward(self, grad):
        return (sum_to(grad, self.in_shape),)

    def backward_arrays(self, grad):
        return (sum_to_array(grad, self.in_shape),)


class SumTo(Op):
    saves = ()
    backward_name = 'SumBackward1'

    def __init__(self, shape):
        self.shape = shape

    def forward(self, a):
        self.in_shape = a.shape
        return sum_to_array(a, self.shape)

    def backward(self, grad):
        return (broadcast_to(grad, self.in_shape),)

    def backward_arrays(self, grad):
        return (_xp_broadcast(grad, self.in_shape),)


def _xp_broadcast(a, shape):
    return xp_of(a).broadcast_to(a, shape)


def sum_to_array(a, shape):
    """Sum the array ``a`` down to ``shape`` (the reverse of broadcasting it)."""
    if a.shape == shape:
        return a
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and a.shape[i + lead] != 1)
    out = a.sum(axis=axes, keepdims=True)
    if lead:
        out = out.reshape(shape)
    return out


def broadcast_to(t, shape):
    """``t`` viewed as ``shape`` by broadcasting (no copy)."""
    shape = tuple(shape)
    if t.array.shape == shape:
        return t
    return BroadcastTo(shape)(t)


def sum_to(t, shape):
    """Sum ``t`` down to ``shape``: the gradient of broadcasting something of that shape."""
    shape = tuple(shape)
    if t.array.shape == shape:
        return t
    return SumTo(shape)(t)


def sum_to_size(t, *size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return sum_to(t, size)


def expand(t, *sizes):
    """torch's ``expand``: -1 keeps a dimension; new dimensions are added in front."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    shape = t.array.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal "
                           f"to the number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    out = []
    for i, s in enumerate(sizes):
        if i >= lead:
            old = shape[i - lead]
            if s == -1:
                s = old
            elif old != 1 and old != s:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({old}) "
                                   f"at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                                   f"Tensor sizes: {list(shape)}")
        elif s == -1:
            raise RuntimeError("The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension 0")
        out.append(s)
    return broadcast_to(t, tuple(out))


def expand_as(t, other):
    return expand(t, other.array.shape)


def broadcast_shapes(*shapes):
    """The shape that all ``shapes`` broadcast to; RuntimeError naming the two that clash."""
    ndim = max(len(s) for s in shapes)
    out = [1] * ndim
    for s in shapes:
        for i, n in enumerate(s):
            j = ndim - len(s) + i
            if out[j] == 1:
                out[j] = n
            elif n != 1 and n != out[j]:
                raise RuntimeError(f"The size of tensor a ({out[j]}) must match the size of tensor b ({n}) at "
                                   f"non-singleton dimension {i}; shapes {list(shapes[0])} and {list(s)} do not broadcast")
    return tuple(out)


def broadcast_tensors(*tensors):
    shape = broadcast_shapes(*(t.array.shape for t in tensors))
    return tuple(broadcast_to(t, shape) for t in tensors)


