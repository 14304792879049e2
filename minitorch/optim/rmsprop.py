"""RMSprop: divide the gradient by a running root mean square of recent gradients."""
from .._backend import xp_of
from .optimizer import Optimizer, validate, step_tensor, zeros_state, lerp_


class RMSprop(Optimizer):
    r"""Implements the RMSprop algorithm, as torch's ``RMSprop``.

    For each parameter, with ``g`` its gradient (negated when ``maximize``)::

        g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g * g
        a = alpha * a + (1 - alpha) * g            (centered)
        d = sqrt(v - a * a) + eps   if centered else sqrt(v) + eps
        b = momentum * b + g / d;  p = p - lr * b  (momentum > 0)
        p = p - lr * g / d                          (otherwise)

    Args:
        params (iterable): parameters to optimize, or dicts defining parameter groups.
        lr (float): learning rate (default: 1e-2).
        alpha (float): smoothing constant (default: 0.99).
        eps (float): term added to the denominator to improve numerical stability (default: 1e-8).
        weight_decay (float): weight decay (L2 penalty) (default: 0).
        momentum (float): momentum factor (default: 0).
        centered (bool): if True, compute the centered RMSProp: the gradient is normalized by an
            estimation of its variance (default: False).
        maximize (bool): maximize the objective instead of minimizing (default: False).
        capturable, foreach, differentiable: accepted for torch compatibility; they change nothing
            here, except ``differentiable=True``, which is not supported.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        validate('learning rate', lr)
        validate('epsilon value', eps)
        validate('momentum value', momentum)
        validate('weight_decay value', weight_decay)
        validate('alpha value', alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _update_group(self, group):
        lr, alpha, eps, momentum = group['lr'], group['alpha'], group['eps'], group['momentum']
        weight_decay, centered, maximize = group['weight_decay'], group['centered'], group['maximize']
        for p in group['params']:
            if p.grad is None:
                continue
            g, a = p.grad.array, p.array
            state = self.state[p]
            if not state:
                state['step'] = step_tensor()
                state['square_avg'] = zeros_state(p)
                if momentum > 0:
                    state['momentum_buffer'] = zeros_state(p)
                if centered:
                    state['grad_avg'] = zeros_state(p)
            state['step'].array += 1
            if maximize:
                g = -g
            if weight_decay != 0:
                g = g + weight_decay * a
            v = state['square_avg'].array
            v *= alpha
            v += (1 - alpha) * g * g
            if centered:
                grad_avg = state['grad_avg'].array
                lerp_(grad_avg, g, 1 - alpha)
                denom = xp_of(a).sqrt(v - grad_avg * grad_avg)
            else:
                denom = xp_of(a).sqrt(v)
            denom += eps
            if momentum > 0:
                buf = state['momentum_buffer'].array
                buf *= momentum
                buf += g / denom
                a -= lr * buf
            else:
                a -= lr * g / denom
            p._version_counter[0] += 1
