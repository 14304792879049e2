"""Matrix products: matmul (with batch broadcasting), mm, bmm, mv, dot, outer, einsum.

One ``MatMul`` op serves matmul, mm, bmm, mv and dot: numpy's ``matmul`` already has torch's
rules for 1-D operands and batch broadcasting, so only the checks and error messages differ.
"""
import functools
import string

from ..autograd.function import Op
from .._backend import xp_of
from ._util import Tensor
from .broadcast import sum_to, broadcast_to, broadcast_shapes
from .shape import reshape, mT


# -- matmul and its special cases -----------------------------------------------------------

class MatMul(Op):
    """matmul of two arrays of at least 1 dim; vectors and batch dims follow torch.matmul."""

    def __init__(self, backward_name='MmBackward0'):
        self.backward_name = backward_name

    def forward(self, a, b):
        return a @ b

    def backward(self, grad):
        a, b = self.inputs
        if a.array.ndim == 1 and b.array.ndim == 1:  # a dot product: grad is 0-d
            return (grad * b if a.requires_grad else None, grad * a if b.requires_grad else None)
        # A vector is a one-row (left) or one-column (right) matrix, so both gradients are
        # matrix products; put the removed 1 back into grad to match.
        a2 = a if a.array.ndim > 1 else reshape(a, 1, -1)
        b2 = b if b.array.ndim > 1 else reshape(b, -1, 1)
        shape = grad.array.shape
        if b.array.ndim == 1:
            grad = reshape(grad, shape + (1,))
        elif a.array.ndim == 1:
            grad = reshape(grad, shape[:-1] + (1,) + shape[-1:])
        ga = gb = None
        if a.requires_grad:
            ga = _back_to(sum_to(MatMul()(grad, mT(b2)), a2.array.shape), a)
        if b.requires_grad:
            gb = _back_to(sum_to(MatMul()(mT(a2), grad), b2.array.shape), b)
        return ga, gb


def _back_to(g, t):
    return g if g.array.ndim == t.array.ndim else reshape(g, t.array.shape)


# torch's grad_fn names for the products it does in one kernel
_BACKWARD_NAMES = {(1, 1): 'DotBackward0', (2, 1): 'MvBackward0', (2, 2): 'MmBackward0', (1, 2): 'SqueezeBackward4'}


def _operands(name, a, b):
    """Type and dtype checks shared by the products: torch never promotes here."""
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        bad, arg = (a, 'input') if not isinstance(a, Tensor) else (b, 'other')
        raise TypeError(f"{name}(): argument '{arg}' must be Tensor, not {type(bad).__name__}")
    if a.array.dtype != b.array.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype.name} != {b.dtype.name}; "
                           f"convert one first, e.g. other.to(input.dtype)")
    if a.array.dtype.kind == 'b':
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'; convert first, e.g. input.float()")


def _mat_str(shape):
    return 'x'.join(map(str, shape))


def _cannot_multiply(sa, sb):
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat_str(sa)} and {_mat_str(sb)}); the "
                        f"first's columns ({sa[-1]}) must equal the second's rows ({sb[0]}): check the layer "
                        f"sizes, or transpose one operand")


def _mv_mismatch(sa, sb):
    return RuntimeError(f"size mismatch, got input ({sa[0]}), mat ({_mat_str(sa)}), vec ({sb[0]}); the matrix's "
                        f"columns must equal the vector's length")


def _dot_mismatch(sa, sb):
    return RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the same "
                        f"number of elements, but got {sa[0]} and {sb[0]} elements respectively")


