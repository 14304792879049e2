"""Numerical gradient checks (float64 central differences), as torch.autograd.gradcheck.

The analytical Jacobian is built one output element at a time with ``autograd.grad``
(a vector-Jacobian product with a one-hot vector); the numerical one perturbs one input
element at a time by ``±eps``. The two must agree within ``atol + rtol * |numerical|``.
"""
import warnings

import numpy as np


class GradcheckError(RuntimeError):
    """Raised by gradcheck when an analytical gradient disagrees with the numerical one."""


def _as_tuple(x):
    from ..tensor import Tensor
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _flat_outputs(outs):
    """Every output element as one float64 vector (per output, a list)."""
    return [np.asarray(o.detach().cpu().array, dtype=np.float64).reshape(-1) for o in outs]


def _numerical_jacobians(fn, inputs, i, eps):
    """One (n_in, n_out_j) array per output j: d output_j / d inputs[i] by central differences."""
    arr = inputs[i].array  # perturbed in place, element by element, then restored
    sizes = [o.size for o in _flat_outputs(_as_tuple(fn(*inputs)))]
    jacobians = [np.zeros((arr.size, n)) for n in sizes]
    for row, idx in enumerate(np.ndindex(*arr.shape)):
        old = arr[idx].item()
        arr[idx] = old + eps
        plus = _flat_outputs(_as_tuple(fn(*inputs)))
        arr[idx] = old - eps
        minus = _flat_outputs(_as_tuple(fn(*inputs)))
        arr[idx] = old
        for jac, p, m in zip(jacobians, plus, minus):
            jac[row] = (p - m) / (2 * eps)
    return jacobians


def _analytical_jacobians(fn, inputs, i):
    """One (n_in, n_out_j) array per output j, from vector-Jacobian products with one-hot vectors."""
    from ..tensor import Tensor
    from . import grad
    outs = _as_tuple(fn(*inputs))
    x = inputs[i]
    jacobians = []
    for j, o in enumerate(outs):
        cols = []
        for k in range(o.array.size):
            v = np.zeros(o.array.shape, dtype=o.array.dtype)
            v.reshape(-1)[k] = 1
            if not o.requires_grad:
                cols.append(np.zeros(x.array.size))
                continue
            (d,) = grad(o, x, grad_outputs=Tensor._make(v), retain_graph=True, allow_unused=True)
            cols.append(np.zeros(x.array.size) if d is None else
                        np.asarray(d.detach().cpu().array, dtype=np.float64).reshape(-1))
        jacobians.append(np.stack(cols, axis=1) if cols else np.zeros((x.array.size, 0)))
    return jacobians


def gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_ignored):
    """Check gradients computed via small finite differences against analytical gradients
    w.r.t. the tensors in ``inputs`` that are of floating point type and have ``requires_grad=True``.

    Use float64 inputs (float32 is too coarse for central differences). Returns True if every
    difference is within ``atol + rtol * |numerical|``; otherwise raises ``GradcheckError``
    naming the output and input (or returns False with ``raise_exception=False``).
    """
    from ..tensor import Tensor
    inputs = _as_tuple(inputs)
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        if x.array.dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point. "
                          "This check will likely fail if all the inputs are not of double precision "
                          "floating point.", stacklevel=2)
        numerical = _numerical_jacobians(func, inputs, i, eps)
        analytical = _analytical_jacobians(func, inputs, i)
        for j, (num, ana) in enumerate(zip(numerical, analytical)):
            if not np.allclose(ana, num, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i},\nnumerical:{num}\n"
                    f"analytical:{ana}\n(largest difference {np.abs(ana - num).max():.3g})")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **_ignored):
    """Check second derivatives: ``gradcheck`` of ``(inputs, v) -> v^T J`` (the first gradients
    taken with ``create_graph=True``). ``grad_outputs`` (the ``v``) are random when not given."""
    from ..tensor import Tensor
    from . import grad
    inputs = _as_tuple(inputs)
    outs = _as_tuple(func(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(Tensor._make(rng.standard_normal(o.array.shape)).requires_grad_() for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]

    def first_grads(*args):
        xs, vs = args[:n], args[n:]
        gs = grad(_as_tuple(func(*xs)), [xs[i] for i in diff_idx], grad_outputs=vs, create_graph=True,
                  allow_unused=True)
        return tuple(g if g is not None else xs[i] * 0 for g, i in zip(gs, diff_idx))

    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
