"""save and load, in torch's checkpoint format, so files move between torch and minitorch.

A checkpoint is a zip archive (records stored uncompressed) holding
``<archive>/data.pkl``, a pickle (protocol 2) of the saved object, and one record
``<archive>/data/<key>`` per storage with its raw little-endian bytes. In the pickle
each tensor is the call ``torch._utils._rebuild_tensor_v2(storage, offset, size,
stride, requires_grad, hooks)`` and each storage a persistent id ``('storage',
torch.FloatStorage, key, location, numel)``. Tensors that view one array share one
storage, so views keep sharing memory through a save and load.

minitorch writes those torch names without importing torch, and reads them by mapping
each to its own constructor, so neither side needs the other installed. Loading is
safe by default: ``weights_only=True`` resolves globals through an allowlist
(``_pickle_safe``) and never runs code the file names.
"""
import collections
import hashlib
import io
import os
import pickle
import struct
import sys
import zipfile
import zlib

import numpy as np

from . import _backend, _dtype
from ._pickle_safe import (add_safe_globals, get_safe_globals, clear_safe_globals, safe_globals,  # noqa: F401
                           allowed_global, qualified_name, UnsafeGlobalError)
from .tensor import Tensor, Size
from .nn.parameter import Parameter

__all__ = ['save', 'load', 'add_safe_globals', 'get_safe_globals', 'clear_safe_globals', 'safe_globals']

LEGACY_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C  # first pickle of torch's pre-1.6 format
LEGACY_PROTOCOL_VERSION = 1001


# -- storages and the torch names they are saved under ----------------------------------------

class _StorageType:
    """A storage class named in a checkpoint (``torch.FloatStorage``): it only carries a dtype."""

    __slots__ = ('dtype',)

    def __init__(self, dtype):
        self.dtype = dtype


class _Storage:
    """A flat array of one dtype that saved tensors view (torch's storage); key and location when saving."""

    __slots__ = ('array', 'key', 'location')

    def __init__(self, array, key=None, location=None):
        self.array, self.key, self.location = array, key, location


_STORAGE_NAMES = {_dtype.float32: 'FloatStorage', _dtype.float64: 'DoubleStorage', _dtype.float16: 'HalfStorage',
                  _dtype.int64: 'LongStorage', _dtype.int32: 'IntStorage', _dtype.int16: 'ShortStorage',
                  _dtype.int8: 'CharStorage', _dtype.uint8: 'ByteStorage', _dtype.bool_: 'BoolStorage'}
_STORAGE_TYPES = {d: _StorageType(d) for d in _STORAGE_NAMES}
_UNTYPED_STORAGE = _StorageType(_dtype.uint8)  # torch's UntypedStorage: plain bytes

# torch dtypes numpy cannot hold; named in a file they get a clear error instead of "not allowed"
_TORCH_ONLY_DTYPES = {'bfloat16', 'complex32', 'complex64', 'complex128', 'cfloat', 'cdouble', 'chalf',
                      'uint16', 'uint32', 'uint64', 'float8_e4m3fn', 'float8_e5m2', 'qint8', 'quint8', 'qint32'}


def _rebuild_tensor(storage, storage_offset, size, stride):
    """torch._utils._rebuild_tensor: a tensor viewing ``storage`` at ``storage_offset`` with ``size`` and ``stride``."""
    if type(storage) is not _Storage:
        raise pickle.UnpicklingError(f"tensor rebuilt from a {type(storage).__name__}, not a storage: the "
                                     "checkpoint is corrupt")
    size, stride, storage_offset = tuple(size), tuple(stride), int(storage_offset)
    flat = storage.array
    numel = int(np.prod(size, dtype=np.int64))
    last = storage_offset + sum((n - 1) * s for n, s in zip(size, stride))
    # the view must stay inside the storage: a corrupt or hostile file must not reach other memory
    if len(size) != len(stride) or storage_offset < 0 or any(n < 0 for n in size + stride) \
            or (numel and last >= flat.size):
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                           f"{storage_offset} are out of bounds for storage of size {flat.size}: the "
                           "checkpoint is corrupt")
    if numel == 0:
        return Tensor._make(flat[:0].reshape(size))
    if _is_contiguous(size, stride):  # a plain slice keeps numpy's base chain, so a re-save shares again
        return Tensor._make(flat[storage_offset:storage_offset + numel].reshape(size))
    xp = _backend.xp_of(flat)
    view = xp.lib.stride_tricks.as_strided(flat[storage_offset:], size, [s * flat.itemsize for s in stride])
    return Tensor._make(view)


