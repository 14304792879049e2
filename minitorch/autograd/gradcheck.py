"""Numerical gradient checks (float64 central differences), as torch.autograd.gradcheck."""
import numpy as np


class GradcheckError(RuntimeError):
    """Raised by gradcheck when an analytical gradient disagrees with the numerical one."""


def _numerical_jacobian(fn, inputs, i, eps):
    x = inputs[i]
    flat = x.array.reshape(-1)
    outs = []
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        plus = _flat_outputs(fn(*inputs))
        flat[k] = old - eps
        minus = _flat_outputs(fn(*inputs))
        flat[k] = old
        outs.append((plus - minus) / (2 * eps))
    return np.stack(outs, axis=0) if outs else np.zeros((0, 0))  # (n_in, n_out)


def _flat_outputs(out):
    from ..tensor import Tensor
    outs = (out,) if isinstance(out, Tensor) else tuple(out)
    return np.concatenate([np.asarray(o.detach().array, dtype=np.float64).reshape(-1) for o in outs])


def _analytical_jacobian(fn, inputs, i):
    from ..tensor import Tensor
    from . import grad
    out = fn(*inputs)
    outs = (out,) if isinstance(out, Tensor) else tuple(out)
    sizes = [o.array.size for o in outs]
    rows = []
    for j, o in enumerate(outs):
        for k in range(sizes[j]):
            g = [Tensor._make(np.zeros(oo.array.shape, oo.array.dtype)) for oo in outs]
            g[j].array.reshape(-1)[k] = 1
            d = grad(outs, (inputs[i],), grad_outputs=g, retain_graph=True, allow_unused=True)[0]
            rows.append(np.zeros(inputs[i].array.size) if d is None else d.array.reshape(-1).astype(np.float64))
    return np.stack(rows, axis=1) if rows else np.zeros((0, 0))  # (n_in, n_out)


def gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_ignored):
    """Check ``func``'s gradients against central differences for every input that requires grad.

    Inputs should be float64; returns True, or raises ``GradcheckError`` (False with
    ``raise_exception=False``) naming the input and the largest difference.
    """
    from ..tensor import Tensor
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        if x.array.dtype != np.float64:
            import warnings
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point. "
                          "gradcheck is only reliable in float64.")
        numerical = _numerical_jacobian(func, inputs, i, eps)
        analytical = _analytical_jacobian(func, inputs, i)
        if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
            diff = np.abs(analytical - numerical).max()
            msg = (f"Jacobian mismatch for output 0 with respect to input {i},\nnumerical:{numerical}\n"
                   f"analytical:{analytical}\n(largest difference {diff:.3g})")
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_ignored):
    """Check second derivatives: gradcheck of the function (inputs, v) -> vector-Jacobian product."""
    from ..tensor import Tensor
    from . import grad
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    out = func(*inputs)
    outs = (out,) if isinstance(out, Tensor) else tuple(out)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(Tensor._make(rng.standard_normal(o.array.shape)).requires_grad_() for o in outs)
    grad_outputs = (grad_outputs,) if isinstance(grad_outputs, Tensor) else tuple(grad_outputs)
    n = len(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]

    def first_grads(*args):
        xs, vs = args[:n], args[n:]
        o = func(*xs)
        os = (o,) if isinstance(o, Tensor) else tuple(o)
        gs = grad(os, [xs[i] for i in diff_idx], grad_outputs=vs, create_graph=True, allow_unused=True)
        return tuple(g if g is not None else xs[i] * 0 for g, i in zip(gs, diff_idx))

    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
