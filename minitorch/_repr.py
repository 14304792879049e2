"""``repr`` of a tensor laid out as torch prints it: ``tensor([1., 2.], requires_grad=True)``.

The rules are torch's: one format for every element (integers-as-floats ``1.``, four
decimals, or scientific when the range is wide), every element padded to the widest,
rows wrapped at 80 columns, and tensors over 1000 elements summarised with ``...``.
"""
import math

import numpy as np

from . import _dtype, _backend

PRECISION = 4
THRESHOLD = 1000  # more elements than this are summarised
EDGEITEMS = 3  # elements kept at each end of a summarised dimension
LINEWIDTH = 80


class _Formatter:
    """Picks one format and width for all the values of a tensor, as torch does."""

    def __init__(self, values):
        self.floating = values.dtype.kind == 'f'
        self.int_mode = True  # floats that are all whole numbers print as '3.'
        self.sci_mode = False
        self.width = 1
        flat = values.reshape(-1)
        if not self.floating:
            self.width = max((len(str(v)) for v in flat.tolist()), default=1)
            return
        flat = flat.astype(np.float64)
        shown = flat[np.isfinite(flat) & (flat != 0)]  # nan, inf and zeros do not choose the format
        if shown.size == 0:
            return
        big, small = float(np.abs(shown).max()), float(np.abs(shown).min())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        # whole numbers only switch to scientific for a wide range or huge values; others also for tiny ones
        self.sci_mode = big / small > 1000.0 or big > 1.0e8 or (not self.int_mode and small < 1.0e-4)
        if self.sci_mode:
            spec, extra = f'.{PRECISION}e', 0
        elif self.int_mode:
            spec, extra = '.0f', 1  # room for the trailing '.'
        else:
            spec, extra = f'.{PRECISION}f', 0
        self.width = max(len(format(v, spec)) for v in shown.tolist()) + extra

    def format(self, value):
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = format(value, f'.{PRECISION}e')
        elif self.int_mode:
            text = format(value, '.0f')
            if math.isfinite(value):
                text += '.'
        else:
            text = format(value, f'.{PRECISION}f')
        return text.rjust(self.width)


def _summarized(arr):
    """Only the edge items of every long dimension: what a summarised print shows."""
    for axis, n in enumerate(arr.shape):
        if n > 2 * EDGEITEMS:
            keep = list(range(EDGEITEMS)) + list(range(n - EDGEITEMS, n))
            arr = arr.take(keep, axis=axis)
    return arr


def _vector_str(arr, indent, summarize, fmt):
    per_line = max(1, (LINEWIDTH - indent) // (fmt.width + 2))  # each element plus ', '
    if summarize and arr.shape[0] > 2 * EDGEITEMS:
        items = ([fmt.format(v) for v in arr[:EDGEITEMS].tolist()] + [' ...']
                 + [fmt.format(v) for v in arr[-EDGEITEMS:].tolist()])
    else:
        items = [fmt.format(v) for v in arr.tolist()]
    lines = [', '.join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return '[' + (',\n' + ' ' * (indent + 1)).join(lines) + ']'


def _nested_str(arr, indent, summarize, fmt):
    if arr.ndim == 0:
        return fmt.format(arr.item())
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, fmt)
    n = arr.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        rows = ([_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)] + ['...']
                + [_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(n - EDGEITEMS, n)])
    else:
        rows = [_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(n)]
    # one blank line between the blocks of a 3-d tensor, two for 4-d, ...
    return '[' + (',' + '\n' * (arr.ndim - 1) + ' ' * (indent + 1)).join(rows) + ']'


def array_str(arr, indent):
    """The values of ``arr`` (numpy) laid out as torch prints them, for a prefix ``indent`` wide."""
    if arr.size == 0:
        return '[]'
    if arr.dtype == np.float16:
        arr = arr.astype(np.float32)
    summarize = arr.size > THRESHOLD
    fmt = _Formatter(_summarized(arr) if summarize else arr)
    return _nested_str(arr, indent, summarize, fmt)


def _add_suffixes(text, suffixes, indent):
    """Append ', suffix' items, starting a new line when one would pass the line width."""
    # torch counts the last line's length this way (two more than it is when there is no newline)
    last_line = len(text) - text.rfind('\n') + 1
    for suffix in suffixes:
        # measured as torch's 'dtype=torch.int32', so that lines break where torch's do
        width = len(suffix.replace('minitorch.', 'torch.'))
        if last_line + width + 2 > LINEWIDTH:
            text += ',\n' + ' ' * indent + suffix
            last_line = indent + width
        else:
            text += ', ' + suffix
            last_line += width + 2
    return text + ')'


def tensor_repr(t):
    """torch's repr of a tensor: values, then device, dtype, and grad_fn or requires_grad."""
    prefix = 'tensor('
    arr = _backend.to_numpy(t.array)
    d = t.dtype
    default = _dtype.get_default_dtype()
    suffixes = []
    if t.device.type != 'cpu':
        suffixes.append(f"device='{t.device}'")
    if arr.size == 0:
        # an empty tensor shows its shape unless it is (0,), and any dtype but the default float
        if arr.ndim != 1:
            suffixes.append(f'size={tuple(arr.shape)}')
        if d is not default:
            suffixes.append(f'dtype={d!r}')
    elif d not in (default, _dtype.int64, _dtype.bool_):
        suffixes.append(f'dtype={d!r}')
    if t.grad_fn is not None:
        suffixes.append(f'grad_fn=<{t.grad_fn.backward_name}>')
    elif t.requires_grad:
        suffixes.append('requires_grad=True')
    return _add_suffixes(prefix + array_str(arr, len(prefix)), suffixes, len(prefix))
