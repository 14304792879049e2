"""torch.nn: modules, parameters, init, functional."""
from .parameter import Parameter
from .modules import *  # noqa: F401,F403
from . import functional, init  # noqa: F401