def matmul(input, other):
    """Matrix product of two tensors (torch.matmul).

    1-D and 1-D: the dot product (a 0-d tensor). 2-D and 2-D: the matrix product. A 1-D first
    argument is treated as a row, a 1-D second argument as a column, and the added dim is
    removed again. Beyond 2-D, the leading (batch) dims are broadcast.
    """
    _operands('matmul', input, other)
    sa, sb = input.array.shape, other.array.shape
    if not sa or not sb:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {len(sa)}D and "
                           f"{len(sb)}D; use * to multiply by a scalar")
    inner = sb[-2] if len(sb) > 1 else sb[0]
    if sa[-1] != inner:
        if len(sa) == 1 and len(sb) == 1:
            raise _dot_mismatch(sa, sb)
        if len(sa) == 2 and len(sb) == 1:
            raise _mv_mismatch(sa, sb)
        if len(sa) <= 2 and len(sb) == 2:
            raise _cannot_multiply(sa if len(sa) == 2 else (1,) + sa, sb)
        raise RuntimeError(f"matmul shapes {list(sa)} and {list(sb)} cannot be multiplied: the last dim of the "
                           f"first ({sa[-1]}) must equal the {'second-to-last' if len(sb) > 1 else 'only'} dim "
                           f"of the second ({inner})")
    op = MatMul(_BACKWARD_NAMES.get((len(sa), len(sb)), 'UnsafeViewBackward0'))
    try:
        return op(input, other)
    except ValueError:  # the batch dims do not broadcast: say which
        broadcast_shapes(sa[:-2], sb[:-2] if len(sb) > 1 else ())
        raise


def mm(input, mat2):
    """Matrix product of two 2-D tensors; no broadcasting (use matmul for that)."""
    _operands('mm', input, mat2)
    if input.array.ndim != 2:
        raise RuntimeError(f"self must be a matrix (mm takes 2-D tensors, got {input.array.ndim}-D); use matmul "
                           f"for vectors and batches")
    if mat2.array.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix (mm takes 2-D tensors, got {mat2.array.ndim}-D); use matmul "
                           f"for vectors and batches")
    if input.array.shape[1] != mat2.array.shape[0]:
        raise _cannot_multiply(input.array.shape, mat2.array.shape)
    return MatMul('MmBackward0')(input, mat2)


def bmm(input, mat2):
    """Batch matrix product of two 3-D tensors (b, n, m) and (b, m, p); the batch sizes must be equal."""
    _operands('bmm', input, mat2)
    for name, t in (('batch1', input), ('batch2', mat2)):
        if t.array.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor, got {t.array.ndim}-D; use matmul for other ranks")
    sa, sb = input.array.shape, mat2.array.shape
    if sb[:2] != (sa[0], sa[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] "
                           f"but got: [{sb[0]}, {sb[1]}]; bmm shapes {list(sa)} and {list(sb)} need equal batch "
                           f"sizes and input's last dim equal to mat2's middle dim")
    return MatMul('BmmBackward0')(input, mat2)


def mv(input, vec):
    """Product of a 2-D matrix and a 1-D vector."""
    _operands('mv', input, vec)
    if input.array.ndim != 2 or vec.array.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected: mv takes a 2-D matrix and a 1-D vector, but got "
                           f"{input.array.ndim}-D and {vec.array.ndim}-D tensors")
    if input.array.shape[1] != vec.array.shape[0]:
        raise _mv_mismatch(input.array.shape, vec.array.shape)
    return MatMul('MvBackward0')(input, vec)


def dot(input, other):
    """Dot product of two 1-D tensors of the same length (a 0-d tensor)."""
    _operands('dot', input, other)
    if input.array.ndim != 1 or other.array.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.array.ndim}D and {other.array.ndim}D tensors")
    if input.array.shape != other.array.shape:
        raise _dot_mismatch(input.array.shape, other.array.shape)
    return MatMul('DotBackward0')(input, other)


def outer(input, vec2):
    """Outer product of two 1-D tensors: out[i, j] = input[i] * vec2[j] (dtypes are promoted)."""
    for name, t in (('self', input), ('vec2', vec2)):
        if not isinstance(t, Tensor):
            raise TypeError(f"outer(): argument '{name}' must be Tensor, not {type(t).__name__}")
        if t.array.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.array.ndim}-D")
    return reshape(input, -1, 1) * vec2


