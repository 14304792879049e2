"""save/load: round trips, torch <-> minitorch in both directions, safety, corrupt files, map_location."""
import collections
import io
import os
import pathlib
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch
import minitorch.optim  # noqa: F401
from minitorch import serialization

DTYPES = ['float32', 'float64', 'float16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool']


def sample(dtype, shape, seed=0):
    a = np.random.default_rng(seed).normal(size=shape) * 10
    return (a > 0) if dtype == 'bool' else a.astype(dtype)


def torch_bytes(obj, **kwargs):
    b = io.BytesIO()
    torch.save(obj, b, **kwargs)
    return io.BytesIO(b.getvalue())


def minitorch_bytes(obj):
    b = io.BytesIO()
    minitorch.save(obj, b)
    return io.BytesIO(b.getvalue())


def assert_same(m, t):
    """A minitorch tensor equals a torch tensor: values, dtype, shape, requires_grad."""
    assert isinstance(m, minitorch.Tensor) and isinstance(t, torch.Tensor)
    assert m.dtype.name == str(t.dtype).split('.')[1]
    assert tuple(m.shape) == tuple(t.shape)
    assert m.requires_grad == t.requires_grad
    np.testing.assert_array_equal(m.detach().numpy(), t.detach().numpy())


# -- minitorch -> minitorch and minitorch -> torch -------------------------------------------

@settings(max_examples=25, deadline=None)
@given(dtype=st.sampled_from(DTYPES), shape=st.lists(st.integers(0, 4), max_size=3),
       transpose=st.booleans())
