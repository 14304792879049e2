"""``python -m benchmarks``: every workload in torch and minitorch side by side, in one process.

Prints a table (time per step, op or sample in each engine, the ratio minitorch/torch against its
target, peak memory of each) and writes JSON, a markdown table and PNG plots to ``--out``.
"""
import argparse
import os
import sys

from . import plots, report
from .memory import rss_peak, thread_env, traced_peak
from .timing import Engine, measure, median, synchronizer


def choose_threads(requested):
    """The thread count of both engines, and where it came from. Asked for: every pool is capped
    through the environment, which works because numpy is not imported yet. Otherwise: as many
    threads as numpy's BLAS runs (read with threadpoolctl), else the CPU count; torch then gets
    the same number, so neither engine has more cores to itself."""
    if requested:
        os.environ.update(thread_env(requested))
        return requested, '--threads'
    import numpy  # noqa: F401  (threadpoolctl only sees libraries already loaded)
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.cpu_count(), 'os.cpu_count() (threadpoolctl not installed)'
    counts = [pool['num_threads'] for pool in threadpool_info() if pool['user_api'] == 'blas']
    if counts:
        return counts[0], "threadpoolctl: numpy's BLAS"
    return os.cpu_count(), 'os.cpu_count() (no BLAS found by threadpoolctl)'


def parse(argv):
    ap = argparse.ArgumentParser(prog='python -m benchmarks', description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--only', action='append', metavar='NAME',
                    help='run the workloads whose name contains NAME (repeatable): per_op, lesson1, lesson3, '
                         'lesson4, lesson6_epoch, lesson7_step, conv2d, max_pool2d, matmul, lesson7_scaling')
    ap.add_argument('--repeat', type=int, help='timed rounds per engine (default 5, --quick 2); the median is reported')
    ap.add_argument('--device', default='cpu', choices=['cpu', 'cuda'],
                    help='cuda: minitorch on cupy vs torch on CUDA vs minitorch on the CPU')
    ap.add_argument('--threads', type=int,
                    help="threads for both engines (default: as many as numpy's BLAS runs)")
    ap.add_argument('--quick', action='store_true', help='tiny sizes and few rounds: a smoke run of seconds')
    ap.add_argument('--no-rss', action='store_true',
                    help='skip the fresh-process RSS measurement (always skipped with --quick and on cuda)')
    ap.add_argument('--out', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results'),
                    help='folder for results.json, table.md and the plots (default: benchmarks/results)')
    args = ap.parse_args(argv)
    if args.repeat is None:
        args.repeat = 2 if args.quick else 5
    return args


def engines_for(device, torch, minitorch):
    """The engines a run compares: the reference (torch) first, then minitorch on ``device``,
    then, on CUDA, minitorch on the CPU (for the GPU's speed-up)."""
    if device == 'cpu':
        return [Engine('torch', torch, 'cpu'), Engine('minitorch', minitorch, 'cpu')]
    engines = [Engine('minitorch-cuda', minitorch, 'cuda'), Engine('minitorch-cpu', minitorch, 'cpu')]
    if torch.cuda.is_available():
        return [Engine('torch-cuda', torch, 'cuda')] + engines
    print('note: this torch build has no CUDA; comparing minitorch on cupy with minitorch on the CPU only.',
          file=sys.stderr)
    return engines


def run_point(workload, size, engines, args, threads):
    """Time and measure one workload at one size in every engine; returns the table row."""
    steps = {e.label: (workload.setup(e.T, e.device, size), synchronizer(e)) for e in engines}
    samples, number = measure(steps, args.repeat, min_time=0.01 if args.quick else 0.1)
    count = workload.count(size)
    memory = {e.label: traced_peak(e, steps[e.label][0]) for e in engines}
    rss = {}
    if not (args.quick or args.no_rss or args.device != 'cpu') and len(workload.sizes) == 1:
        rss = {e.label: rss_peak(workload.name, size, e.T.__name__, threads) for e in engines}
    row = {'workload': workload.name, 'point': workload.label(size), 'size': size, 'unit': workload.unit,
           'time': {label: median(s) / count for label, s in samples.items()},
           'seconds_per_step': samples, 'calls_per_round': number, 'memory': memory, 'rss': rss}
    add_verdicts(row, workload, [e.label for e in engines], size)
    return row


