"""Image transforms, as ``torchvision.transforms``: ToTensor, Normalize, Compose, Lambda.

Images are uint8 numpy arrays (H x W or H x W x C) or PIL images; after ``ToTensor``
they are float tensors C x H x W in [0, 1].
"""
import numpy as np

from .. import _creation, _dtype
from ..tensor import Tensor


class Compose:
    """Composes several transforms together: applies each, in order, to the previous result."""

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        return 'Compose(\n' + ''.join(f'    {t}\n' for t in self.transforms) + ')'


class ToTensor:
    """Convert an image (numpy array H x W [x C] or PIL image) to a tensor C x H x W.

    uint8 images (and PIL images of modes L, RGB, ...) become float tensors in [0, 1]
    (divided by 255); other numpy dtypes keep their values and dtype.
    """

    def __call__(self, pic):
        if not isinstance(pic, np.ndarray):
            if not _is_pil_image(pic):
                raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
            pic = np.array(pic)
            if pic.dtype == np.bool_:  # mode '1': one bit per pixel, white is 255 as in 'L'
                pic = pic.astype(np.uint8) * np.uint8(255)
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        chw = pic[None] if pic.ndim == 2 else pic.transpose(2, 0, 1)
        if pic.dtype != np.uint8:
            return _creation.from_numpy(np.ascontiguousarray(chw))
        out = chw.astype(_dtype.get_default_dtype().np, order='C')
        out /= 255  # a true division, as torchvision's ``div(255)``, so values match it exactly
        return _creation.from_numpy(out)

    def __repr__(self):
        return 'ToTensor()'


class Normalize:
    """Normalize a tensor image with mean and standard deviation, per channel.

    ``output[c] = (input[c] - mean[c]) / std[c]`` for a tensor (..., C, H, W). Works out
    of place unless ``inplace=True``.
    """

    def __init__(self, mean, std, inplace=False):
        self.mean = mean
        self.std = std
        self.inplace = inplace
        self._per_dtype = {}  # (dtype, device) -> (mean, std) tensors shaped (C, 1, 1)

    def __call__(self, tensor):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"img should be Tensor Image. Got {type(tensor)}; apply ToTensor() first")
        if not tensor.is_floating_point():
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        if tensor.ndim < 3:
            raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                             f"{tensor.size()}")
        key = (tensor.array.dtype, tensor.device)
        if key not in self._per_dtype:  # converted once: this runs for every sample of every epoch
            self._per_dtype[key] = self._as_tensors(tensor)
        mean, std = self._per_dtype[key]
        if self.inplace:
            return tensor.sub_(mean).div_(std)
        return (tensor - mean) / std

    def _as_tensors(self, like):
        mean = np.asarray(self.mean, dtype=like.array.dtype)
        std = np.asarray(self.std, dtype=like.array.dtype)
        if (std == 0).any():
            raise ValueError(f"std evaluated to zero after conversion to {like.dtype}, leading to division by zero.")
        # one value per channel broadcasts over H and W
        mean, std = (a.reshape(-1, 1, 1) if a.ndim == 1 else a for a in (mean, std))
        return _creation.as_tensor(mean, device=like.device), _creation.as_tensor(std, device=like.device)

    def __repr__(self):
        return f'Normalize(mean={self.mean}, std={self.std})'


class Lambda:
    """Apply a user-defined function as a transform."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return 'Lambda()'


def _is_pil_image(pic):
    try:
        from PIL import Image
    except ImportError:  # PIL is optional: without it, only numpy images exist
        return False
    return isinstance(pic, Image.Image)
