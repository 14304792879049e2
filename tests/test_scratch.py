"""The scratch slots hot kernels reuse (minitorch/ops/_scratch.py)."""
import threading

import numpy as np

from minitorch.ops import _scratch


def test_a_slot_reuses_its_memory_and_grows_on_demand():
    _scratch.clear()
    a = _scratch.buffer('t', (4, 5), np.float32)
    b = _scratch.buffer('t', (2, 3), np.float64)           # smaller: same memory, new shape and dtype
    assert a.shape == (4, 5) and b.shape == (2, 3) and b.dtype == np.float64
    assert np.shares_memory(a, b)
    c = _scratch.buffer('t', (100,), np.float32)           # larger: new memory
    assert not np.shares_memory(a, c)
    assert not np.shares_memory(c, _scratch.buffer('u', (100,), np.float32))  # slots are separate
    assert _scratch.held_bytes() == 800
    _scratch.clear()
    assert _scratch.held_bytes() == 0


def test_large_requests_are_not_kept():
    _scratch.clear()
    big = _scratch.buffer('t', (_scratch.LIMIT_BYTES // 4 + 1,), np.float32)
    assert big.size == _scratch.LIMIT_BYTES // 4 + 1 and _scratch.held_bytes() == 0


def test_each_thread_has_its_own_slots():
    mine = _scratch.buffer('t', (8,), np.float32)
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(_scratch.buffer('t', (8,), np.float32)))
    thread.start()
    thread.join()
    assert not np.shares_memory(mine, theirs[0])
