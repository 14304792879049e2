"""torch.nn: modules, parameters, init, functional."""
from .parameter import Parameter