def _is_contiguous(size, stride):
    expected = 1
    for n, s in zip(reversed(size), reversed(stride)):
        if n != 1 and s != expected:  # a size-1 dim's stride never matters
            return False
        expected *= n
    return True


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    """torch._utils._rebuild_tensor_v2: how a checkpoint rebuilds each tensor (hooks are not restored)."""
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    t.requires_grad = bool(requires_grad)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks):
    """torch._utils._rebuild_parameter: an ``nn.Parameter`` around a rebuilt tensor."""
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError(f"Parameter rebuilt from a {type(data).__name__}: the checkpoint is corrupt")
    return Parameter(data, bool(requires_grad))


# The torch names of minitorch's objects: writing emits them, reading maps them back.
_TORCH_NAMES = {d: f'torch.{d.name}' for d in _dtype.ALL}
_TORCH_NAMES.update({t: f'torch.{_STORAGE_NAMES[d]}' for d, t in _STORAGE_TYPES.items()})
_TORCH_NAMES.update({_rebuild_tensor_v2: 'torch._utils._rebuild_tensor_v2',
                     _rebuild_parameter: 'torch._utils._rebuild_parameter',
                     _backend.device: 'torch.device', Size: 'torch.Size'})

_FROM_TORCH = {name: obj for obj, name in _TORCH_NAMES.items()}
_FROM_TORCH.update({'torch._utils._rebuild_tensor': _rebuild_tensor,
                    'torch.storage.UntypedStorage': _UNTYPED_STORAGE, 'torch.UntypedStorage': _UNTYPED_STORAGE,
                    'torch.nn.parameter.Parameter': Parameter})

# id -> the GLOBAL opcode's argument; keyed by id because these objects live as long as the module
_GLOBAL_OPCODES = {id(obj): name.rpartition('.')[0].encode() + b'\n' + name.rpartition('.')[2].encode() + b'\n'
                   for obj, name in _TORCH_NAMES.items()}


# -- writing -------------------------------------------------------------------------------------

def _view_of_root(array):
    """(root, offset, strides) placing a numpy array inside the C-contiguous array that owns its memory,
    in elements, or None when it does not fit torch's model (other dtype, negative or odd strides)."""
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    item = array.itemsize
    if array.size == 0 or root.dtype != array.dtype or not root.flags.c_contiguous:
        return None
    start = array.__array_interface__['data'][0] - root.__array_interface__['data'][0]
    if start % item or any(s < 0 or s % item for s in array.strides):
        return None
    return root, start // item, tuple(s // item for s in array.strides)


