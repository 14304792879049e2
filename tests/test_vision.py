"""minitorch.vision: MNIST/FashionMNIST from IDX files, and the transforms.

torchvision cannot be imported on these machines (it needs a torch build matching it),
so the transforms are checked against their formulas and MNIST against the published
files' md5s and well-known facts (first labels, pixel mean/std 0.1307/0.3081).
The network is never used: downloads are simulated by replacing the URL opener.
"""
import gzip
import io
import os
import shutil
from urllib.error import URLError

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minitorch
from minitorch.utils.data import DataLoader
from minitorch.vision import datasets, transforms
from minitorch.vision.datasets import mnist as mnist_module

FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope='module')
def data_root():
    """The folder holding MNIST/raw/ (env MINITORCH_DATA, else ../shared/data next to the repo)."""
    root = os.environ.get('MINITORCH_DATA') or os.path.join(REPO, '..', 'shared', 'data')
    raw = os.path.join(root, 'MNIST', 'raw')
    if not all(os.path.exists(os.path.join(raw, f + '.gz')) or os.path.exists(os.path.join(raw, f)) for f in FILES):
        pytest.skip(f"MNIST files not found: put {', '.join(f + '.gz' for f in FILES)} into {raw} "
                    "(or set MINITORCH_DATA to the folder holding MNIST/raw/)")
    return root


@pytest.fixture(scope='module')
def mnist_test(data_root):
    return datasets.MNIST(data_root, train=False)


def raw_bytes(data_root, name):
    with open(os.path.join(data_root, 'MNIST', 'raw', name + '.gz'), 'rb') as f:
        return f.read()


# -- MNIST --------------------------------------------------------------------------------------

def test_mnist_train_and_test(data_root, mnist_test):
    train = datasets.MNIST(data_root, train=True)
    assert len(train) == 60000 and len(mnist_test) == 10000
    assert train.data.shape == (60000, 28, 28) and train.data.dtype == minitorch.uint8
    assert train.targets.dtype == minitorch.int64 and train.targets[:5].tolist() == [5, 0, 4, 1, 9]
    assert mnist_test.targets[:3].tolist() == [7, 2, 1]
    pixels = mnist_test.data.numpy() / 255.0  # the test set's statistics (the train set's: 0.1307, 0.3081)
    assert round(pixels.mean(), 4) == 0.1325 and round(pixels.std(), 4) == 0.3105
    assert np.bincount(train.targets.numpy()).tolist()[:2] == [5923, 6742]
    assert np.bincount(mnist_test.targets.numpy()).tolist()[:2] == [980, 1135]
    assert train.classes[3] == '3 - three' and train.class_to_idx['9 - nine'] == 9
    img, target = train[0]
    assert isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.shape == (28, 28)
    assert target == 5 and type(target) is int
    img[:] = 0  # the sample is a copy: the dataset is unharmed
    assert train.data[0].numpy().any()
    assert 'Split: Train' in repr(train) and 'Number of datapoints: 60000' in repr(train)


def test_mnist_transforms(data_root):
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    ds = datasets.MNIST(data_root, train=False, transform=tf, target_transform=lambda y: y + 100)
    img, target = ds[-1]
    assert img.shape == (1, 28, 28) and img.dtype == minitorch.float32 and target == 100 + ds.targets[-1].item()
    expected = (ds.data[-1].numpy().astype(np.float32) / 255 - np.float32(0.1307)) / np.float32(0.3081)
    np.testing.assert_allclose(img.numpy()[0], expected, rtol=1e-6)
    assert 'Normalize(mean=(0.1307,), std=(0.3081,))' in repr(ds)


def test_mnist_dataloader_lesson_usage(data_root, mnist_test):
    """Lesson 6: batches of 1000, shuffled, last partial batch dropped."""
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train = datasets.MNIST(data_root, train=True, transform=tf)
    loader = DataLoader(train, batch_size=1000, shuffle=True, drop_last=True)
    assert len(loader) == 60
    x, y = next(iter(loader))
    assert x.shape == (1000, 1, 28, 28) and x.dtype == minitorch.float32
    assert y.shape == (1000,) and y.dtype == minitorch.int64
    # one whole epoch over the test set visits every image once
    test_loader = DataLoader(datasets.MNIST(data_root, train=False, transform=tf), batch_size=1000, shuffle=True)
    labels = np.concatenate([y.numpy() for _, y in test_loader])
    assert labels.shape == (10000,)
    np.testing.assert_array_equal(np.bincount(labels), np.bincount(mnist_test.targets.numpy()))


