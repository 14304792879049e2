"""torchvision.datasets-shaped datasets (read from local files; optional download)."""
from .mnist import MNIST, FashionMNIST

__all__ = ['MNIST', 'FashionMNIST']
