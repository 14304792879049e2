"""Which globals a checkpoint may name when it is loaded with ``weights_only=True``.

Unpickling calls whatever importable function the file names (``os.system`` included),
so ``minitorch.load`` resolves every global through an allowlist: the torch names that
tensors, storages, dtypes and devices are saved under (kept in ``serialization``), the
few harmless builtins below, and what the caller adds with ``add_safe_globals``.
Anything else stops the load before it can run.
"""
import collections
import contextlib
import pickle
from _codecs import encode  # pickle protocol 2 stores bytes as _codecs.encode(text, 'latin1')

# Plain containers a state_dict may hold, by the names pickle writes for them.
_BUILTINS = {
    'collections.OrderedDict': collections.OrderedDict,
    'collections.Counter': collections.Counter,
    'builtins.set': set,
    'builtins.frozenset': frozenset,
    'builtins.complex': complex,
    'builtins.bytearray': bytearray,
    '_codecs.encode': encode,
}

# Protocol 2 pickles spell Python 3's modules with their Python 2 names.
_PY2_MODULES = {'__builtin__': 'builtins', 'copy_reg': 'copyreg'}

_user_globals = {}  # 'module.name' -> object, filled by add_safe_globals

UNSAFE_MESSAGE = ("Re-running `minitorch.load` with `weights_only=False` will likely succeed, but it can result "
                  "in arbitrary code execution. Do it only if you got the file from a trusted source.")


class UnsafeGlobalError(pickle.UnpicklingError):
    """A checkpoint named a global that is not allowlisted for ``weights_only`` loading."""


def qualified_name(module, name):
    """'module.name' for a global as a pickle names it, with Python 2 module names mapped."""
    return f'{_PY2_MODULES.get(module, module)}.{name}'


def _name_of(obj):
    return f'{obj.__module__}.{obj.__qualname__}'


def add_safe_globals(safe_globals):
    """Mark these globals as safe for ``weights_only`` load.

    Each item is a class or function, or a ``(obj, 'module.name')`` pair when the file
    names it differently from where it lives now. Only allowlist what you trust: an
    allowlisted callable can be called by the file with any arguments.
    """
    for item in safe_globals:
        obj, name = item if isinstance(item, tuple) else (item, _name_of(item))
        _user_globals[name] = obj


def get_safe_globals():
    """The globals added with ``add_safe_globals``, as a list."""
    return list(_user_globals.values())


def clear_safe_globals():
    """Remove every global added with ``add_safe_globals``."""
    _user_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    """Context manager that allowlists these globals for ``weights_only`` load inside the ``with`` block."""
    saved = dict(_user_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _user_globals.clear()
        _user_globals.update(saved)


def allowed_global(qualname):
    """The object a weights-only load may use for ``qualname``; UnsafeGlobalError otherwise."""
    obj = _BUILTINS.get(qualname)
    if obj is None:
        obj = _user_globals.get(qualname)
    if obj is None:
        raise UnsafeGlobalError(
            f"Weights only load failed. Unsupported global: GLOBAL {qualname} was not an allowed global by "
            f"default. Please use `minitorch.serialization.add_safe_globals([{qualname}])` or the "
            f"`minitorch.serialization.safe_globals([{qualname}])` context manager to allowlist this global "
            f"if you trust this class/function. {UNSAFE_MESSAGE}")
    return obj