def test_uncompressed_files_and_md5(tmp_path, data_root, mnist_test):
    raw = tmp_path / 'MNIST' / 'raw'
    raw.mkdir(parents=True)
    for name in FILES[2:]:
        (raw / name).write_bytes(gzip.decompress(raw_bytes(data_root, name)))
    ds = datasets.MNIST(str(tmp_path), train=False)
    assert minitorch.equal(ds.data, mnist_test.data) and minitorch.equal(ds.targets, mnist_test.targets)
    corrupt = bytearray((raw / FILES[3]).read_bytes())
    corrupt[100] ^= 1
    (raw / FILES[3]).write_bytes(bytes(corrupt))
    with pytest.raises(RuntimeError, match="corrupt.*md5"):
        datasets.MNIST(str(tmp_path), train=False)
    (raw / FILES[3]).unlink()
    (raw / (FILES[3] + '.gz')).write_bytes(raw_bytes(data_root, FILES[3])[:-10])  # truncated download
    with pytest.raises(RuntimeError, match="corrupt.*md5"):
        datasets.MNIST(str(tmp_path), train=False)


def test_not_found(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True to download it") as e:
        datasets.MNIST(str(tmp_path))
    assert os.path.join(str(tmp_path), 'MNIST', 'raw') in str(e.value) and 'train-images-idx3-ubyte.gz' in str(e.value)
    with pytest.raises(RuntimeError, match="FashionMNIST"):
        datasets.FashionMNIST(str(tmp_path), train=False)


class FakeResponse(io.BytesIO):
    """What urlopen returns: a readable context manager."""


def test_download_without_network(tmp_path, monkeypatch):
    tried = []

    def offline(request, timeout=None):
        tried.append(request.full_url)
        raise URLError('no network')

    monkeypatch.setattr(mnist_module, 'urlopen', offline)
    with pytest.raises(RuntimeError, match="no network") as e:
        datasets.MNIST(str(tmp_path), download=True)
    folder = os.path.join(str(tmp_path), 'MNIST', 'raw')
    assert folder in str(e.value) and all(f + '.gz' in str(e.value) for f in FILES)
    assert len(tried) == len(datasets.MNIST.mirrors)  # every mirror was tried
    assert os.listdir(folder) == []


def test_download_from_mirrors(tmp_path, monkeypatch, data_root, mnist_test):
    served = []

    def mirror(request, timeout=None):
        url = request.full_url
        if url.startswith(datasets.MNIST.mirrors[0]):  # the first mirror is down
            raise URLError('mirror down')
        served.append(url)
        return FakeResponse(raw_bytes(data_root, url.rsplit('/', 1)[1][:-3]))

    monkeypatch.setattr(mnist_module, 'urlopen', mirror)
    ds = datasets.MNIST(str(tmp_path), train=False, download=True)
    assert len(served) == 4 and minitorch.equal(ds.data, mnist_test.data)
    assert sorted(os.listdir(tmp_path / 'MNIST' / 'raw')) == sorted(f + '.gz' for f in FILES)
    served.clear()
    datasets.MNIST(str(tmp_path), train=False, download=True)  # present: nothing fetched again
    assert served == []


def test_download_rejects_wrong_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist_module, 'urlopen', lambda request, timeout=None: FakeResponse(b'<html>moved</html>'))
    with pytest.raises(RuntimeError, match="md5"):
        datasets.FashionMNIST(str(tmp_path), download=True)
    assert not any(name.endswith('.gz') for name in os.listdir(tmp_path / 'FashionMNIST' / 'raw'))


def test_fashion_mnist_layout(tmp_path, data_root):
    """Fashion-MNIST reads its own folder; uncompressed files have no published md5 (MNIST's stand in)."""
    raw = tmp_path / 'FashionMNIST' / 'raw'
    raw.mkdir(parents=True)
    for name in FILES[2:]:
        (raw / name).write_bytes(gzip.decompress(raw_bytes(data_root, name)))
    ds = datasets.FashionMNIST(str(tmp_path), train=False)
    assert len(ds) == 10000 and ds.classes[9] == 'Ankle boot'
    shutil.rmtree(raw)
    raw.mkdir()
    (raw / (FILES[2] + '.gz')).write_bytes(raw_bytes(data_root, FILES[2]))  # gzipped: md5-checked
    (raw / (FILES[3] + '.gz')).write_bytes(raw_bytes(data_root, FILES[3]))
    with pytest.raises(RuntimeError, match="md5"):
        datasets.FashionMNIST(str(tmp_path), train=False)


def idx_bytes(arr, code):
    header = bytes([0, 0, code, arr.ndim]) + np.array(arr.shape, '>i4').tobytes()
    return header + arr.astype(arr.dtype.newbyteorder('>')).tobytes()


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(0, 5), min_size=1, max_size=4),
       kind=st.sampled_from([(0x08, np.uint8), (0x09, np.int8), (0x0B, np.int16), (0x0C, np.int32),
                             (0x0D, np.float32), (0x0E, np.float64)]))
