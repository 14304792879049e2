"""What a run writes: the machine it ran on, the table (text and markdown), the JSON."""
import datetime
import json
import os
import platform


def machine(threads, thread_source):
    """The machine and software a run measured: CPU, cores, load, versions, thread count."""
    import numpy
    import torch
    import minitorch
    model = 'unknown'
    if os.path.exists('/proc/cpuinfo'):
        with open('/proc/cpuinfo') as f:
            model = next((line.split(':', 1)[1].strip() for line in f if line.startswith('model name')), model)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()
    return {
        'date': datetime.datetime.now().astimezone().isoformat(timespec='seconds'),
        'cpu': model or platform.processor(),
        'cores': os.cpu_count(),
        'cores_usable': usable,
        'load_average_start': list(os.getloadavg()),
        'threads': threads,
        'threads_from': thread_source,
        'omp_wait_policy': os.environ.get('OMP_WAIT_POLICY'),
        'numpy_blas': numpy_blas(),
        'python': platform.python_version(),
        'numpy': numpy.__version__,
        'torch': torch.__version__,
        'minitorch': minitorch.__version__,
    }


def numpy_blas():
    """numpy's BLAS and the CPU kernel it runs, e.g. 'OpenBLAS 0.3.31, Haswell kernel (forced by
    OPENBLAS_CORETYPE=Haswell)'. Every matrix product minitorch makes (conv2d included) runs there,
    so the kernel decides its GEMM speed; torch brings its own BLAS and ignores the variable."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return 'unknown (threadpoolctl not installed)'
    pools = [p for p in threadpool_info() if p['user_api'] == 'blas']
    if not pools:
        return 'unknown'
    pool = pools[0]
    text = f"{pool['internal_api']} {pool['version']}, {pool.get('architecture', '?')} kernel"
    forced = os.environ.get('OPENBLAS_CORETYPE')
    if forced:
        text += f' (forced by OPENBLAS_CORETYPE={forced})'
    return text


def fmt_time(seconds):
    """Seconds in a readable unit: '1.23 ms'."""
    if seconds is None:
        return '-'
    for scale, unit in ((1, 's'), (1e-3, 'ms'), (1e-6, 'us')):
        if seconds >= scale:
            return f'{seconds / scale:.3g} {unit}'
    return f'{seconds / 1e-9:.3g} ns'


def fmt_bytes(n):
    """Bytes in a readable unit: '4.5 MiB'."""
    if n is None:
        return '-'
    for scale, unit in ((2 ** 30, 'GiB'), (2 ** 20, 'MiB'), (2 ** 10, 'KiB')):
        if abs(n) >= scale:
            return f'{n / scale:.3g} {unit}'
    return f'{n} B'


def _ratio(value):
    return '-' if value is None else f'{value:.2f}'


def _goal(target, sign):
    return '-' if target is None else f'{sign} {target:g}'


def _verdict(met):
    return '' if met is None else ('met' if met else 'NOT met')


def _rss(entry):
    if not entry:
        return '-'
    if 'error' in entry:
        return 'error'
    return f"{fmt_bytes(entry['peak'])} (+{fmt_bytes(entry['growth'])})"


def columns(rows, labels):
    """The table as a header and a list of cells per row. ``labels`` are the engines' labels:
    the reference (torch) first, then minitorch, then minitorch on the CPU in a CUDA run."""
    header = ['workload', 'point', 'per'] + [f'{label} time' for label in labels]
    header += ['ratio', 'target', 'verdict']
    has_speedup = any(r.get('speedup') is not None for r in rows)
    if has_speedup:
        header += ['cpu/gpu', 'target', 'verdict']
    header += [f'{label} peak' for label in labels] + ['mem ratio', 'target', 'verdict']
    has_rss = any(r['rss'] for r in rows)
    if has_rss:
        header += [f'{label} RSS (+growth)' for label in labels]
    body = []
    for r in rows:
        cells = [r['workload'], r['point'], r['unit']] + [fmt_time(r['time'].get(label)) for label in labels]
        cells += [_ratio(r['ratio']), _goal(r['target'], '<='), _verdict(r['met'])]
        if has_speedup:
            cells += [_ratio(r['speedup']), _goal(r['speedup_target'], '>='), _verdict(r['speedup_met'])]
        cells += [fmt_bytes(r['memory'].get(label)) for label in labels]
        cells += [_ratio(r['memory_ratio']), _goal(r['memory_target'], '<='), _verdict(r['memory_met'])]
        if has_rss:
            cells += [_rss(r['rss'].get(label)) for label in labels]
        body.append(cells)
    return header, body


def text_table(rows, labels):
    """The table, aligned in columns, for the terminal."""
    header, body = columns(rows, labels)
    widths = [max(len(str(c)) for c in col) for col in zip(header, *body)]
    line = lambda cells: '  '.join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return '\n'.join([line(header), line(['-' * w for w in widths])] + [line(cells) for cells in body])


def markdown_table(rows, labels):
    """The table in markdown, for RESULTS.md."""
    header, body = columns(rows, labels)
    line = lambda cells: '| ' + ' | '.join(str(c) for c in cells) + ' |'
    return '\n'.join([line(header), line(['---'] * len(header))] + [line(cells) for cells in body])


def write_json(path, meta, rows):
    """Every figure of the run, with the machine it ran on."""
    with open(path, 'w') as f:
        json.dump({'machine': meta, 'rows': rows}, f, indent=1)