def add_verdicts(row, workload, labels, size):
    """The ratios of the row and whether they meet the workload's targets."""
    time, memory = row['time'], row['memory']
    reference = labels[0] if labels[0].startswith('torch') else None
    mine = next(label for label in labels if label.startswith('minitorch'))
    gpu = mine.endswith('cuda')
    row['ratio'] = time[mine] / time[reference] if reference else None
    row['target'] = workload.gpu_target if gpu else workload.target
    row['memory_ratio'] = memory[mine] / memory[reference] if reference and memory[reference] else None
    row['memory_target'] = None if gpu else workload.memory_target
    row['speedup'] = time['minitorch-cpu'] / time[mine] if gpu else None
    row['speedup_target'] = workload.speedup_target.get(size) if gpu else None
    row['met'] = _at_most(row['ratio'], row['target'])
    row['memory_met'] = _at_most(row['memory_ratio'], row['memory_target'])
    row['speedup_met'] = None if row['speedup_target'] is None else row['speedup'] >= row['speedup_target']


def _at_most(value, target):
    return None if target is None or value is None else value <= target


def main(argv=None):
    args = parse(argv)
    threads, source = choose_threads(args.threads)
    os.environ.update(thread_env(threads))  # before torch starts its pools (and for the RSS subprocesses)
    # OpenMP's default lets idle torch threads spin, which on a shared or loaded machine takes the
    # cores the next op needs (3x slower CNN steps measured under load); sleeping threads are fair.
    os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
    import torch
    import minitorch
    from .workloads import WORKLOADS  # imports numpy: after the thread settings
    torch.set_num_threads(threads)
    if args.device == 'cuda' and not minitorch.cuda.is_available():
        print('--device cuda: minitorch sees no usable GPU (minitorch.cuda.is_available() is False). It runs on '
              'CUDA through cupy: on a machine with an NVIDIA GPU, `pip install -e .[gpu]` (or the cupy wheel for '
              'your CUDA, e.g. cupy-cuda12x), then check `python -c "import minitorch; '
              'print(minitorch.cuda.is_available())"`.', file=sys.stderr)
        return 2
    chosen = [w for w in WORKLOADS if not args.only or any(name in w.name for name in args.only)]
    if not chosen:
        print(f"--only {args.only}: no workload matches; names: {', '.join(w.name for w in WORKLOADS)}",
              file=sys.stderr)
        return 2

    meta = report.machine(threads, source)
    engines = engines_for(args.device, torch, minitorch)
    labels = [e.label for e in engines]
    print(f"{meta['cpu']}, {meta['cores_usable']} cores, {threads} threads per engine ({source}); "
          f"load average {meta['load_average_start'][0]:.2f}; numpy's BLAS: {meta['numpy_blas']}", file=sys.stderr)
    rows = []
    for workload in chosen:
        for size in (workload.quick_sizes if args.quick else workload.sizes):
            row = run_point(workload, size, engines, args, threads)
            rows.append(row)
            print(f"  {workload.name} {row['point']}: " + ', '.join(
                f"{label} {report.fmt_time(row['time'][label])}/{workload.unit}" for label in labels), file=sys.stderr)
    meta['load_average_end'] = list(os.getloadavg())
    meta['args'] = vars(args)

    print(report.text_table(rows, labels))
    os.makedirs(args.out, exist_ok=True)
    suffix = '' if args.device == 'cpu' else '-' + args.device
    report.write_json(os.path.join(args.out, f'results{suffix}.json'), meta, rows)
    with open(os.path.join(args.out, f'table{suffix}.md'), 'w') as f:
        f.write(report.markdown_table(rows, labels) + '\n')
    written = plots.write(rows, labels, args.out, suffix)
    print(f"\nwrote results{suffix}.json, table{suffix}.md{''.join(', ' + p for p in written)} to {args.out}",
          file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
