"""A simulated device for the test suite: ``device('sim')``, backed by numpy, never shown as CUDA.

CI machines have no GPU, yet the device plumbing (moves, device mismatch errors, optimizer
state placement, checkpoints' map_location, random draws on the tensor's device) must be
tested there too. This module registers a device type ``'sim'`` whose arrays are a numpy
subclass, ``SimArray``, that behaves like a cupy array where it matters:

- operations on SimArrays give SimArrays (an op that silently fell back to the CPU shows);
- mixing a SimArray with a plain numpy array in a ufunc or numpy function raises
  TypeError, as cupy does ("Unsupported type"), so a numpy constant left in an op's
  forward fails here as it would on the GPU;
- the array module (``xp``) is numpy whose results are SimArrays, as ``cupy`` is to numpy.

It is registered through ``minitorch._backend._register_test_accelerator``, a hook meant
for this file only. Importing this module (``tests/conftest.py`` does) is all it takes.
"""
import types

import numpy as np

from minitorch import _backend

_host = np.ndarray


def _to_sim(x):
    """Results of numpy on SimArrays: arrays and numpy scalars become SimArrays (cupy gives 0-d
    arrays, never numpy scalars); anything else (shapes, bools, None) is passed through."""
    if type(x) is _host:
        return x.view(SimArray)
    if isinstance(x, np.generic):
        return np.asarray(x).view(SimArray)
    if type(x) is tuple:
        return tuple(_to_sim(v) for v in x)
    if type(x) is list:
        return [_to_sim(v) for v in x]
    return x


def _to_host_view(x, what):
    """A SimArray as the plain array numpy computes with; a host array is refused, as cupy refuses it."""
    if isinstance(x, SimArray):
        return x.view(_host)
    if type(x) is _host:
        raise TypeError(f"Unsupported type <class 'numpy.ndarray'> in {what}: a host (CPU) array met a "
                        "'sim' device array; move it to the device first")
    if type(x) in (tuple, list):
        return type(x)(_to_host_view(v, what) for v in x)
    return x


class SimArray(np.ndarray):
    """An array on the simulated device."""

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        what = f"{ufunc.__name__}.{method}"
        args = [_to_host_view(x, what) for x in inputs]
        if out is not None:
            kwargs['out'] = tuple(_to_host_view(o, what) for o in out)
        result = getattr(ufunc, method)(*args, **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _to_sim(result)

    def __array_function__(self, func, types, args, kwargs):
        what = func.__name__
        result = func(*_to_host_view(args, what), **{k: _to_host_view(v, what) for k, v in kwargs.items()})
        return _to_sim(result)


class _SimModule(types.ModuleType):
    """numpy (or one of its submodules) whose functions return SimArrays: the 'cupy' of the sim device."""

    def __init__(self, module):
        super().__init__(module.__name__)
        self._module = module

    def __getattr__(self, name):
        obj = getattr(self._module, name)
        if isinstance(obj, types.ModuleType):
            obj = _SimModule(obj)
        elif callable(obj) and not isinstance(obj, (type, np.ufunc)):  # dtypes and ufuncs stay as they are
            fn = obj

            def obj(*args, **kwargs):
                return _to_sim(fn(*args, **kwargs))
            obj.__name__ = name
        setattr(self, name, obj)  # cache: later lookups skip __getattr__
        return obj


class _SimRng:
    """numpy's Generator drawing SimArrays: random numbers made 'on the device'."""

    def __init__(self, seed):
        self._rng = np.random.default_rng(seed)

    def __getattr__(self, name):
        fn = getattr(self._rng, name)
        return lambda *args, **kwargs: _to_sim(fn(*args, **kwargs))


class SimAccelerator:
    """The simulated device, described as ``minitorch._backend`` describes cupy."""
    type = 'sim'
    array_type = SimArray
    xp = _SimModule(np)

    def usable(self):
        return True

    def device_count(self):
        return 1

    def index(self, array):
        return 0

    def to_host(self, array):
        return np.array(array.view(_host))

    def from_host(self, array, index):
        if index != 0:
            raise RuntimeError(f"the simulated device has one index, 0 (asked for sim:{index})")
        return np.array(array).view(SimArray)

    def move(self, array, index):
        return self.from_host(self.to_host(array), index)

    def scatter_add(self, target, index, values):
        index = tuple(i.view(_host) if isinstance(i, SimArray) else i for i in index) \
            if type(index) is tuple else (index.view(_host) if isinstance(index, SimArray) else index)
        np.add.at(target.view(_host), index, _to_host_view(values, 'scatter_add'))

    def as_strided(self, array, shape, strides):
        return np.lib.stride_tricks.as_strided(array.view(_host), shape, strides).view(SimArray)

    def rng(self, index, seed):
        return _SimRng(seed)


SIM = SimAccelerator()
if 'sim' not in _backend._DEVICE_TYPES:
    _backend._register_test_accelerator(SIM)
