"""Adadelta: steps scaled by the ratio of running RMS of past updates to running RMS of gradients."""
from .._backend import xp_of
from .optimizer import Optimizer, validate, step_tensor, zeros_state


class Adadelta(Optimizer):
    r"""Implements the Adadelta algorithm, as torch's ``Adadelta``.

    For each parameter, with ``g`` its gradient (negated when ``maximize``)::

        g = g + weight_decay * p
        v = rho * v + (1 - rho) * g * g
        d = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * d * d
        p = p - lr * d

    Args:
        params (iterable): parameters to optimize, or dicts defining parameter groups.
        lr (float): coefficient that scales delta before it is applied to the parameters (default: 1.0).
        rho (float): coefficient used for computing a running average of squared gradients (default: 0.9).
        eps (float): term added to the denominator to improve numerical stability (default: 1e-6).
        weight_decay (float): weight decay (L2 penalty) (default: 0).
        maximize (bool): maximize the objective instead of minimizing (default: False).
        foreach, capturable, differentiable: accepted for torch compatibility; they change nothing
            here, except ``differentiable=True``, which is not supported.
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        validate('learning rate', lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        validate('epsilon value', eps)
        validate('weight_decay value', weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _update_group(self, group):
        lr, rho, eps = group['lr'], group['rho'], group['eps']
        weight_decay, maximize = group['weight_decay'], group['maximize']
        for p in group['params']:
            if p.grad is None:
                continue
            g, a = p.grad.array, p.array
            xp = xp_of(a)
            state = self.state[p]
            if not state:
                state['step'] = step_tensor()
                state['square_avg'] = zeros_state(p)
                state['acc_delta'] = zeros_state(p)
            state['step'].array += 1
            if maximize:
                g = -g
            if weight_decay != 0:
                g = g + weight_decay * a
            v, u = state['square_avg'].array, state['acc_delta'].array
            v *= rho
            v += (1 - rho) * g * g
            delta = xp.sqrt(u + eps) / xp.sqrt(v + eps) * g
            u *= rho
            u += (1 - rho) * delta * delta
            a -= lr * delta
            p._version_counter[0] += 1