class _TorchPickler(pickle._Pickler):
    """Pickles tensors as torch does, naming minitorch's objects by their torch names.

    The pure-Python pickler is used because only it lets ``save`` write a GLOBAL for a
    module that is not imported (``torch._utils``); the C pickler looks every global up.
    """

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages = {}  # id(root array) -> _Storage, in first-seen order (torch's key order)

    def save(self, obj, save_persistent_id=True):
        opcode = _GLOBAL_OPCODES.get(id(obj))
        if opcode is None or id(obj) in self.memo:
            return super().save(obj, save_persistent_id)
        self.write(pickle.GLOBAL + opcode)
        self.memoize(obj)

    def persistent_id(self, obj):
        if type(obj) is _Storage:
            dtype = _dtype.from_numpy(obj.array.dtype)
            return ('storage', _STORAGE_TYPES[dtype], obj.key, obj.location, int(obj.array.size))
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Parameter):
            return _rebuild_parameter, (Tensor._make(obj.array), obj.requires_grad, collections.OrderedDict())
        if isinstance(obj, Tensor):
            storage, offset, stride = self._storage_of(obj.array)
            return _rebuild_tensor_v2, (storage, offset, tuple(obj.shape), stride, obj.requires_grad,
                                        collections.OrderedDict())
        if type(obj) is Size:
            return Size, (tuple(obj),)
        if type(obj) is _backend.device:
            return _backend.device, (str(obj),)
        return NotImplemented

    def _storage_of(self, array):
        location = str(_backend.device_of(array))
        placed = _view_of_root(array) if type(array) is np.ndarray else None
        if placed is None:  # device arrays and odd views are saved as a contiguous copy of their own
            placed = _view_of_root(np.array(_backend.to_numpy(array), order='C'))
            if placed is None:  # zero-size
                placed = np.empty(array.shape, array.dtype), 0, (0,) * array.ndim
        root, offset, stride = placed
        storage = self.storages.get(id(root))
        if storage is None:
            storage = _Storage(root.reshape(-1), str(len(self.storages)), location)
            self.storages[id(root)] = storage
        return storage, offset, stride


_U32 = 0xFFFFFFFF  # the 32-bit field value meaning "see the zip64 extra field"
_ZIP64_LIMIT = _U32  # sizes and offsets from here on move to zip64 extra fields


class _ArchiveWriter:
    """Writes torch's zip layout (what its miniz writer produces): stored records whose data starts
    on a 64-byte boundary (so torch can mmap storages), each followed by a data descriptor, then
    the central directory and zip64 end records."""

    def __init__(self, f, archive_name):
        self.f, self.prefix = f, archive_name + '/'
        self.pos = 0
        self.entries = []  # (name, crc, size, offset)

    def _emit(self, *parts):
        for p in parts:
            self.f.write(p)
            self.pos += memoryview(p).nbytes

    def write(self, name, data):
        name = (self.prefix + name).encode()
        data = memoryview(data).cast('B')
        size, crc, offset = data.nbytes, zlib.crc32(data), self.pos
        zip64 = self._zip64_extra(size, offset)
        start = offset + 30 + len(name) + len(zip64) + 4
        padding = -start % 64
        extra = zip64 + b'FB' + struct.pack('<H', padding) + b'Z' * padding
        # flags 0x0808: sizes and crc follow the data (data descriptor), names are UTF-8
        local_size = _U32 if size >= _ZIP64_LIMIT else 0
        header = struct.pack('<IHHHHHIIIHH', 0x04034B50, 45 if zip64 else 0, 0x0808, 0, 0, 0, 0,
                             local_size, local_size, len(name), len(extra))
        descriptor = struct.pack('<IIQQ' if zip64 else '<IIII', 0x08074B50, crc, size, size)
        self._emit(header, name, extra, data, descriptor)
        self.entries.append((name, crc, size, offset))

    @staticmethod
    def _zip64_extra(size, offset):
        fields = ((size, size) if size >= _ZIP64_LIMIT else ()) + ((offset,) if offset >= _ZIP64_LIMIT else ())
        if not fields:
            return b''
        return struct.pack(f'<HH{len(fields)}Q', 1, 8 * len(fields), *fields)

    def finish(self):
        """Write the central directory and end records (always zip64, as torch does)."""
        cd_start = self.pos
        for name, crc, size, offset in self.entries:
            zip64 = self._zip64_extra(size, offset)
            size32 = _U32 if size >= _ZIP64_LIMIT else size
            offset32 = _U32 if offset >= _ZIP64_LIMIT else offset
            self._emit(struct.pack('<IHHHHHHIIIHHHHHII', 0x02014B50, 0, 45 if zip64 else 0, 0x0808, 0, 0, 0, crc,
                                   size32, size32, len(name), len(zip64), 0, 0, 0, 0, offset32), name, zip64)
        n, cd_size, end64 = len(self.entries), self.pos - cd_start, self.pos
        self._emit(struct.pack('<IQHHIIQQQQ', 0x06064B50, 44, 0x031E, 45, 0, 0, n, n, cd_size, cd_start),
                   struct.pack('<IIQI', 0x07064B50, 0, end64, 1),
                   struct.pack('<IHHHHIIH', 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                               min(cd_size, _U32), min(cd_start, _U32), 0))

    def serialization_id(self):
        """40 digits identifying this file's contents, as torch's writer records: a hash of the
        record names, then a hash of their checksums."""
        def digits(text):
            return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), 'little')
        names = '\n'.join(e[0].decode() for e in self.entries)
        crcs = ','.join(str(e[1]) for e in self.entries)
        return f'{digits(names):020d}{digits(crcs):020d}'.encode()


