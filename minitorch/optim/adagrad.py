"""Adagrad: per-coordinate learning rates that shrink with the sum of squared past gradients."""
from .._backend import xp_of
from .optimizer import Optimizer, validate, step_tensor, zeros_state


class Adagrad(Optimizer):
    r"""Implements the Adagrad algorithm, as torch's ``Adagrad``.

    For each parameter, with ``g`` its gradient (negated when ``maximize``) and ``t`` the step::

        g = g + weight_decay * p
        s = s + g * g                       (s starts at initial_accumulator_value)
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)

    Args:
        params (iterable): parameters to optimize, or dicts defining parameter groups.
        lr (float): learning rate (default: 1e-2).
        lr_decay (float): learning rate decay (default: 0).
        weight_decay (float): weight decay (L2 penalty) (default: 0).
        initial_accumulator_value (float): initial value of the sum of squares of gradients (default: 0).
        eps (float): term added to the denominator to improve numerical stability (default: 1e-10).
        maximize (bool): maximize the objective instead of minimizing (default: False).
        foreach, differentiable, fused: accepted for torch compatibility; they change nothing here,
            except ``differentiable=True``, which is not supported.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        validate('learning rate', lr)
        validate('lr_decay value', lr_decay)
        validate('weight_decay value', weight_decay)
        validate('initial_accumulator_value value', initial_accumulator_value)
        validate('epsilon value', eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        # unlike the other optimizers, torch's Adagrad creates its state up front
        for group in self.param_groups:
            for p in group['params']:
                self.state[p]['step'] = step_tensor()
                self.state[p]['sum'] = zeros_state(p, initial_accumulator_value)

    def _update_group(self, group):
        lr, lr_decay, eps = group['lr'], group['lr_decay'], group['eps']
        weight_decay, maximize = group['weight_decay'], group['maximize']
        for p in group['params']:
            if p.grad is None:
                continue
            g, a = p.grad.array, p.array
            state = self.state[p]
            step_array = state['step'].array
            step_array += 1
            step = float(step_array)
            if maximize:
                g = -g
            if weight_decay != 0:
                g = g + weight_decay * a
            clr = lr / (1 + (step - 1) * lr_decay)
            s = state['sum'].array
            s += g * g
            std = xp_of(a).sqrt(s)
            std += eps
            a -= clr * g / std
            p._version_counter[0] += 1
