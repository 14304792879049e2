"""``python -m parity``: every lesson in torch and in minitorch, step by step; exits 1 on a mismatch."""
import argparse
import sys

from .harness import compare
from .lessons import LESSONS
from . import report


def _progress_bar(total, label):
    """A one-line progress bar on stderr for long runs (--full); silent when not a terminal."""
    if not sys.stderr.isatty() or not total:
        return None

    def show(done):
        width = 30
        filled = int(width * min(done, total) / total)
        sys.stderr.write(f"\r{label:<24} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write('\n')
        sys.stderr.flush()
    return show


def main(argv=None):
    ap = argparse.ArgumentParser(prog='python -m parity', description=__doc__)
    ap.add_argument('--lesson', choices=list(LESSONS), action='append', help='run only this lesson (repeatable)')
    ap.add_argument('--steps', type=int, help="steps per lesson (default: each lesson's short mode)")
    ap.add_argument('--dtype', choices=['float64', 'float32'], action='append', help='default: both')
    ap.add_argument('--device', default='cpu', help="minitorch's device: cpu (default) or cuda")
    ap.add_argument('--full', action='store_true',
                    help="train each lesson as the lesson does and report its published figures")
    ap.add_argument('--report', default='reports/parity', help='folder for the markdown report and plots')
    args = ap.parse_args(argv)
    if args.device != 'cpu':
        import minitorch
        if not minitorch.cuda.is_available():
            print("--device cuda: no usable GPU here. minitorch runs on CUDA through cupy: install it with "
                  "`pip install -e .[gpu]` on a machine with an NVIDIA GPU, and check "
                  "`python -c 'import minitorch; print(minitorch.cuda.is_available())'`.", file=sys.stderr)
            return 2
    names = args.lesson or list(LESSONS)
    dtypes = args.dtype or (['float32'] if args.full else ['float64', 'float32'])
    results = []
    print(report.HEADER)
    print('-' * len(report.HEADER))
    for name in names:
        module = LESSONS[name]
        for dt in dtypes:
            bar = _progress_bar(None if not args.full else getattr(module, 'FULL_STEPS', None), f"{name} {dt}")
            r = compare(name, module, dt, steps=args.steps, device=args.device, full=args.full, progress=bar)
            results.append(r)
            print(report.row(r), flush=True)
    failed = [r for r in results if not r.ok]
    if args.full:
        print()
        print(report.figures_text(results))
    folder = report.write(results, args.report, full=args.full)
    print(f"\nreport: {folder}/README.md")
    print('all lessons match torch' if not failed else f"{len(failed)} of {len(results)} runs differ from torch")
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