def _archive_name(path):
    """torch names the archive's folder after the file, without its last extension."""
    stem = os.path.basename(path).rpartition('.')
    return (stem[0] if stem[1] else stem[2]) or 'archive'


def save(obj, f, pickle_protocol=2):
    """Saves an object to a disk file, in torch's format (``torch.load`` reads it, and ``load`` reads torch's).

    Args:
        obj: the object to save: a tensor, a ``state_dict``, an optimizer's state, nested
            containers of them, or a whole model (loaded back with ``weights_only=False``).
        f: a path (``str`` or ``os.PathLike``) or a binary file object (``io.BytesIO``, ``open(p, 'wb')``).
        pickle_protocol: the pickle protocol; torch uses 2.
    """
    data = io.BytesIO()
    pickler = _TorchPickler(data, pickle_protocol)
    pickler.dump(obj)
    if isinstance(f, (str, os.PathLike)):
        with open(os.fspath(f), 'wb') as out:
            _write_archive(out, _archive_name(os.fspath(f)), data, pickler.storages.values())
    elif hasattr(f, 'write'):
        _write_archive(f, 'archive', data, pickler.storages.values())
    else:
        raise TypeError(f"save() expected f to be a path (str or os.PathLike) or a binary file object, "
                        f"got {type(f).__name__}")


def _write_archive(out, archive_name, data, storages):
    zf = _ArchiveWriter(out, archive_name)
    zf.write('data.pkl', data.getbuffer())
    zf.write('.format_version', b'1')
    zf.write('.storage_alignment', b'64')
    zf.write('byteorder', sys.byteorder.encode())
    for s in storages:
        zf.write(f'data/{s.key}', s.array.view(np.uint8))
    zf.write('version', b'3\n')
    zf.write('.data/serialization_id', zf.serialization_id())
    zf.finish()


# -- reading -------------------------------------------------------------------------------------

class _Unpickler(pickle.Unpickler):
    """Maps torch's names to minitorch's; with ``weights_only`` every other global must be allowlisted."""

    def __init__(self, file, weights_only, load_storage):
        super().__init__(file)
        self.weights_only = weights_only
        self.load_storage = load_storage

    def find_class(self, module, name):
        qualname = qualified_name(module, name)
        obj = _FROM_TORCH.get(qualname)
        if obj is not None:
            return obj
        if module == 'torch' and (name in _TORCH_ONLY_DTYPES or name.endswith('Storage')):
            raise RuntimeError(f"the checkpoint holds torch.{name} data, which minitorch cannot represent "
                               "(numpy has no such dtype); in torch, convert those tensors (e.g. t.float()) "
                               "and save again")
        if self.weights_only:
            return allowed_global(qualname)
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] in ('storage', b'storage')
                and type(pid[1]) is _StorageType and isinstance(pid[4], int) and pid[4] >= 0):
            raise pickle.UnpicklingError(f"invalid storage reference {pid!r} in the checkpoint's pickle")
        return self.load_storage(*pid[1:])


def _as_text(s):
    return s.decode('ascii') if isinstance(s, bytes) else str(s)


