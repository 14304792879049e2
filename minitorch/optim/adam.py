"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay."""
from .._backend import xp_of
from ..tensor import Tensor
from .optimizer import Optimizer, validate, step_tensor, zeros_state, lerp_


class Adam(Optimizer):
    r"""Implements the Adam algorithm, as torch's ``Adam``.

    For each parameter, with ``g`` its gradient (negated when ``maximize``) and ``t`` the step::

        p = p * (1 - lr * weight_decay)      if decoupled_weight_decay (AdamW)
        g = g + weight_decay * p             otherwise
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)                (amsgrad; v_max replaces v below)
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    Args:
        params (iterable): parameters to optimize, or dicts defining parameter groups.
        lr (float): learning rate (default: 1e-3).
        betas (Tuple[float, float]): coefficients used for computing running averages of
            gradient and its square (default: (0.9, 0.999)).
        eps (float): term added to the denominator to improve numerical stability (default: 1e-8).
        weight_decay (float): weight decay coefficient (default: 0).
        amsgrad (bool): whether to use the AMSGrad variant of this algorithm (default: False).
        maximize (bool): maximize the objective instead of minimizing (default: False).
        decoupled_weight_decay (bool): if True, this optimizer is equivalent to AdamW (default: False).
        foreach, capturable, differentiable, fused: accepted for torch compatibility; they change
            nothing here, except ``differentiable=True``, which is not supported.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        validate('learning rate', lr)
        validate('epsilon value', eps)
        betas = tuple(float(b) if isinstance(b, Tensor) else b for b in betas)
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        validate('weight_decay value', weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _update_group(self, group):
        lr, (beta1, beta2), eps = group['lr'], group['betas'], group['eps']
        weight_decay, amsgrad, maximize = group['weight_decay'], group['amsgrad'], group['maximize']
        decoupled = group['decoupled_weight_decay']
        for p in group['params']:
            if p.grad is None:
                continue
            g, a = p.grad.array, p.array
            xp = xp_of(a)
            state = self.state[p]
            if not state:
                state['step'] = step_tensor()
                state['exp_avg'] = zeros_state(p)
                state['exp_avg_sq'] = zeros_state(p)
                if amsgrad:
                    state['max_exp_avg_sq'] = zeros_state(p)
            step_array = state['step'].array
            step_array += 1
            step = float(step_array)
            if maximize:
                g = -g
            if weight_decay != 0:
                if decoupled:
                    a *= 1 - lr * weight_decay
                else:
                    g = g + weight_decay * a
            m, v = state['exp_avg'].array, state['exp_avg_sq'].array
            lerp_(m, g, 1 - beta1)
            v *= beta2
            v += (1 - beta2) * g * g
            if amsgrad:
                v_max = state['max_exp_avg_sq'].array
                xp.maximum(v_max, v, out=v_max)
                v = v_max
            step_size = lr / (1 - beta1 ** step)
            denom = xp.sqrt(v) / (1 - beta2 ** step) ** 0.5
            denom += eps
            a -= step_size * m / denom
            p._version_counter[0] += 1


class AdamW(Adam):
    r"""Implements the AdamW algorithm: Adam whose weight decay shrinks the parameters directly
    (``p = p * (1 - lr * weight_decay)``) instead of being added to the gradient.

    Same arguments as :class:`Adam`, with ``weight_decay`` defaulting to 1e-2.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def _fill_loaded_groups(self):
        super()._fill_loaded_groups()
        for group in self.param_groups:  # a state dict saved by Adam still loads as AdamW
            group['decoupled_weight_decay'] = True
