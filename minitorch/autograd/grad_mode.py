"""Grad modes: whether new operations are recorded for backward.

The flag is a module global read on every op, so it must stay a plain attribute lookup.
"""
import functools

enabled = True


def is_grad_enabled():
    """True when operations are being recorded for autograd."""
    return enabled


class _Mode:
    """Base of the grad-mode context managers; also usable as decorators."""
    _value = True

    def __enter__(self):
        global enabled
        self._prev = enabled
        enabled = self._value

    def __exit__(self, *exc):
        global enabled
        enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_Mode):
    """Context manager (and decorator) under which no graph is recorded: results have
    ``requires_grad=False`` and nothing is saved for backward."""
    _value = False


class enable_grad(_Mode):
    """Context manager (and decorator) that turns recording back on inside ``no_grad``."""
    _value = True


class inference_mode(_Mode):
    """Like ``no_grad`` (minitorch keeps no extra inference-only state); ``inference_mode(False)`` is a no-op."""

    def __init__(self, mode=True):
        self._value = not mode

    def __call__(self, fn):
        value = self._value

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(not value):
                return fn(*args, **kwargs)
        return wrapper


class set_grad_enabled(_Mode):
    """Turn recording on or off: as a function call, a context manager or a decorator."""

    def __init__(self, mode):
        global enabled
        self._prev = enabled
        self._value = bool(mode)
        enabled = self._value  # takes effect at once, as torch's does when called as a function

    def __enter__(self):
        pass

    def __call__(self, fn):
        global enabled
        enabled = self._prev
        value = self._value

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(value):
                return fn(*args, **kwargs)
        return wrapper
