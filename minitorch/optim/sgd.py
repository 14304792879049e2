"""Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay."""
from ..tensor import Tensor
from .optimizer import Optimizer, validate


class SGD(Optimizer):
    r"""Implements stochastic gradient descent (optionally with momentum), as torch's ``SGD``.

    For each parameter, with ``g`` its gradient (negated when ``maximize``)::

        g = g + weight_decay * p
        b = g                                       (first step)
        b = momentum * b + (1 - dampening) * g      (later steps)
        g = g + momentum * b   if nesterov else b   (when momentum != 0)
        p = p - lr * g

    Args:
        params (iterable): parameters to optimize, or dicts defining parameter groups.
        lr (float): learning rate (default: 1e-3).
        momentum (float): momentum factor (default: 0).
        dampening (float): dampening for momentum (default: 0).
        weight_decay (float): weight decay (L2 penalty) (default: 0).
        nesterov (bool): enables Nesterov momentum (default: False).
        maximize (bool): maximize the objective instead of minimizing (default: False).
        foreach, differentiable, fused: accepted for torch compatibility; ``foreach`` and
            ``fused`` change nothing here, ``differentiable=True`` is not supported.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        validate('learning rate', lr)
        validate('momentum value', momentum)
        validate('weight_decay value', weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        super().__init__(params, defaults)

    def _update_group(self, group):
        lr, momentum, dampening = group['lr'], group['momentum'], group['dampening']
        weight_decay, nesterov, maximize = group['weight_decay'], group['nesterov'], group['maximize']
        for p in group['params']:
            if p.grad is None:
                continue
            g = p.grad.array
            if maximize:
                g = -g
            if weight_decay != 0:
                g = g + weight_decay * p.array
            if momentum != 0:
                state = self.state[p]
                buf = state.get('momentum_buffer')
                if buf is None:
                    buf = state['momentum_buffer'] = Tensor._make(g.copy())
                else:
                    b = buf.array
                    b *= momentum
                    b += (1 - dampening) * g
                g = g + momentum * buf.array if nesterov else buf.array
            p.array -= lr * g
            p._version_counter[0] += 1