def test_roundtrip_both_engines(dtype, shape, transpose):
    a = sample(dtype, shape)
    m = minitorch.tensor(a)
    if transpose:  # non-contiguous: saved as a view of the untransposed storage
        m = m.T
    back = minitorch.load(minitorch_bytes({'x': m}))['x']
    np.testing.assert_array_equal(back.numpy(), m.numpy())
    assert back.dtype == m.dtype and back.shape == m.shape
    t = torch.load(minitorch_bytes({'x': m}), weights_only=True)['x']
    assert_same(m, t)
    assert t.stride() == tuple(s // m.element_size() for s in m.numpy().strides) or m.numel() <= 1


def test_state_dict_to_torch_keeps_types_and_sharing():
    base = minitorch.arange(12.).reshape(3, 4)
    sd = collections.OrderedDict([('w', base), ('row', base[1]), ('col', base[:, 2]), ('step', minitorch.tensor(3.)),
                                  ('p', minitorch.nn.Parameter(minitorch.ones(2))),
                                  ('g', minitorch.ones(2, requires_grad=True))])
    t = torch.load(minitorch_bytes(sd), weights_only=True)
    assert type(t) is collections.OrderedDict and list(t) == list(sd)
    for k in sd:
        assert_same(sd[k], t[k])
    assert type(t['p']) is torch.nn.Parameter
    assert t['row'].untyped_storage().data_ptr() == t['w'].untyped_storage().data_ptr()
    assert t['col'].stride() == (4,) and t['col'].storage_offset() == 2


def test_pickle_and_layout_match_torch_byte_for_byte():
    tb = torch_bytes({'a': torch.arange(6.).reshape(2, 3), 'n': 3, 'b': torch.ones(2, dtype=torch.int64)})
    mb = minitorch_bytes({'a': minitorch.arange(6.).reshape(2, 3), 'n': 3,
                          'b': minitorch.ones(2, dtype=minitorch.int64)})
    zt, zm = zipfile.ZipFile(tb), zipfile.ZipFile(mb)
    assert zt.read('archive/data.pkl') == zm.read('archive/data.pkl')
    layout = [[(i.filename, i.header_offset) for i in z.infolist()] for z in (zt, zm)]
    assert layout[0] == layout[1]
    assert all(zm.getinfo(n).compress_type == zipfile.ZIP_STORED for n in zm.namelist())


def test_minitorch_objects_saved_under_torch_names():
    obj = {'dev': minitorch.device('cpu'), 'size': minitorch.Size([2, 3]), 'dtype': minitorch.float16,
           'set': {1, 2}, 'bytes': b'ab', 'nested': [(1, 2.5, None, True, 'x')]}
    t = torch.load(minitorch_bytes(obj), weights_only=True)
    assert t == {'dev': torch.device('cpu'), 'size': torch.Size([2, 3]), 'dtype': torch.float16,
                 'set': {1, 2}, 'bytes': b'ab', 'nested': [(1, 2.5, None, True, 'x')]}
    m = minitorch.load(minitorch_bytes(obj))
    assert m['dev'] == minitorch.device('cpu') and m['dtype'] is minitorch.float16
    assert type(m['size']) is minitorch.Size and m['size'] == (2, 3) and m['nested'] == obj['nested']


def test_shared_storage_round_trips_as_shared_memory():
    base = minitorch.arange(6.)
    back = minitorch.load(minitorch_bytes([base, base[2:4], base.reshape(2, 3)]))
    assert np.shares_memory(back[0].numpy(), back[1].numpy()) and np.shares_memory(back[0].numpy(), back[2].numpy())
    back[0].numpy()[2] = 100.
    assert back[1].tolist() == [100., 3.] and back[2][0, 2].item() == 100.


def test_loaded_tensors_share_again_when_saved():
    base = minitorch.arange(6.).reshape(2, 3)
    loaded = minitorch.load(minitorch_bytes([base, base[1]]))
    t = torch.load(minitorch_bytes(loaded), weights_only=True)
    assert t[1].untyped_storage().data_ptr() == t[0].untyped_storage().data_ptr() and t[1].tolist() == [3., 4., 5.]


def test_path_bytesio_and_archive_name(tmp_path):
    x = minitorch.randn(3)
    for f in (tmp_path / 'model.pt', str(tmp_path / 'model2.pth')):
        minitorch.save(x, f)
        np.testing.assert_array_equal(minitorch.load(f).numpy(), x.numpy())
        assert_same(x, torch.load(f, weights_only=True))
    assert zipfile.ZipFile(tmp_path / 'model.pt').namelist()[0] == 'model/data.pkl'  # as torch names it
    with open(tmp_path / 'model.pt', 'rb') as fh:
        np.testing.assert_array_equal(minitorch.load(fh).numpy(), x.numpy())


def test_zip64_records_read_by_both(monkeypatch):
    monkeypatch.setattr(serialization, '_ZIP64_LIMIT', 100)  # take the >4 GiB path with small data
    x = minitorch.arange(60.)
    np.testing.assert_array_equal(minitorch.load(minitorch_bytes([x]))[0].numpy(), x.numpy())
    assert_same(x, torch.load(minitorch_bytes([x]), weights_only=True)[0])


# -- torch -> minitorch ----------------------------------------------------------------------

@pytest.mark.parametrize('dtype', DTYPES)
def test_torch_tensors_load(dtype):
    x = torch.from_numpy(sample(dtype, (3, 4)))
    obj = {'x': x, 'scalar': x[1, 2].clone(), 'noncontig': x.t(), 'strided': x[:, ::2], 'empty': x[:0]}
    m = minitorch.load(torch_bytes(obj))
    for k in obj:
        assert_same(m[k], obj[k])


def test_torch_module_state_dict_and_parameters_load():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    sd = minitorch.load(torch_bytes(model.state_dict()))
    assert type(sd) is collections.OrderedDict and list(sd) == list(model.state_dict())
    for k, v in model.state_dict().items():
        assert_same(sd[k], v)
    params = minitorch.load(torch_bytes(list(model.parameters())))
    assert all(type(p) is minitorch.nn.Parameter and p.requires_grad for p in params)
    mine = minitorch.nn.Sequential(minitorch.nn.Linear(3, 4), minitorch.nn.ReLU(), minitorch.nn.Linear(4, 2))
    mine.load_state_dict(sd)
    x = np.random.default_rng(1).normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_allclose(mine(minitorch.tensor(x)).detach().numpy(),
                               model(torch.tensor(x)).detach().numpy(), rtol=1e-6)


def test_adam_state_dict_both_ways():
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    model(torch.ones(4, 3)).sum().backward()
    opt.step()
    sd = minitorch.load(torch_bytes(opt.state_dict()))
    step = sd['state'][0]['step']
    assert isinstance(step, minitorch.Tensor) and step.dtype == minitorch.float32 and step.item() == 1.
    assert sd['param_groups'] == opt.state_dict()['param_groups']
    for i, state in opt.state_dict()['state'].items():
        for k, v in state.items():
            assert_same(sd['state'][i][k], v)
    again = torch.load(minitorch_bytes(sd), weights_only=True)  # and back into torch
    opt.load_state_dict(again)
    assert again['param_groups'] == opt.state_dict()['param_groups']


def test_torch_legacy_format_loads():
    x = torch.arange(6.).reshape(2, 3)
    f = torch_bytes({'x': x, 'view': x[:, 1], 'i': torch.tensor([1, 2])}, _use_new_zipfile_serialization=False)
    m = minitorch.load(f)
    assert_same(m['x'], x) and assert_same(m['view'], x[:, 1]) and assert_same(m['i'], torch.tensor([1, 2]))
    assert np.shares_memory(m['x'].numpy(), m['view'].numpy())
    with pytest.raises(RuntimeError, match='onto the CPU only'):
        minitorch.load(torch_bytes(x, _use_new_zipfile_serialization=False), map_location='cuda')


def test_loads_without_importing_torch(tmp_path):
    path = tmp_path / 'torch_file.pt'
    torch.save({'w': torch.arange(6.).reshape(2, 3).t(), 'n': torch.tensor(7)}, path)
    code = ("import sys; sys.modules['torch'] = None\n"  # any `import torch` now raises ImportError
            "import minitorch\n"
            f"sd = minitorch.load({str(path)!r})\n"
            "assert sd['w'].tolist() == [[0., 3.], [1., 4.], [2., 5.]] and sd['n'].item() == 7\n"
            "print('ok')")
    root = pathlib.Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, '-c', code], cwd=root, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and 'ok' in out.stdout, out.stderr