def _place(array, location):
    """Move a storage's array to the device named by ``location`` ('cpu', 'cuda', 'cuda:1')."""
    try:
        dev = _backend.as_device(location)
    except (RuntimeError, ValueError, TypeError):
        raise RuntimeError(f"don't know how to restore data location of a storage tagged with {location!r}; "
                           "minitorch knows 'cpu' and 'cuda[:N]'. Use load(..., map_location='cpu') to map "
                           "your storages to the CPU.") from None
    if dev.type == 'cuda' and not _backend.cupy_usable():
        raise RuntimeError("Attempting to deserialize object on a CUDA device but minitorch.cuda.is_available() "
                           "is False. If you are running on a CPU-only machine, please use minitorch.load with "
                           "map_location=minitorch.device('cpu') to map your storages to the CPU.")
    return _backend.to_device(array, dev)


def _target_location(map_location, location):
    """Where a storage saved at ``location`` goes, for every map_location form but a callable."""
    if map_location is None:
        return location
    if isinstance(map_location, dict):
        return str(map_location.get(location, location))
    if isinstance(map_location, (str, _backend.device)):
        return str(map_location)
    raise TypeError(f"map_location should be None, a str, a minitorch.device, a dict or a callable, "
                    f"got {type(map_location).__name__}")


def _restorer(map_location):
    """torch's map_location rules as a function (CPU array, saved location) -> array on its device."""
    if not callable(map_location):
        return lambda array, location: _place(array, _target_location(map_location, location))

    def restore(array, location):
        # torch calls map_location(storage, location); the storage here is a 1-D tensor
        result = map_location(Tensor._make(array), location)
        if result is None:
            return _place(array, location)
        if not isinstance(result, Tensor) or result.shape != (array.size,) or not result.is_contiguous():
            raise RuntimeError(f"map_location must return the storage it was given (or a copy of it on "
                               f"another device, e.g. storage.cpu()) or None, got {type(result).__name__}")
        return result.array
    return restore


def load(f, map_location=None, weights_only=True):
    """Loads an object saved with ``save`` or ``torch.save`` from a file (torch need not be installed).

    Args:
        f: a path (``str`` or ``os.PathLike``) or a binary file object.
        map_location: where storages go: None (where they were saved), ``'cpu'``, ``'cuda'``,
            a ``minitorch.device``, a dict mapping saved locations to new ones, or a callable
            ``fn(storage, location)`` returning the storage (moved) or None for the default.
        weights_only: only rebuild tensors, primitive types, dicts and allowlisted globals
            (see ``add_safe_globals``). Set it to False only for files from a trusted source:
            unpickling can then run arbitrary code (needed to load whole models).
    """
    if isinstance(f, (str, os.PathLike)):
        with open(os.fspath(f), 'rb') as stream:
            return _load_stream(stream, map_location, weights_only)
    if not hasattr(f, 'read'):
        raise TypeError(f"load() expected f to be a path (str or os.PathLike) or a binary file object, "
                        f"got {type(f).__name__}")
    if not (hasattr(f, 'seekable') and f.seekable()):
        f = io.BytesIO(f.read())  # zip archives are read from the end
    return _load_stream(f, map_location, weights_only)


def _load_stream(stream, map_location, weights_only):
    start = stream.tell()
    head = stream.read(4)
    stream.seek(start)
    if head == b'PK\x03\x04':
        return _load_zip(stream, _restorer(map_location), weights_only)
    return _load_legacy(stream, map_location, weights_only)


def _unpickle(unpickler, what):
    try:
        return unpickler.load()
    except EOFError:
        raise pickle.UnpicklingError(f"{what} ended early: the checkpoint is truncated or corrupt") from None
    except UnsafeGlobalError:
        raise
    except pickle.UnpicklingError as e:
        raise pickle.UnpicklingError(f"{what} is corrupt: {e}") from None