# -- einsum -----------------------------------------------------------------------------------

class Einsum(Op):
    """numpy's einsum for a spec of letters only (ellipses spelled out, sizes already equal)."""

    def __init__(self, spec):
        self.spec = spec

    def forward(self, *arrays):
        xp = xp_of(arrays[0])
        # numpy's plain einsum runs one loop over every label at once; past a small size, a
        # contraction order that uses BLAS pays for the time spent finding it
        big = len(arrays) > 1 and _loop_size(self.spec, arrays) > 16384
        out = xp.einsum(self.spec, *arrays, optimize='greedy' if big else False)
        if len(arrays) == 1 and xp.may_share_memory(out, arrays[0]):
            out = out.copy()  # a transpose or diagonal comes back as a view; ours owns its memory
        return out

    def backward(self, grad):
        ins, out = self.spec.split('->')
        terms = ins.split(',')
        unused = iter(c for c in string.ascii_letters if c not in self.spec)
        grads = []
        for k, t in enumerate(self.inputs):
            if not t.requires_grad:
                grads.append(None)
                continue
            # d out / d operand k is the einsum of grad with the other operands. A label repeated
            # in operand k (a diagonal) gets a fresh letter tied to it by an identity matrix.
            others = [(terms[j], self.inputs[j]) for j in range(len(terms)) if j != k]
            target = ''
            for c in terms[k]:
                if c in target:
                    fresh = next(unused)
                    size = t.array.shape[len(target)]
                    eye = Tensor._make(xp_of(grad.array).eye(size, dtype=grad.array.dtype))
                    others.append((c + fresh, eye))
                    c = fresh
                target += c
            seen = out + ''.join(s for s, _ in others)
            # labels summed away in the forward and found nowhere else: the gradient is constant along them
            kept = ''.join(c for c in target if c in seen)
            g = Einsum(','.join([out] + [s for s, _ in others]) + '->' + kept)(grad, *[o for _, o in others])
            if kept != target:
                g = broadcast_to(reshape(g, [n if c in seen else 1 for c, n in zip(target, t.array.shape)]),
                                 t.array.shape)
            grads.append(g)
        return tuple(grads)


def _loop_size(spec, arrays):
    sizes = {}
    for term, a in zip(spec.split('->')[0].split(','), arrays):
        sizes.update(zip(term, a.shape))
    n = 1
    for s in sizes.values():
        n *= s
    return n


def einsum(equation, *operands):
    """Sums the product of the operands' elements along the dims named in ``equation``
    (Einstein summation), as torch.einsum.

    ``'ij,jk->ik'`` is a matrix product, ``'bij,bjk->bik'`` a batched one, ``'ii->i'`` a diagonal,
    ``'ij->'`` a sum. Without ``->`` the output is the ellipsis dims followed by the labels that
    appear once, in alphabetical order. ``...`` stands for broadcast leading dims, and dims of size
    1 broadcast against the same label elsewhere. Operands may also be passed as one list.
    """
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): argument 'equation' (position 1) must be str, not {type(equation).__name__}")
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one operand")
    for i, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(t).__name__}")
    terms, out, ell = _parse(equation, tuple(t.array.ndim for t in operands))
    first = operands[0].array.dtype
    for t in operands[1:]:
        if t.array.dtype != first:
            raise RuntimeError(f"einsum(): expected all operands to have the same dtype, but got "
                               f"{operands[0].dtype.name} and {t.dtype.name}; convert them first, e.g. x.to(y.dtype)")
    if first.kind == 'b' and len(operands) > 1:
        raise NotImplementedError("\"einsum\" not implemented for 'Bool'; convert first, e.g. x.float()")
    operands = _broadcast_labels(terms, operands, ell)
    return Einsum(','.join(terms) + '->' + out)(*operands)


