"""torchvision-shaped helpers (torchvision itself needs a matching torch build, so minitorch brings its own).

``from minitorch.vision import datasets, transforms`` stands in for
``from torchvision import datasets, transforms``.
"""
from . import datasets, transforms

__all__ = ['datasets', 'transforms']
