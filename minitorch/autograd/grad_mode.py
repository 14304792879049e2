"""Grad modes: whether new operations are recorded for backward.

The flag is a module global read on every op, so it must stay a plain attribute lookup.
Each mode restores the previous flag on exit, also when an exception leaves the block,
so modes nest.
"""
import functools

enabled = True


def is_grad_enabled():
    """True when operations are being recorded for autograd."""
    return enabled


class _Mode:
    """A context manager that sets the flag to ``_value`` inside; also a decorator, with or
    without parentheses (``@no_grad()`` and ``@no_grad``)."""
    _value = True

    def __new__(cls, fn=None):
        self = super().__new__(cls)
        return self if fn is None else self(fn)

    def __enter__(self):
        global enabled
        self._prev = enabled
        enabled = self._value

    def __exit__(self, *exc):
        global enabled
        enabled = self._prev
        return False

    def __call__(self, fn):
        value = self._value

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            global enabled
            prev, enabled = enabled, value
            try:
                return fn(*args, **kwargs)
            finally:
                enabled = prev
        return wrapper


class no_grad(_Mode):
    """Context manager (and decorator) under which no graph is recorded: results have
    ``requires_grad=False`` and nothing is saved for backward."""
    _value = False


class enable_grad(_Mode):
    """Context manager (and decorator) that turns recording back on inside ``no_grad``."""
    _value = True


class inference_mode(_Mode):
    """Like ``no_grad`` (minitorch keeps no extra inference-only state).

    ``inference_mode(False)`` turns recording on, as torch's does.
    """

    def __new__(cls, mode=True):
        self = object.__new__(cls)
        if callable(mode):  # used as a bare decorator: @inference_mode
            self._value = False
            return self(mode)
        return self

    def __init__(self, mode=True):
        self._value = not mode


class set_grad_enabled(_Mode):
    """Turn recording on or off: as a function call (``set_grad_enabled(False)``), a context
    manager (``with set_grad_enabled(False):``) or a decorator (``@set_grad_enabled(False)``)."""

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        global enabled
        self._prev = enabled
        self._value = bool(mode)
        enabled = self._value  # takes effect at once, as torch's does when called as a function

    def __enter__(self):
        pass  # __init__ already set the mode; __exit__ restores the one before it

    def __call__(self, fn):
        # used as a decorator: undo the change __init__ made, and set the mode per call instead
        global enabled
        enabled = self._prev
        return _Mode.__call__(self, fn)
