"""``repr`` of a tensor in torch's style: ``tensor([1., 2.], requires_grad=True)``."""
import numpy as np

from . import _dtype, _backend


def _float_formatter(values):
    """torch's choice: integers print as '1.', else 4 decimals, scientific for wide ranges."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return lambda v: _special(v) or f'{v:.4f}'
    nonzero = np.abs(finite[finite != 0])
    if np.all(finite == np.round(finite)):
        if nonzero.size and nonzero.max() >= 1e8:
            return lambda v: _special(v) or f'{v:.4e}'
        return lambda v: _special(v) or f'{v:.0f}.'
    if nonzero.size and (nonzero.max() / nonzero.min() > 1000 or nonzero.max() > 1e8 or nonzero.min() < 1e-4):
        return lambda v: _special(v) or f'{v:.4e}'
    return lambda v: _special(v) or f'{v:.4f}'


def _special(v):
    if np.isnan(v):
        return 'nan'
    if np.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return None


def array_str(arr, indent):
    """The values of ``arr`` laid out as torch prints them (summarised when large)."""
    if arr.dtype.kind == 'f':
        fmt = _float_formatter(arr.astype(np.float64).reshape(-1))
        formatter = {'float_kind': lambda v: fmt(float(v))}
    elif arr.dtype.kind == 'b':
        formatter = {'bool': lambda v: 'True' if v else 'False'}
    else:
        formatter = {'int': lambda v: str(int(v))}
    if arr.ndim == 0:
        return list(formatter.values())[0](arr.item())
    return np.array2string(arr, separator=', ', formatter=formatter, threshold=1000, edgeitems=3,
                           prefix=' ' * indent, max_line_width=80)


def tensor_repr(t):
    arr = _backend.to_numpy(t.array)
    body = array_str(arr, len('tensor('))
    extras = []
    if t.device.type != 'cpu':
        extras.append(f"device='{t.device}'")
    d = t.dtype
    default_shown = (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool_)
    if arr.size == 0 and arr.ndim != 1:
        body = '[]'
        extras.append(f'size={tuple(arr.shape)}')
    if d not in default_shown or (arr.size == 0 and d is not _dtype.get_default_dtype()):
        extras.append(f'dtype={d!r}')
    if t.grad_fn is not None:
        extras.append(f'grad_fn=<{t.grad_fn.backward_name}>')
    elif t.requires_grad:
        extras.append('requires_grad=True')
    sep = ',\n       ' if '\n' in body else ', '
    return 'tensor(' + body + ''.join(sep + e for e in extras) + ')'