def test_torch_only_dtype_is_a_clear_error():
    with pytest.raises(RuntimeError, match='bfloat16|BFloat16'):
        minitorch.load(torch_bytes(torch.ones(2, dtype=torch.bfloat16)))


# -- whole objects (weights_only=False) ------------------------------------------------------

class Holder:
    """A plain class holding tensors, pickled by reference."""

    def __init__(self):
        self.w = minitorch.randn(2, 2)
        self.b = minitorch.nn.Parameter(minitorch.zeros(2))


def test_whole_objects_need_weights_only_false():
    h = Holder()
    back = minitorch.load(minitorch_bytes(h), weights_only=False)
    assert type(back) is Holder and type(back.b) is minitorch.nn.Parameter
    np.testing.assert_array_equal(back.w.numpy(), h.w.numpy())
    with pytest.raises(pickle.UnpicklingError, match='GLOBAL test_serialization.Holder was not an allowed global'):
        minitorch.load(minitorch_bytes(h))
    with serialization.safe_globals([Holder]):
        assert type(minitorch.load(minitorch_bytes(h))) is Holder
    with pytest.raises(pickle.UnpicklingError):  # the context manager removed it again
        minitorch.load(minitorch_bytes(h))


def test_whole_module_round_trip():
    model = minitorch.nn.Sequential(minitorch.nn.Linear(3, 4), minitorch.nn.Tanh(), minitorch.nn.Linear(4, 1))
    back = minitorch.load(minitorch_bytes(model), weights_only=False)
    x = minitorch.randn(5, 3)
    np.testing.assert_array_equal(back(x).detach().numpy(), model(x).detach().numpy())
    assert [n for n, _ in back.named_parameters()] == [n for n, _ in model.named_parameters()]


