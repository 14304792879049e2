from .module import Module
from .container import Sequential, ModuleList, ModuleDict
from .linear import Linear, Identity, Flatten, Unflatten
from .activation import ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax
from .dropout import Dropout
from .loss import MSELoss, L1Loss, SmoothL1Loss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss
