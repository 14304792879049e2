"""The fused affine map ``x Wᵀ + b`` behind ``nn.Linear`` (one node instead of three)."""
from ..autograd.function import Op


class Linear(Op):
    """y = x @ W.T + b for x of shape (..., in), W (out, in), b (out,) or absent."""
    backward_name = 'AddmmBackward0'

    def forward(self, x, w, b=None):
        y = x @ w.T
        if b is not None:
            y += b  # y is a fresh array, so adding in place is safe and saves a temporary
        return y

    def backward(self, grad):
        return self.grads(grad, self.inputs[0], self.inputs[1])

    def backward_arrays(self, grad):
        # the same maths on arrays: they have the methods and operators it uses
        return self.grads(grad, self.inputs[0].array, self.inputs[1].array)

    def grads(self, grad, x, w):
        """The gradients for x, W (and b), from Tensors or from arrays alike."""
        inputs = self.inputs
        gx = grad @ w if inputs[0]._requires_grad else None
        gw = gb = None
        if inputs[1]._requires_grad:
            g2 = grad.reshape(-1, grad.shape[-1]) if grad.ndim != 2 else grad
            x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
            gw = g2.T @ x2
        if len(inputs) == 3 and inputs[2]._requires_grad:
            gb = grad.sum(tuple(range(grad.ndim - 1))) if grad.ndim > 1 else grad
        return (gx, gw, gb) if len(inputs) == 3 else (gx, gw)


def linear(x, weight, bias=None):
    """y = x Wᵀ + b (``F.linear``); shape errors name both shapes."""
    if x.shape[-1] != weight.shape[-1] if x.dim() else True:
        rows = x.shape[0] if x.dim() == 2 else (x.numel() // x.shape[-1] if x.dim() and x.shape[-1] else 1)
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1] if x.dim() else 0} and "
                           f"{weight.shape[-1]}x{weight.shape[0]}); the input's last dim must equal in_features="
                           f"{weight.shape[-1]}")
    if x.dtype != weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {x.dtype.name.capitalize()} and "
                           f"{weight.dtype.name.capitalize()}; convert the input, e.g. x.float()")
    if bias is None:
        return Linear()(x, weight)
    return Linear()(x, weight, bias)