# -- safety and corrupt files ----------------------------------------------------------------

class Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return os.system, (f'echo pwned > {self.path}',)


@pytest.mark.parametrize('writer', [torch_bytes, minitorch_bytes])
def test_malicious_pickle_is_rejected(tmp_path, writer):
    marker = tmp_path / 'pwned'
    f = writer({'w': torch.ones(1) if writer is torch_bytes else minitorch.ones(1), 'x': Evil(marker)})
    with pytest.raises(pickle.UnpicklingError, match=r'GLOBAL posix\.system was not an allowed global.*'
                                                     r'weights_only=False.*trusted source'):
        minitorch.load(f)
    assert not marker.exists()


def test_truncated_and_corrupt_files(tmp_path):
    raw = minitorch_bytes({'w': minitorch.arange(100.)}).getvalue()
    with pytest.raises(RuntimeError, match='truncated or corrupt'):
        minitorch.load(io.BytesIO(raw[:len(raw) // 2]))
    data_at = raw.index(np.arange(100.).astype(np.float32).tobytes())
    flipped = raw[:data_at] + b'\xff' + raw[data_at + 1:]
    with pytest.raises(RuntimeError, match="record 'data/0'.*corrupt"):
        minitorch.load(io.BytesIO(flipped))
    for junk in (b'', b'not a checkpoint at all'):
        with pytest.raises(RuntimeError, match='Invalid magic number'):
            minitorch.load(io.BytesIO(junk))
    legacy = torch_bytes({'w': torch.arange(10.)}, _use_new_zipfile_serialization=False).getvalue()
    with pytest.raises(RuntimeError, match='truncated or corrupt'):
        minitorch.load(io.BytesIO(legacy[:-8]))


def test_bad_arguments():
    with pytest.raises(TypeError, match='path .* or a binary file object'):
        minitorch.save(minitorch.ones(1), 3)
    with pytest.raises(TypeError, match='map_location'):
        minitorch.load(minitorch_bytes(minitorch.ones(1)), map_location=3)


# -- devices and map_location ----------------------------------------------------------------

def cuda_tagged_file():
    """A torch file whose storage is tagged 'cuda:0' (torch here has no GPU, so the tag is edited in),
    rewritten by Python's zipfile: loading must not depend on torch's record alignment."""
    src = zipfile.ZipFile(torch_bytes({'w': torch.arange(4.)}))
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.endswith('data.pkl'):
                data = data.replace(b'X\x03\x00\x00\x00cpu', b'X\x06\x00\x00\x00cuda:0')
            dst.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize('map_location', ['cpu', minitorch.device('cpu'), {'cuda:0': 'cpu'},
                                          lambda storage, location: storage])
def test_map_location_forms(map_location):
    raw = cuda_tagged_file()
    assert torch.load(io.BytesIO(raw), map_location='cpu', weights_only=True)['w'].tolist() == [0., 1., 2., 3.]
    w = minitorch.load(io.BytesIO(raw), map_location=map_location)['w']
    assert w.device == minitorch.device('cpu') and w.tolist() == [0., 1., 2., 3.]


@pytest.mark.skipif(minitorch._backend.cupy_usable(), reason='needs a machine without CUDA')
def test_cuda_file_without_cuda_asks_for_map_location():
    with pytest.raises(RuntimeError, match=r'on a CUDA device but minitorch\.cuda\.is_available\(\) is False.*'
                                           r"map_location=minitorch\.device\('cpu'\)"):
        minitorch.load(io.BytesIO(cuda_tagged_file()))
    with pytest.raises(RuntimeError, match='on a CUDA device'):
        minitorch.load(minitorch_bytes(minitorch.ones(2)), map_location='cuda')


def test_map_location_callable_sees_location():
    seen = []
    minitorch.load(io.BytesIO(cuda_tagged_file()), map_location=lambda s, loc: seen.append((s.shape, loc)) or s)
    assert seen == [((4,), 'cuda:0')]
