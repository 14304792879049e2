"""torch.utils-shaped helpers: ``minitorch.utils.data`` holds Dataset and DataLoader."""
from . import data
