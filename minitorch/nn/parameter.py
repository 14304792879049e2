"""``nn.Parameter``: a leaf tensor that a Module registers as one of its parameters."""
from ..tensor import Tensor


class Parameter(Tensor):
    """A tensor that requires grad by default and is registered when assigned to a Module attribute."""

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .._creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter data must be a Tensor, not {type(data).__name__}; wrap it with "
                            "minitorch.tensor(...) first")
        p = object.__new__(cls)
        p.array = data.array
        p.grad = None
        p._requires_grad = False
        p.grad_fn = None
        p._version_counter = data._version_counter
        p._base = None
        p._hooks = None
        p.requires_grad = requires_grad  # validates the dtype
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return 'Parameter containing:\n' + super().__repr__()

    def __reduce_ex__(self, protocol):
        from ..tensor import _rebuild
        from .. import _backend
        return (_rebuild_parameter, (_rebuild(_backend.to_numpy(self.array), False, str(self.device)),
                                     self.requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)
