"""Scratch memory that hot kernels reuse from one call to the next.

A temporary array of a few hundred KiB or more, asked of the C allocator afresh on every call,
can have its memory handed back to the system on free and faulted in again, page by page, on
the next call; on a virtual machine a page fault costs microseconds (a 128-channel 7x7 Winograd
convolution spent half its time there). Reusing a few buffers also keeps the kernel's working
set small, so consecutive passes find their data in cache.

A kernel names a few slots and asks each for an array of the shape it needs; an array stays
valid until its slot is asked for again, so a kernel gives a slot to one array at a time and
never returns a slot's array or keeps it in the graph. Each thread has its own slots. A slot
keeps its largest request up to ``LIMIT_BYTES``; larger requests get a fresh array.
"""
import math
import threading

import numpy as np

LIMIT_BYTES = 16 << 20

_local = threading.local()


def buffer(slot, shape, dtype):
    """An uninitialised array of ``shape`` and ``dtype`` in scratch slot ``slot``."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > LIMIT_BYTES:
        return np.empty(shape, dtype)
    slots = getattr(_local, 'slots', None)
    if slots is None:
        slots = _local.slots = {}
    memory = slots.get(slot)
    if memory is None or memory.nbytes < nbytes:
        memory = slots[slot] = np.empty(nbytes, np.uint8)
    return memory[:nbytes].view(dtype).reshape(shape)


def held_bytes():
    """How much scratch memory this thread holds."""
    return sum(m.nbytes for m in getattr(_local, 'slots', {}).values())


def clear():
    """Release this thread's scratch memory."""
    _local.slots = {}
