"""MNIST and Fashion-MNIST, read from the original IDX files as torchvision lays them out.

The four files live in ``<root>/<ClassName>/raw/``, gzipped (as published) or
uncompressed (as torchvision extracts them); either form is read. Every file is
checked against its known md5 before use.
"""
import gzip
import hashlib
import os
from urllib.error import URLError
from urllib.request import Request, urlopen

import numpy as np

from ..._creation import from_numpy
from ...utils.data import Dataset

# IDX header byte 3 -> element type (big-endian, as the format specifies)
_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: '>i2', 0x0C: '>i4', 0x0D: '>f4', 0x0E: '>f8'}


def read_idx(data, name='IDX file'):
    """Decode the bytes of an IDX file into a numpy array (read-only, no copy)."""
    ndim = data[3] if len(data) >= 4 else 0
    if len(data) < 4 + 4 * ndim or data[0] or data[1] or data[2] not in _IDX_TYPES:
        raise RuntimeError(f"{name} is not an IDX file (bad header); delete it and download it again")
    shape = tuple(int(d) for d in np.frombuffer(data, dtype='>i4', count=ndim, offset=4))
    dtype, offset, count = np.dtype(_IDX_TYPES[data[2]]), 4 + 4 * ndim, int(np.prod(shape))
    if len(data) - offset != count * dtype.itemsize:
        raise RuntimeError(f"{name} is truncated: its header says {shape} ({count * dtype.itemsize} bytes) but "
                           f"it holds {len(data) - offset} bytes; delete it and download it again")
    arr = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
    return arr.reshape(shape)


