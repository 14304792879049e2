"""torch.autograd's API: backward, grad, Function, grad modes, gradcheck."""
from .function import Function, Op
from .grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled
from . import engine as _engine
from .. import tensor as _tensor_module
import numpy as _np

from .._backend import xp_of


def _as_tuple(x):
    if x is None:
        return None
    return (x,) if isinstance(x, _tensor_module.Tensor) else tuple(x)


_ONES = {}  # (dtype, shape) -> a read-only 1 on the CPU: the implicit gradient of a scalar output


def _ones_like_scalar(array):
    """A 1 shaped like the scalar ``array`` (read-only and shared: made once per dtype)."""
    if type(array) is not _np.ndarray:
        return xp_of(array).ones(array.shape, array.dtype)
    key = (array.dtype, array.shape)
    one = _ONES.get(key)
    if one is None:
        one = _ONES[key] = _np.ones(array.shape, array.dtype)
        one.flags.writeable = False
    return one


def _make_grads(outputs, grad_outputs):
    """One gradient per output: ones for a scalar output when none is given, as torch does."""
    Tensor, Size = _tensor_module.Tensor, _tensor_module.Size
    grads = []
    for i, out in enumerate(outputs):
        g = None if grad_outputs is None else grad_outputs[i]
        if g is None:
            if out.array.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs; pass "
                                   f"gradient= (a tensor of shape {list(out.shape)}), or reduce the output "
                                   "first, e.g. out.sum().backward()")
            if out.array.dtype.kind != 'f':
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {out.dtype}")
            g = Tensor._make(_ones_like_scalar(out.array))
        elif not isinstance(g, Tensor):
            from .._creation import tensor
            g = tensor(g, dtype=out.dtype, device=out.device)
        elif g.shape != out.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {Size(g.shape)!r} and "
                               f"output[{i}] has a shape of {Size(out.shape)!r}.")
        grads.append(g)
    return grads


def _check_requires_grad(outputs):
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn. "
                               "Hint: create the leaf tensors with requires_grad=True, and do not compute "
                               "the output under no_grad().")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate gradients of ``tensors`` into the leaves' ``.grad`` (or only into ``inputs``)."""
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    _check_requires_grad(tensors)
    grads = _make_grads(tensors, grad_tensors)
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty; pass the tensors to "
                           "accumulate gradients into, or leave it out for every leaf.")
    captured = _engine.run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)
    if inputs is not None:
        # non-leaf inputs get their .grad from what flowed into them
        for t, g in zip(inputs, captured):
            if t.grad_fn is not None and g is not None:
                g = g if create_graph else g.detach()
                t.grad = g if t.grad is None else t.grad + g


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned as a tuple (``.grad`` untouched)."""
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad; create it with "
                               "requires_grad=True (or call .requires_grad_()) before using it")
    _check_requires_grad(outputs)
    grads = _make_grads(outputs, grad_outputs)
    captured = _engine.run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs, accumulate=False)
    result = []
    for i, (t, g) in enumerate(zip(inputs, captured)):
        if g is None:
            if materialize_grads:
                from .._creation import zeros_like
                g = zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
        elif not create_graph:
            g = g.detach()
        result.append(g)
    return tuple(result)


from .gradcheck import gradcheck, gradgradcheck  # noqa: E402

__all__ = ['Function', 'Op', 'backward', 'grad', 'no_grad', 'enable_grad', 'set_grad_enabled',
           'inference_mode', 'is_grad_enabled', 'gradcheck', 'gradgradcheck']