def _load_zip(stream, restore, weights_only):
    try:
        zf = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as e:
        raise RuntimeError(f"failed reading zip archive ({e}): the checkpoint is truncated or corrupt "
                           "(was it fully written?)") from None
    names = zf.namelist()
    archive = names[0].partition('/')[0] + '/' if names and '/' in names[0] else None
    if archive is None:
        raise RuntimeError("this zip archive is not a checkpoint: its files are not in a folder as torch.save "
                           "writes them")
    if archive + 'constants.pkl' in names:
        raise RuntimeError("this is a TorchScript archive (torch.jit.save); minitorch loads only torch.save files")

    def record(name):
        try:
            return zf.read(archive + name)
        except KeyError:
            raise RuntimeError(f"the checkpoint has no record {name!r}: it is truncated or corrupt") from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as e:
            raise RuntimeError(f"failed reading record {name!r} ({e}): the checkpoint is corrupt") from None

    order = record('byteorder').decode() if archive + 'byteorder' in names else 'little'
    storages = {}

    def load_storage(storage_type, key, location, numel, *legacy_view):
        if legacy_view:
            raise pickle.UnpicklingError("legacy storage reference inside a zip checkpoint: the file is corrupt")
        key = _as_text(key)
        if key not in storages:
            dtype = storage_type.dtype.np
            raw = record(f'data/{key}')
            if len(raw) != numel * dtype.itemsize:
                raise RuntimeError(f"storage data/{key} holds {len(raw)} bytes, expected {numel * dtype.itemsize}: "
                                   "the checkpoint is corrupt")
            array = np.frombuffer(raw, dtype.newbyteorder('<' if order == 'little' else '>')).astype(dtype)
            storages[key] = _Storage(restore(array, _as_text(location)))
        return storages[key]

    unpickler = _Unpickler(io.BytesIO(record('data.pkl')), weights_only, load_storage)
    return _unpickle(unpickler, "the checkpoint's data.pkl")


def _load_legacy(stream, map_location, weights_only):
    """torch's format before 1.6 (``_use_new_zipfile_serialization=False``): pickles in a row, then the
    storages' bytes. Tensors are rebuilt before their bytes are read, so they are loaded on the CPU."""
    def unpickle(load_storage=None, what='the legacy checkpoint'):
        return _unpickle(_Unpickler(stream, weights_only, load_storage), what)

    try:
        magic = unpickle()
    except Exception:  # whatever fails to read as torch's magic number is not a checkpoint
        magic = None
    if magic != LEGACY_MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file? This is neither a zip checkpoint (torch.save, "
                           "minitorch.save) nor torch's legacy format.")
    if unpickle() != LEGACY_PROTOCOL_VERSION:
        raise RuntimeError("Invalid protocol version in the legacy checkpoint")
    sys_info = unpickle()
    little_endian = sys_info.get('little_endian', True) if isinstance(sys_info, dict) else True
    storages = {}

    def load_storage(storage_type, key, location, numel, view_metadata=None):
        if callable(map_location) or _target_location(map_location, _as_text(location)) != 'cpu':
            raise RuntimeError("minitorch loads legacy-format checkpoints onto the CPU only: pass "
                               "map_location='cpu' and move the tensors with .to() afterwards")
        key = _as_text(key)
        if key not in storages:
            storages[key] = _Storage(np.empty(numel, storage_type.dtype.np))
        if view_metadata is None:
            return storages[key]
        _, offset, size = view_metadata  # a storage view, written by torch before 1.0
        return _Storage(storages[key].array[offset:offset + size])

    result = unpickle(load_storage)
    for key in unpickle():
        if _as_text(key) not in storages:
            raise RuntimeError(f"storage {key} is listed but never used in the legacy checkpoint: it is corrupt")
        s = storages[_as_text(key)].array
        size_field, raw = stream.read(8), stream.read(s.nbytes)  # each storage: int64 numel, then its bytes
        if size_field != struct.pack('<q', s.size) or len(raw) != s.nbytes:
            raise RuntimeError(f"storage {key} is truncated or corrupt in the legacy checkpoint")
        s[...] = np.frombuffer(raw, s.dtype)
        if not little_endian:
            s.byteswap(inplace=True)
    return result