class MNIST(Dataset):
    """The MNIST database of handwritten digits (60,000 training and 10,000 test images).

    Args:
        root: directory holding ``MNIST/raw/`` (e.g. ``'data'`` for ``data/MNIST/raw/``).
        train: the training set if True, else the test set.
        transform: a function applied to each image, a uint8 numpy array of shape 28x28
            (torchvision gives a PIL image; ``transforms.ToTensor`` accepts both).
        target_transform: a function applied to each label (a Python int).
        download: fetch the files from the public mirrors when they are missing (kept
            gzipped in ``raw/``). Without network this fails, naming the folder to fill.

    ``.data`` is a uint8 tensor N x 28 x 28, ``.targets`` an int64 tensor N.
    ``dataset[i]`` is ``(image, label)`` after the transforms.

    Gzipped files are checked against torchvision's md5s. Uncompressed MNIST files are
    checked against the md5s of those files' contents; uncompressed Fashion-MNIST files
    are not checked (their md5s are not published).
    """

    mirrors = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'http://yann.lecun.com/exdb/mnist/']
    # file name -> (md5 of the .gz, md5 of the uncompressed file or None)
    resources = {
        'train-images-idx3-ubyte': ('f68b3c2dcbeaaa9fbdd348bbdeb94873', '6bbc9ace898e44ae57da46a324031adb'),
        'train-labels-idx1-ubyte': ('d53e105ee54ea40749a09fcbcd1e9432', 'a25bea736e30d166cdddb491f175f624'),
        't10k-images-idx3-ubyte': ('9fb629c4189551a2d022fa330f9573f3', '2646ac647ad5339dbf082846283269ea'),
        't10k-labels-idx1-ubyte': ('ec29112dd5afa0611ce80d1b7f02629c', '27ae3e4e09519cfbb04c329615203637'),
    }
    classes = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four',
               '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine']

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        self.root = os.path.expanduser(root) if isinstance(root, str) else root
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        if download:
            self.download()
        missing = [name for name in self._split_files() if self._find(name) is None]
        if missing:
            raise RuntimeError(f"Dataset not found. You can use download=True to download it, or put "
                               f"{', '.join(n + '.gz' for n in missing)} (gzipped or not) into {self.raw_folder}")
        images_name, labels_name = self._split_files()
        images, labels = self._read(images_name), self._read(labels_name)
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise RuntimeError(f"{images_name} {images.shape} and {labels_name} {labels.shape} in "
                               f"{self.raw_folder} do not match: expected N x H x W images and N labels")
        self.data = from_numpy(images.copy())  # a writable copy, as torchvision's tensor is
        self.targets = from_numpy(labels.astype(np.int64))

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, 'raw')

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def __getitem__(self, index):
        # a copy, so that a transform writing into its input cannot corrupt the dataset
        img, target = self.data.array[index].copy(), int(self.targets.array[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data.array)

    def __repr__(self):
        lines = [f"Dataset {type(self).__name__}", f"    Number of datapoints: {len(self)}",
                 f"    Root location: {self.root}", f"    Split: {'Train' if self.train else 'Test'}"]
        for label, fn in (('Transform', self.transform), ('Target transform', self.target_transform)):
            if fn is not None:
                lines.append(f"    {label}: " + repr(fn).replace('\n', '\n    '))
        return '\n'.join(lines)

    # -- files ---------------------------------------------------------------------------------
    def _split_files(self):
        prefix = 'train' if self.train else 't10k'
        return f'{prefix}-images-idx3-ubyte', f'{prefix}-labels-idx1-ubyte'

    def _find(self, name):
        """The path of ``name`` (uncompressed preferred, it loads faster) or ``name.gz``, or None."""
        for path in (os.path.join(self.raw_folder, name), os.path.join(self.raw_folder, name + '.gz')):
            if os.path.isfile(path):
                return path
        return None

    def _read(self, name):
        path = self._find(name)
        with open(path, 'rb') as f:
            data = f.read()
        gz_md5, raw_md5 = self.resources[name]
        expected = gz_md5 if path.endswith('.gz') else raw_md5
        _check_md5(data, expected, path)
        if path.endswith('.gz'):
            data = gzip.decompress(data)
        return read_idx(data, path)

    def download(self):
        """Download the four files into ``raw_folder`` unless they are already there."""
        os.makedirs(self.raw_folder, exist_ok=True)
        for name, (md5, _) in self.resources.items():
            if self._find(name) is not None:
                continue
            failures = []
            for mirror in self.mirrors:
                url = mirror + name + '.gz'
                try:
                    with urlopen(Request(url, headers={'User-Agent': 'minitorch'}), timeout=30) as response:
                        data = response.read()
                    _check_md5(data, md5, url)
                except (URLError, OSError, RuntimeError) as e:
                    failures.append(f"{url}: {e}")
                    continue
                path = os.path.join(self.raw_folder, name + '.gz')
                with open(path + '.part', 'wb') as f:
                    f.write(data)
                os.replace(path + '.part', path)  # never leave a half-written file under the real name
                break
            else:
                names = ', '.join(n + '.gz' for n in self.resources)
                raise RuntimeError(f"Could not download {name}.gz (no network?). Tried:\n  " + '\n  '.join(failures)
                                   + f"\nCopy the files {names} into {self.raw_folder} and try again.")


class FashionMNIST(MNIST):
    """Fashion-MNIST: 28x28 grayscale images of 10 kinds of clothing, laid out as MNIST.

    Same arguments as ``MNIST``; the files live in ``<root>/FashionMNIST/raw/``.
    """

    mirrors = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/']
    resources = {
        'train-images-idx3-ubyte': ('8d4fb7e6c68d591d4c3dfef9ec88bf0d', None),
        'train-labels-idx1-ubyte': ('25c81989df183df01b3e8a0aad5dffbe', None),
        't10k-images-idx3-ubyte': ('bef4ecab320f06d8554ea6380940ec79', None),
        't10k-labels-idx1-ubyte': ('bb300cfdad3c16e7a12a480ee83cd310', None),
    }
    classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
               'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']


def _check_md5(data, expected, where):
    if expected is None:
        return
    got = hashlib.md5(data, usedforsecurity=False).hexdigest()
    if got != expected:
        raise RuntimeError(f"{where} is corrupt or not the published file: md5 {got}, expected {expected}. "
                           "Delete it and download it again.")