@functools.lru_cache(maxsize=256)
def _parse(equation, ndims):
    """The equation as one letter string per operand and one for the output, '...' spelled out
    with letters the equation does not use (right-aligned, so they broadcast as numpy's do);
    also those letters."""
    eq = equation.replace(' ', '')
    for i, c in enumerate(eq):
        if not (c in string.ascii_letters or c in '.,' or eq[i:i + 2] == '->' or eq[i - 1:i + 1] == '->'):
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, "
                               f"subscripts must be in [a-zA-Z]")
    lhs, arrow, rhs = eq.partition('->')
    if '->' in rhs:
        raise RuntimeError("einsum(): the equation has more than one '->'")
    terms = [_split_ellipsis(s, f"operand {i}") for i, s in enumerate(lhs.split(','))]
    if len(terms) < len(ndims):
        raise RuntimeError(f"einsum(): more operands were provided than specified in the equation "
                           f"(it has {len(terms)} comma-separated terms, got {len(ndims)} tensors)")
    if len(terms) > len(ndims):
        raise RuntimeError(f"einsum(): fewer operands were provided than specified in the equation "
                           f"(it has {len(terms)} comma-separated terms, got {len(ndims)} tensors)")
    n_ell = 0  # dims covered by the widest ellipsis
    for i, ((head, tail, has_ell), nd) in enumerate(zip(terms, ndims)):
        n = len(head) + len(tail)
        if not has_ell and n != nd:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does not match the "
                               f"number of dimensions ({nd}) for operand {i} and no ellipsis was given")
        if has_ell and n > nd:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) is more than the number "
                               f"of dimensions ({nd}) for operand {i}")
        if has_ell:
            n_ell = max(n_ell, nd - n)
    ell = ''.join([c for c in string.ascii_letters if c not in eq][:n_ell])
    letters = [head + (ell[n_ell - (nd - len(head) - len(tail)):] if has_ell else '') + tail
               for (head, tail, has_ell), nd in zip(terms, ndims)]
    named = ''.join(h + t for h, t, _ in terms)
    if arrow:
        head, tail, has_ell = _split_ellipsis(rhs, 'the output')
        out = head + (ell if has_ell else '') + tail
        for c in head + tail:
            if c not in named:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any "
                                   f"input operand")
            if out.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
    else:
        out = ell + ''.join(sorted(c for c in set(named) if named.count(c) == 1))
    return tuple(letters), out, ell


def _split_ellipsis(s, what):
    """'ab...c' -> ('ab', 'c', True); '.' outside one '...' is an error."""
    head, ell, tail = s.partition('...')
    if '...' in tail:
        raise RuntimeError(f"einsum(): found '.' for {what} for which an ellipsis was already found")
    if '.' in head or '.' in tail:
        raise RuntimeError(f"einsum(): found '.' for {what} that is not part of any ellipsis")
    return head, tail, bool(ell)


def _broadcast_labels(terms, operands, ell):
    """Check that each label has one size (or 1, which broadcasts) and expand the 1s."""
    sizes = {}
    for i, (term, t) in enumerate(zip(terms, operands)):
        own = {}
        for c, n in zip(term, t.array.shape):
            if own.setdefault(c, n) != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {i} but the sizes don't "
                                   f"match, {n} != {own[c]}")
            seen = sizes.setdefault(c, n)
            if seen != n and 1 not in (seen, n):
                what = "a dimension covered by '...'" if c in ell else f"subscript {c}"
                raise RuntimeError(f"einsum(): {what} has size {n} for operand {i} which does not broadcast with "
                                   f"previously seen size {seen}")
            if seen == 1:
                sizes[c] = n
    out = []
    for term, t in zip(terms, operands):
        shape = tuple(sizes[c] for c in term)
        out.append(t if shape == t.array.shape else broadcast_to(t, shape))
    return out
