"""Learning-rate schedulers: change each param group's ``lr`` as training goes on.

A scheduler's ``step()`` (called once per epoch, after ``optimizer.step()``) advances
``last_epoch`` and writes the new learning rates into ``optimizer.param_groups``. As in
torch, most schedulers compute the new lr from the current one (a recursive form), so
that they compose with other changes to the lr.
"""
import functools
import math
import types
import warnings
import weakref
from bisect import bisect_right
from collections import Counter

from .optimizer import Optimizer


class LRScheduler:
    """Base class for all learning rate schedulers. Subclasses implement ``get_lr()``.

    Args:
        optimizer (Optimizer): the optimizer whose learning rates this scheduler adjusts.
        last_epoch (int): index of the last epoch seen; -1 (the default) starts a fresh
            schedule, anything else resumes one (the groups then need ``initial_lr``).
    """

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault('initial_lr', group['lr'])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if 'initial_lr' not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                                   "scheduler with last_epoch >= 0; load the optimizer's state_dict first")
        self.base_lrs = [group['initial_lr'] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._is_initial = False
        self._get_lr_called_within_step = False
        _track_optimizer_steps(optimizer)
        # the first step sets the epoch-0 learning rates
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def state_dict(self):
        """Return the state of the scheduler as a dict: every attribute except the optimizer."""
        return {k: v for k, v in self.__dict__.items() if k != 'optimizer'}

    def load_state_dict(self, state_dict):
        """Load the scheduler's state, an object returned by ``state_dict()``."""
        self.__dict__.update(state_dict)

    def get_last_lr(self):
        """Return the last learning rate computed by the current scheduler, one per param group."""
        return self._last_lr

    def get_lr(self):
        """Compute the learning rates of the current ``last_epoch`` (use ``get_last_lr()`` to read them)."""
        raise NotImplementedError

    def step(self, epoch=None):
        """Advance the schedule by one epoch and set the optimizer's learning rates.

        Call it after ``optimizer.step()``. Passing ``epoch`` is deprecated: it jumps to that
        epoch, using the schedule's closed form where it has one.
        """
        if self._step_count == 1 and not getattr(self.optimizer, '_opt_called', False):
            warnings.warn("Detected call of `lr_scheduler.step()` before `optimizer.step()`. You should call them "
                          "in the opposite order: `optimizer.step()` before `lr_scheduler.step()`. Failure to do "
                          "this will result in skipping the first value of the learning rate schedule.",
                          UserWarning, stacklevel=2)
        self._step_count += 1
        self._get_lr_called_within_step = True
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            warnings.warn("The epoch parameter in `scheduler.step()` was not necessary and is being deprecated "
                          "where possible. Please use `scheduler.step()` to step the scheduler.",
                          UserWarning, stacklevel=2)
            self.last_epoch = epoch
            values = self._get_closed_form_lr() if hasattr(self, '_get_closed_form_lr') else self.get_lr()
        self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values):
            group['lr'] = lr
        self._last_lr = [group['lr'] for group in self.optimizer.param_groups]

    def _current_lrs(self):
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                          UserWarning, stacklevel=3)
        return [group['lr'] for group in self.optimizer.param_groups]


def _track_optimizer_steps(optimizer):
    """Wrap ``optimizer.step`` so that it records having run (for the step-order warning)."""
    if hasattr(optimizer.step, '_wrapped_by_lr_sched'):
        return
    method = optimizer.step.__func__
    opt_ref = weakref.ref(optimizer)  # no reference cycle through the instance attribute

    @functools.wraps(method)
    def step(*args, **kwargs):
        opt = opt_ref()
        opt._opt_called = True
        return method(opt, *args, **kwargs)
    step._wrapped_by_lr_sched = True
    optimizer.step = step


_LRScheduler = LRScheduler  # the older name, still used by custom schedulers


