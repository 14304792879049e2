"""Matrix products against torch: matmul for every rank pair, mm, bmm, mv, dot, outer, einsum;
values, gradients and second gradients in float64 and float32, and the errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
from harness import compare


def _matmul_shape(rank, batch, rows, cols):
    """A shape of ``rank`` dims ending in (rows, cols); a vector when rank is 1."""
    if rank == 1:
        return (cols,) if rows is None else (rows,)
    return batch[len(batch) - (rank - 2):] + (rows, cols)


@pytest.mark.parametrize('rb', [1, 2, 3, 4])
@pytest.mark.parametrize('ra', [1, 2, 3, 4])
def test_matmul_every_rank_pair(ra, rb):
    # batch dims (2, 1) and (2, 3) broadcast to (2, 3); (1,) and (3,) cover the shorter ones
    a = (3,) if ra == 1 else _matmul_shape(ra, (2, 1), 4, 3)
    b = (3,) if rb == 1 else _matmul_shape(rb, (2, 3), 3, 5)
    compare(lambda T, x, y: x @ y, [a, b])
    compare(lambda T, x, y: T.matmul(x, y), [a, b])


@pytest.mark.parametrize('shapes', [
    [(2, 1, 3, 4), (5, 4, 2)], [(5, 4, 2), (2, 1, 2, 3)], [(1, 3, 4), (2, 4, 2)], [(0, 3), (3, 2)], [(2, 0), (0, 3)],
])
def test_matmul_broadcast_and_empty(shapes):
    compare(lambda T, x, y: T.matmul(x, y), shapes)


def test_matmul_one_operand_needs_grad():
    compare(lambda T, x, y: x @ y, [(2, 3, 4), (4, 5)], grad_inputs=[1])
    compare(lambda T, x, y: x @ y, [(4,), (2, 4, 5)], grad_inputs=[0])


def test_matmul_integers():
    a = np.arange(6).reshape(2, 3)
    b = np.arange(12).reshape(3, 4) - 5
    compare(lambda T, x, y: x @ y, inputs=[a, b])
    compare(lambda T, x, y: x @ y, inputs=[a[0], b[:, 0]])


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_matmul_broadcast_hypothesis(data):
    n_batch = data.draw(st.integers(0, 3))
    full = data.draw(st.lists(st.integers(1, 3), min_size=n_batch, max_size=n_batch))
    # each operand keeps a suffix of the batch dims, with some of them squeezed to 1
    ba = [d if data.draw(st.booleans()) else 1 for d in full][data.draw(st.integers(0, n_batch)):]
    bb = [d if data.draw(st.booleans()) else 1 for d in full][data.draw(st.integers(0, n_batch)):]
    m, k, n = data.draw(st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)))
    a = (k,) if data.draw(st.booleans()) and not ba else tuple(ba) + (m, k)
    b = (k,) if data.draw(st.booleans()) and not bb else tuple(bb) + (k, n)
    compare(lambda T, x, y: x @ y, [a, b], dtypes=('float64',))


def test_grad_fn_names():
    def name(fn, *shapes):
        return fn(*[minitorch.randn(*s, requires_grad=True) for s in shapes]).grad_fn.name()
    assert name(minitorch.matmul, (3,), (3,)) == 'DotBackward0'
    assert name(minitorch.matmul, (2, 3), (3,)) == 'MvBackward0'
    assert name(minitorch.matmul, (2, 3), (3, 4)) == 'MmBackward0'
    assert name(minitorch.bmm, (2, 2, 3), (2, 3, 4)) == 'BmmBackward0'
    assert name(minitorch.outer, (2,), (3,)) == 'MulBackward0'


# -- mm, bmm, mv, dot, outer -------------------------------------------------------------------

def test_mm_bmm_mv_dot():
    compare(lambda T, x, y: T.mm(x, y), [(2, 3), (3, 4)])
    compare(lambda T, x, y: x.mm(y), [(1, 5), (5, 1)])
    compare(lambda T, x, y: T.bmm(x, y), [(2, 3, 4), (2, 4, 5)])
    compare(lambda T, x, y: x.bmm(y), [(1, 1, 2), (1, 2, 3)])
    compare(lambda T, x, y: T.mv(x, y), [(3, 4), (4,)])
    compare(lambda T, x, y: x.mv(y), [(1, 4), (4,)])
    compare(lambda T, x, y: T.dot(x, y), [(5,), (5,)])
    compare(lambda T, x, y: x.dot(y), [(1,), (1,)])


def test_outer():
    compare(lambda T, x, y: T.outer(x, y), [(3,), (4,)])
    compare(lambda T, x, y: x.outer(y), [(1,), (2,)])
    # outer promotes, unlike the other products
    compare(lambda T, x, y: T.outer(x, y), inputs=[np.arange(3), np.linspace(-1, 1, 4)])


def test_product_of_product_second_gradient():
    compare(lambda T, x, y: (x @ y) @ (y.mT @ x.mT), [(2, 3), (3, 4)])
    compare(lambda T, x, y: T.dot(T.mv(x, y), T.mv(x, y)), [(3, 4), (4,)])


# -- errors -----------------------------------------------------------------------------------

def _both(fn, error, match):
    """``fn(T)`` raises ``error`` matching ``match`` in torch and in minitorch."""
    for T in (torch, minitorch):
        with pytest.raises(error, match=match):
            fn(T)


@pytest.mark.parametrize('sa, sb, match', [
    ((2, 3), (4, 5), r'mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)'),
    ((3,), (4, 5), r'mat1 and mat2 shapes cannot be multiplied \(1x3 and 4x5\)'),
    ((2, 3), (4,), r'size mismatch, got input \(2\), mat \(2x3\), vec \(4\)'),
    ((3,), (4,), r'inconsistent tensor size'),
    ((), (3,), r'both arguments to matmul need to be at least 1D'),
    ((2, 3), (), r'both arguments to matmul need to be at least 1D'),
    ((2, 2, 3), (3, 3, 5), r'size of tensor a \(2\) must match the size of tensor b \(3\)'),
])
def test_matmul_shape_errors(sa, sb, match):
    _both(lambda T: T.matmul(T.ones(sa), T.ones(sb)), RuntimeError, match)


def test_matmul_batched_shape_error_names_both_shapes():
    with pytest.raises(RuntimeError, match=r'\[2, 2, 3\] and \[2, 4, 5\] cannot be multiplied'):
        minitorch.ones(2, 2, 3) @ minitorch.ones(2, 4, 5)
    with pytest.raises(RuntimeError):
        torch.ones(2, 2, 3) @ torch.ones(2, 4, 5)


def test_product_dtype_errors():
    # torch never promotes in a matrix product
    for fn in (lambda T, a, b: a @ b, lambda T, a, b: T.mm(a, b), lambda T, a, b: T.matmul(a[0], b[:, 0])):
        _both(lambda T: fn(T, T.ones(2, 2), T.ones(2, 2, dtype=T.float64)), RuntimeError, 'same dtype')
        _both(lambda T: fn(T, T.ones(2, 2, dtype=T.int64), T.ones(2, 2)), RuntimeError, 'same dtype')
    _both(lambda T: T.ones(2, 2, dtype=T.bool) @ T.ones(2, 2, dtype=T.bool), NotImplementedError, "'Bool'")


def test_product_type_errors():
    _both(lambda T: T.ones(3) @ [1., 2., 3.], TypeError, None)
    _both(lambda T: T.matmul(T.ones(3), 2), TypeError, 'must be Tensor')
    _both(lambda T: T.ones(3) @ 2, TypeError, None)


@pytest.mark.parametrize('fn, match', [
    (lambda T: T.mm(T.ones(3), T.ones(3, 3)), 'self must be a matrix'),
    (lambda T: T.mm(T.ones(2, 3), T.ones(3)), 'mat2 must be a matrix'),
    (lambda T: T.mm(T.ones(2, 3), T.ones(4, 3)), r'cannot be multiplied \(2x3 and 4x3\)'),
    (lambda T: T.bmm(T.ones(2, 3), T.ones(3, 3)), 'batch1 must be a 3D tensor'),
    (lambda T: T.bmm(T.ones(2, 2, 3), T.ones(3, 3)), 'batch2 must be a 3D tensor'),
    (lambda T: T.bmm(T.ones(2, 2, 3), T.ones(3, 3, 3)), r'Expected size for first two dimensions of batch2 '
                                                        r'tensor to be: \[2, 3\] but got: \[3, 3\]'),
    (lambda T: T.mv(T.ones(2, 3), T.ones(4)), r'size mismatch, got input \(2\), mat \(2x3\), vec \(4\)'),
    (lambda T: T.mv(T.ones(2, 3), T.ones(3, 1)), 'vector \\+ matrix @ vector expected'),
    (lambda T: T.dot(T.ones(3), T.ones(4)), 'inconsistent tensor size'),
    (lambda T: T.dot(T.ones(3, 1), T.ones(3)), '1D tensors expected, but got 2D and 1D tensors'),
    (lambda T: T.outer(T.ones(3, 1), T.ones(3)), 'outer: Expected 1-D argument self, but got 2-D'),
    (lambda T: T.outer(T.ones(3), T.tensor(2.)), 'outer: Expected 1-D argument vec2, but got 0-D'),
])
def test_special_product_errors(fn, match):
    _both(fn, RuntimeError, match)


# -- einsum -----------------------------------------------------------------------------------

@pytest.mark.parametrize('eq, shapes', [
    ('ij,jk->ik', [(2, 3), (3, 4)]),
    ('ij,jk', [(2, 3), (3, 4)]),
    ('bij,bjk->bik', [(2, 2, 3), (2, 3, 4)]),
    ('i,i->', [(4,), (4,)]),
    ('i,i', [(4,), (4,)]),
    ('ij->ji', [(2, 3)]),
    ('ba', [(2, 3)]),
    ('ii->i', [(3, 3)]),
    ('ii', [(3, 3)]),
    ('iij->ji', [(3, 3, 2)]),
    ('ij->', [(2, 3)]),
    ('ij->j', [(2, 3)]),
    ('...ij,...jk->...ik', [(2, 1, 2, 3), (5, 3, 4)]),
    ('...ij,...jk', [(2, 3), (4, 3, 2)]),
    ('i...->...', [(2, 3, 4)]),
    ('i,j->ij', [(2,), (3,)]),
    ('bi,bi->b', [(3, 4), (3, 4)]),
    ('ij,ij->', [(1, 3), (2, 1)]),
    ('i,i->i', [(3,), (1,)]),
    ('ij,jk,kl->il', [(2, 3), (3, 4), (4, 2)]),
    ('iJ,Jk', [(2, 3), (3, 4)]),
    ('i j , j k -> k i', [(2, 3), (3, 4)]),
    ('ij,ij,ij->i', [(2, 3), (2, 3), (2, 3)]),
    ('ij,jk->ik', [(30, 30), (30, 30)]),  # big enough for the BLAS path
    ('bhqd,bhkd->bhqk', [(2, 2, 3, 4), (2, 2, 5, 4)]),
])
def test_einsum(eq, shapes):
    compare(lambda T, *xs: T.einsum(eq, *xs), shapes)


def test_einsum_operands_as_list_and_repeated_operand():
    compare(lambda T, x, y: T.einsum('ij,jk->ik', [x, y]), [(2, 3), (3, 4)])
    compare(lambda T, x, y: T.einsum('ij,jk->ik', (x, y)), [(2, 3), (3, 4)])
    compare(lambda T, x: T.einsum('ij,ij->i', x, x), [(2, 3)])
    compare(lambda T, x: T.einsum('ij,jk->ik', x, x), [(3, 3)])


def test_einsum_integers_and_no_alias():
    a = np.arange(6).reshape(2, 3)
    compare(lambda T, x, y: T.einsum('ij,kj', x, y), inputs=[a, a + 1])
    x = minitorch.tensor(a.astype(np.float32))
    t = minitorch.einsum('ij->ji', x)
    t[0, 0] = 100.
    assert x[0, 0].item() == 0.


@pytest.mark.parametrize('fn, match', [
    (lambda T, x, y: T.einsum('ij,jk->ik', x), 'fewer operands were provided than specified in the equation'),
    (lambda T, x, y: T.einsum('ij,jk->ik', x, y, y), 'more operands were provided than specified in the equation'),
    (lambda T, x, y: T.einsum('ij,jk->ik', x, x), 'subscript j has size 2 for operand 1 which does not broadcast '
                                                  'with .*size 3'),
    (lambda T, x, y: T.einsum('ijk,jk->ik', x, y), r'number of subscripts in the equation \(3\) does not match '
                                                   r'the number of dimensions \(2\) for operand 0'),
    (lambda T, x, y: T.einsum('i...j->...', x[0]), r'number of subscripts in the equation \(2\) is more than'),
    (lambda T, x, y: T.einsum('ij,jk->il', x, y), 'output subscript l does not appear in the equation'),
    (lambda T, x, y: T.einsum('ij,jk->iik', x, y), 'output subscript i appears more than once in the output'),
    (lambda T, x, y: T.einsum('ii->i', x), "subscript i is repeated for operand 0 but the sizes don't match"),
    (lambda T, x, y: T.einsum('i1,1k->ik', x, y), 'invalid subscript given at index 1'),
    (lambda T, x, y: T.einsum('..ij->ij', x), "found '.' for operand 0 that is not part of any ellipsis"),
    (lambda T, x, y: T.einsum('i...j...', y), "found '.' for operand 0 for which an ellipsis was already found"),
    (lambda T, x, y: T.einsum('ij,jk->ik', x, y.double()), None),
])
def test_einsum_errors(fn, match):
    _both(lambda T: fn(T, T.ones(2, 3), T.ones(3, 4)), RuntimeError, match)


def test_einsum_type_errors():
    _both(lambda T: T.einsum('ij,jk->ik', T.ones(2, 3), [1, 2]), TypeError, 'expected Tensor as element 1')
    _both(lambda T: T.einsum(3, T.ones(2)), TypeError, "argument 'equation'")
    _both(lambda T: T.einsum('ij'), ValueError, 'must specify the equation string and at least one operand')