def test_read_idx(shape, kind):
    code, dtype = kind
    arr = (np.arange(int(np.prod(shape))) % 100).astype(dtype).reshape(shape)
    out = mnist_module.read_idx(idx_bytes(arr, code))
    assert out.shape == arr.shape
    np.testing.assert_array_equal(out, arr)


def test_read_idx_errors():
    with pytest.raises(RuntimeError, match="not an IDX file"):
        mnist_module.read_idx(b'<html>')
    with pytest.raises(RuntimeError, match="truncated"):
        mnist_module.read_idx(idx_bytes(np.zeros((3, 2), np.uint8), 0x08)[:-1])
    with pytest.raises(RuntimeError, match="truncated"):
        mnist_module.read_idx(idx_bytes(np.zeros((3, 2), np.float32), 0x0D)[:-1])


# -- transforms ---------------------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 6), w=st.integers(1, 6), c=st.sampled_from([None, 1, 3]), seed=st.integers(0, 99))
def test_to_tensor_and_normalize_match_formula(h, w, c, seed):
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (h, w) if c is None else (h, w, c), dtype=np.uint8)
    t = transforms.ToTensor()(img)
    chw = img[None] if c is None else img.transpose(2, 0, 1)
    assert t.shape == chw.shape and t.dtype == minitorch.float32
    np.testing.assert_array_equal(t.numpy(), chw.astype(np.float32) / np.float32(255))
    channels = chw.shape[0]
    mean, std = tuple(rng.uniform(0, 1, channels)), tuple(rng.uniform(0.1, 1, channels))
    out = transforms.Normalize(mean, std)(t)
    m32, s32 = np.float32(mean).reshape(-1, 1, 1), np.float32(std).reshape(-1, 1, 1)
    np.testing.assert_allclose(out.numpy(), (t.numpy() - m32) / s32, rtol=1e-6)
    assert out.dtype == minitorch.float32


def test_to_tensor_other_inputs():
    floats = np.linspace(0, 3, 6).reshape(2, 3)  # not uint8: values and dtype kept, as torchvision
    t = transforms.ToTensor()(floats)
    assert t.dtype == minitorch.float64 and t.shape == (1, 2, 3)
    np.testing.assert_array_equal(t.numpy()[0], floats)
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        transforms.ToTensor()([[1, 2]])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions"):
        transforms.ToTensor()(np.zeros((1, 2, 2, 1), np.uint8))
    minitorch.set_default_dtype(minitorch.float64)
    try:
        assert transforms.ToTensor()(np.zeros((2, 2), np.uint8)).dtype == minitorch.float64
    finally:
        minitorch.set_default_dtype(minitorch.float32)


def test_to_tensor_pil():
    Image = pytest.importorskip('PIL.Image', reason="PIL is optional")
    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 7
    t = transforms.ToTensor()(Image.fromarray(rgb, mode='RGB'))
    np.testing.assert_array_equal(t.numpy(), rgb.transpose(2, 0, 1).astype(np.float32) / np.float32(255))
    gray = transforms.ToTensor()(Image.fromarray(rgb[..., 0], mode='L'))
    assert gray.shape == (1, 2, 3)
    bits = transforms.ToTensor()(Image.fromarray(rgb[..., 0] > 50).convert('1'))
    np.testing.assert_array_equal(bits.numpy()[0], (rgb[..., 0] > 50).astype(np.float32))


def test_normalize_inplace_grad_and_errors():
    t = minitorch.ones(2, 2, 2)
    out = transforms.Normalize((0.5, 0.0), (0.5, 2.0), inplace=True)(t)
    assert out is t and t[:, 0, 0].tolist() == [1.0, 0.5]
    x = minitorch.ones(1, 2, 2, dtype=minitorch.float64, requires_grad=True)
    transforms.Normalize((0.1,), (0.25,))(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((1, 2, 2), 4.0))
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        transforms.Normalize((0.5,), (0.5,))(minitorch.zeros(1, 2, 2, dtype=minitorch.uint8))
    with pytest.raises(ValueError, match="Expected tensor to be a tensor image of size"):
        transforms.Normalize((0.5,), (0.5,))(minitorch.zeros(2, 2))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        transforms.Normalize((0.5,), (0.0,))(minitorch.zeros(1, 2, 2))
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        transforms.Normalize((0.5,), (0.5,))(np.zeros((1, 2, 2)))


def test_compose_and_lambda():
    tf = transforms.Compose([transforms.Lambda(lambda a: a[::-1]), transforms.ToTensor()])
    img = np.arange(4, dtype=np.uint8).reshape(2, 2)
    np.testing.assert_array_equal(tf(img).numpy()[0] * 255, img[::-1])
    assert repr(tf) == 'Compose(\n    Lambda()\n    ToTensor()\n)'
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        transforms.Lambda(3)
