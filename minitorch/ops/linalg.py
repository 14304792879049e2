"""Matrix products: matmul (with batch broadcasting), mm, bmm, mv, dot, outer, einsum."""
from ..autograd.function import Op
from ._util import binary_operands
from .broadcast import sum_to
from .shape import mT


class MatMul(Op):
    """Product of two tensors of at least 2 dims, broadcasting the batch dims."""
    backward_name = 'MmBackward0'

    def forward(self, a, b):
        return a @ b

    def backward(self, grad):
        a, b = self.inputs
        ga = sum_to(grad @ mT(b), a.array.shape) if a.requires_grad else None
        gb = sum_to(mT(a) @ grad, b.array.shape) if b.requires_grad else None
        return ga, gb


def _check_matmul(a, b):
    sa, sb = a.array.shape, b.array.shape
    if a.array.ndim == 0 or b.array.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a.array.ndim}D and {b.array.ndim}D")
    ka = sa[-1]
    kb = sb[-2] if len(sb) > 1 else sb[0]
    if ka != kb:
        if len(sa) <= 2 and len(sb) <= 2:
            ra = f"{sa[0]}x{sa[1]}" if len(sa) == 2 else f"1x{sa[0]}"
            rb = f"{sb[0]}x{sb[1]}" if len(sb) == 2 else f"{sb[0]}x1"
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({ra} and {rb})")
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{sa[-1]}] but got "
                           f"[{kb}]; matmul shapes {list(sa)} and {list(sb)} do not match")


def matmul(a, b):
    """torch.matmul: dot for 1-D pairs, matrix product otherwise, batch dims broadcast."""
    a, b = binary_operands(a, b)
    _check_matmul(a, b)
    if a.array.dtype.kind == 'b':
        raise RuntimeError('"addmm_impl_cpu_" not implemented for \'Bool\'')
    if a.array.ndim >= 2 and b.array.ndim >= 2:
        return MatMul()(a, b)
    # 1-D operands become matrices for the product and lose that dim again after it
    a2 = a.unsqueeze(0) if a.array.ndim == 1 else a
    b2 = b.unsqueeze(-1) if b.array.ndim == 1 else b
    out = MatMul()(a2, b2)
    if b.array.ndim == 1:
        out = out.squeeze(-1)
    if a.array.ndim == 1:
        out = out.squeeze(-2) if out.array.ndim >= 1 and b.array.ndim > 1 else out.squeeze(0)
    return out


# --- placeholders, being written now (each helper replaces its block) ---
def mm(*args, **kwargs):
    raise NotImplementedError('mm')


def bmm(*args, **kwargs):
    raise NotImplementedError('bmm')


def mv(*args, **kwargs):
    raise NotImplementedError('mv')


def dot(*args, **kwargs):
    raise NotImplementedError('dot')


def outer(*args, **kwargs):
    raise NotImplementedError('outer')


def einsum(*args, **kwargs):
    raise NotImplementedError('einsum')