class LambdaLR(LRScheduler):
    """Sets the learning rate of each parameter group to the initial lr times a given function
    of the epoch: ``lr = base_lr * lr_lambda(last_epoch)``.

    Args:
        optimizer (Optimizer): wrapped optimizer.
        lr_lambda (function or list): a function which computes a multiplicative factor given an
            integer epoch, or a list of such functions, one for each group in ``param_groups``.
        last_epoch (int): the index of last epoch (default: -1).
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        self.optimizer = optimizer
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        super().__init__(optimizer, last_epoch)

    def state_dict(self):
        """The scheduler's state; a lambda is saved only if it is a callable object (its ``__dict__``),
        not a plain function or lambda."""
        state = {k: v for k, v in self.__dict__.items() if k not in ('optimizer', 'lr_lambdas')}
        state['lr_lambdas'] = [None if isinstance(fn, types.FunctionType) else fn.__dict__.copy()
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        """Load the scheduler's state, restoring the saved attributes of callable-object lambdas."""
        state = {k: v for k, v in state_dict.items() if k != 'lr_lambdas'}
        self.__dict__.update(state)
        for fn, saved in zip(self.lr_lambdas, state_dict['lr_lambdas']):
            if saved is not None:
                fn.__dict__.update(saved)

    def get_lr(self):
        """``base_lr * lr_lambda(last_epoch)`` for each group."""
        self._current_lrs()
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


