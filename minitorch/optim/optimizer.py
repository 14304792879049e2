"""The Optimizer base class: parameter groups, per-parameter state, ``zero_grad`` and state dicts.

A subclass gives its defaults to ``__init__`` and implements ``_update_group(group)``, which
updates each parameter of one group that has a ``.grad``. Updates write straight into the
parameters' arrays (numpy or cupy), so they never record a graph; each write bumps the
parameter's version counter, as torch's in-place ``add_`` does, so a backward through a graph
that saved the old values raises instead of silently using the new ones.
"""
import copy
import warnings
from collections import defaultdict
from itertools import chain

import numpy as np

from .._backend import xp_of
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor


class Optimizer:
    """Base class for all optimizers.

    Args:
        params (iterable): an iterable of Tensors, of ``(name, Tensor)`` pairs, or of dicts.
            Specifies what Tensors should be optimized; dicts are parameter groups with their
            own options (``{'params': [...], 'lr': 0.1}``).
        defaults (dict): a dict containing default values of optimization options (used when
            a parameter group doesn't specify them).
    """

    def __init__(self, params, defaults):
        if defaults.get('differentiable'):
            raise NotImplementedError("differentiable=True is not supported: minitorch optimizers update "
                                      "parameters in place without recording a graph")
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {type(params).__name__}; pass [tensor] or model.parameters()")
        self.state = defaultdict(dict)
        self.param_groups = []
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{'params': groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a param group to the Optimizer's ``param_groups``.

        This can be useful when fine tuning a pre-trained network as frozen layers can be made
        trainable and added to the Optimizer as training progresses. Options the group does
        not give are filled from the optimizer's defaults.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group['params']
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        if names:  # model.named_parameters() was given
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            params = [p[1] for p in params]
            param_group['param_names'] = names
        param_group['params'] = params

        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor; optimize the leaf it was computed from, "
                                 "or use t.detach().requires_grad_() to make a new leaf")
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)

        if len(params) != len({id(p) for p in params}):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error", stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group['params'])
            if ('param_names' in param_group) != ('param_names' in group):
                kind = 'with names' if 'param_names' in param_group else 'without names'
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {kind} to the optimizer")
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized Tensors.

        Args:
            set_to_none (bool): instead of setting to zero, set the grads to None (the default).
                Optimizers skip parameters whose grad is None, but do a step with a gradient of 0.
        """
        for group in self.param_groups:
            for p in group['params']:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    g = p.grad
                    g.grad_fn = None  # a grad built with create_graph=True is cut from its graph
                    g._requires_grad = False
                    g.zero_()

    def step(self, closure=None):
        """Perform a single optimization step (parameter update).

        Args:
            closure (Callable, optional): a closure that reevaluates the model and returns the
                loss; it runs with grad enabled.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._update_group(group)
        return loss

    def _update_group(self, group):
        raise NotImplementedError(f"{type(self).__name__} must implement step()")

    # -- saving and restoring --------------------------------------------------------------
    def state_dict(self):
        """Return the state of the optimizer as a dict, in torch's layout.

        ``state``: a dict from parameter index to that parameter's state (tensors such as
        ``exp_avg``, and ``step``). ``param_groups``: a list of dicts, each with the group's
        options and ``params``, the indexes of its parameters, counted in order over all groups.
        The state tensors are the optimizer's own (not copies), as in torch.
        """
        index = {}
        groups = []
        start = 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != 'params'}
            for i, p in enumerate(group['params'], start):
                index.setdefault(id(p), i)
            packed['params'] = [index[id(p)] for p in group['params']]
            start += len(packed['params'])
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {'state': state, 'param_groups': groups}

    def load_state_dict(self, state_dict):
        """Load the optimizer state, an object returned by ``state_dict()`` (this optimizer's or,
        after converting its tensors with ``minitorch.tensor(t.numpy())``, torch's).

        State tensors are cast to their parameter's dtype and device (``step`` is left as is).
        Call it after creating any LR scheduler, which would otherwise overwrite the loaded lrs.
        """
        saved_groups = copy.deepcopy(state_dict['param_groups'])
        if len(self.param_groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g['params']) != len(s['params']) for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size "
                             "of optimizer's group")
        id_map = dict(zip(chain.from_iterable(s['params'] for s in saved_groups),
                          chain.from_iterable(g['params'] for g in self.param_groups)))
        state = defaultdict(dict)
        for k, v in state_dict['state'].items():
            if k in id_map:
                p = id_map[k]
                state[p] = {key: _cast_state(p, key, value) for key, value in v.items()}
            else:
                state[k] = v
        for group, saved in zip(self.param_groups, saved_groups):
            saved['params'] = group['params']
            if 'param_names' in group and 'param_names' not in saved:
                saved['param_names'] = group['param_names']
        self.param_groups = saved_groups
        self.state = state
        self._fill_loaded_groups()

    def _fill_loaded_groups(self):
        """Give loaded groups the options an older save lacks, and a tensor ``step`` where it
        was saved as a number (as torch's ``__setstate__`` does)."""
        for group in self.param_groups:
            for name, default in self.defaults.items():
                group.setdefault(name, default)
            for p in group['params']:
                s = self.state.get(p)
                if s and 'step' in s and not isinstance(s['step'], Tensor):
                    s['step'] = step_tensor(float(s['step']))

    def __getstate__(self):
        # an LR scheduler wraps this instance's ``step``; the wrapper is not picklable
        return {k: v for k, v in self.__dict__.items() if k != 'step'}

    def __repr__(self):
        lines = [type(self).__name__ + ' (']
        for i, group in enumerate(self.param_groups):
            lines.append(f'Parameter Group {i}')
            lines += [f'    {k}: {group[k]}' for k in sorted(group) if k != 'params']
        return '\n'.join(lines) + '\n)'


def _cast_state(param, key, value):
    # torch keeps 'step' where it is (a CPU float32 scalar); other state follows its parameter
    if not isinstance(value, Tensor) or key == 'step':
        return value
    if param.is_floating_point():
        return value.to(dtype=param.dtype, device=param.device)
    return value.to(device=param.device)


# -- helpers for the optimizers ------------------------------------------------------------
def step_tensor(value=0.0):
    """The step count as torch keeps it: a float32 scalar tensor on the CPU."""
    return Tensor._make(np.array(value, dtype=np.float32))


def zeros_state(p, fill=0):
    """A state buffer shaped like parameter ``p``, filled with ``fill``, on ``p``'s device."""
    a = p.array
    return Tensor._make(xp_of(a).full_like(a, fill))


def lerp_(a, b, weight):
    """``a += weight * (b - a)`` in place, with torch's formula for large weights (keeps results bit-close)."""
    if weight < 0.5:
        a += weight * (b - a)
    else:
        a[...] = b - (b - a) * (1 - weight)


def validate(name, value, low=0.0):
    """Raise torch's ``ValueError`` for an option below its lower bound."""
    if not low <= value:
        raise ValueError(f"Invalid {name}: {value}")