class StepLR(LRScheduler):
    """Decays the learning rate of each parameter group by gamma every ``step_size`` epochs.

    Args:
        optimizer (Optimizer): wrapped optimizer.
        step_size (int): period of learning rate decay.
        gamma (float): multiplicative factor of learning rate decay (default: 0.1).
        last_epoch (int): the index of last epoch (default: -1).
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The current lrs, times gamma when ``last_epoch`` is a non-zero multiple of ``step_size``."""
        lrs = self._current_lrs()
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return lrs
        return [lr * self.gamma for lr in lrs]

    def _get_closed_form_lr(self):
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Decays the learning rate of each parameter group by gamma once the epoch reaches one of the
    milestones (by ``gamma**n`` for a milestone listed n times).

    Args:
        optimizer (Optimizer): wrapped optimizer.
        milestones (list): list of epoch indices. Must be increasing.
        gamma (float): multiplicative factor of learning rate decay (default: 0.1).
        last_epoch (int): the index of last epoch (default: -1).
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The current lrs, times ``gamma**n`` when ``last_epoch`` is a milestone (listed n times)."""
        lrs = self._current_lrs()
        if self.last_epoch not in self.milestones:
            return lrs
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in lrs]

    def _get_closed_form_lr(self):
        milestones = sorted(self.milestones.elements())
        return [base * self.gamma ** bisect_right(milestones, self.last_epoch) for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Decays the learning rate of each parameter group by gamma every epoch.

    Args:
        optimizer (Optimizer): wrapped optimizer.
        gamma (float): multiplicative factor of learning rate decay.
        last_epoch (int): the index of last epoch (default: -1).
    """

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The current lrs times gamma (unchanged on the scheduler's first, initialising step)."""
        lrs = self._current_lrs()
        if self._is_initial:  # resuming must not move the lr one epoch ahead
            return lrs
        return [lr * self.gamma for lr in lrs]

    def _get_closed_form_lr(self):
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Set the learning rate of each parameter group using a cosine annealing schedule,
    updated recursively as torch does::

        lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi * t / T_max)) / (1 + cos(pi * (t - 1) / T_max))

    which follows ``eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2`` and, past
    ``T_max``, climbs back up (a cosine of period ``2 * T_max``; there are no restarts).

    Args:
        optimizer (Optimizer): wrapped optimizer.
        T_max (int): maximum number of iterations.
        eta_min (float): minimum learning rate (default: 0).
        last_epoch (int): the index of last epoch (default: -1).
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The next lrs of the recursive cosine schedule."""
        lrs = self._current_lrs()
        if self._is_initial:
            return lrs
        t, T, low = self.last_epoch, self.T_max, self.eta_min
        if (t - 1 - T) % (2 * T) == 0:
            # at the bottom of the cosine the ratio below is 0/0; step up by the first increment instead
            return [lr + (base - low) * (1 - math.cos(math.pi / T)) / 2 for lr, base in zip(lrs, self.base_lrs)]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - low) + low for lr in lrs]

    def _get_closed_form_lr(self):
        return [self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base in self.base_lrs]


class ReduceLROnPlateau(LRScheduler):
    """Reduce learning rate when a metric has stopped improving.

    ``step(metric)`` reads the monitored quantity; after more than ``patience`` epochs without
    improvement, each group's lr becomes ``max(lr * factor, min_lr)``.

    Args:
        optimizer (Optimizer): wrapped optimizer.
        mode (str): ``'min'`` (reduce when the quantity stops decreasing) or ``'max'`` (default: 'min').
        factor (float): factor by which the learning rate will be reduced, new_lr = lr * factor (default: 0.1).
        patience (int): the number of allowed epochs with no improvement after which the learning
            rate will be reduced (default: 10).
        threshold (float): threshold for measuring the new optimum, to only focus on significant
            changes (default: 1e-4).
        threshold_mode (str): ``'rel'`` (best * (1 -/+ threshold)) or ``'abs'`` (best -/+ threshold)
            (default: 'rel').
        cooldown (int): number of epochs to wait before resuming normal operation after lr has
            been reduced (default: 0).
        min_lr (float or list): a lower bound on the learning rate of all param groups or each
            group respectively (default: 0).
        eps (float): minimal decay applied to lr; if the difference between new and old lr is
            smaller than eps, the update is ignored (default: 1e-8).
    """

    def __init__(self, optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4, threshold_mode='rel',
                 cooldown=0, min_lr=0, eps=1e-8):
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        self.factor = factor
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise ValueError(f"expected {len(optimizer.param_groups)} min_lrs, got {len(min_lr)}")
            self.default_min_lr = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = [group['lr'] for group in optimizer.param_groups]
        self._init_is_better(mode, threshold, threshold_mode)
        self._reset()

    def _reset(self):
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def _init_is_better(self, mode, threshold, threshold_mode):
        if mode not in ('min', 'max'):
            raise ValueError(f"mode {mode} is unknown! Use 'min' or 'max'")
        if threshold_mode not in ('rel', 'abs'):
            raise ValueError(f"threshold mode {threshold_mode} is unknown! Use 'rel' or 'abs'")
        self.mode_worse = math.inf if mode == 'min' else -math.inf
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode

    @property
    def in_cooldown(self):
        return self.cooldown_counter > 0

    def _is_better(self, a, best):
        """Whether metric ``a`` improves on ``best`` by more than the threshold."""
        if self.mode == 'min':
            return a < (best * (1.0 - self.threshold) if self.threshold_mode == 'rel' else best - self.threshold)
        return a > (best * (self.threshold + 1.0) if self.threshold_mode == 'rel' else best + self.threshold)

    def step(self, metrics, epoch=None):
        """Record this epoch's metric (a number or a one-element tensor); reduce the lrs if it has
        not improved for more than ``patience`` epochs."""
        current = float(metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn("The epoch parameter in `scheduler.step()` was not necessary and is being deprecated "
                          "where possible. Please use `scheduler.step()` to step the scheduler.",
                          UserWarning, stacklevel=2)
        self.last_epoch = epoch
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in cooldown don't count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group['lr'] for group in self.optimizer.param_groups]

    def _reduce_lr(self):
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(f"The number of param groups in the `optimizer` ({len(groups)}) differs from "
                                   f"when `ReduceLROnPlateau` was initialized ({len(self.min_lrs)}), usually due to "
                                   "a new param group being added to the optimizer. Please modify the `min_lrs` "
                                   "field to match the length of the `optimizer` param groups.")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group['lr'])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group['lr'] = new_lr

    def load_state_dict(self, state_dict):
        """Load the scheduler's state."""
        self.__dict__.update(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)
