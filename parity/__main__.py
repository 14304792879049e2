"""``python -m parity``: every lesson in both engines, step by step; non-zero exit on a mismatch."""
import argparse
import sys

from .harness import run_lesson
from .lessons import LESSONS


def main(argv=None):
    ap = argparse.ArgumentParser(prog='python -m parity', description=__doc__)
    ap.add_argument('--lesson', choices=sorted(LESSONS), action='append', help='run only this lesson (repeatable)')
    ap.add_argument('--steps', type=int, help='steps per lesson (default: each lesson\'s own)')
    ap.add_argument('--dtype', choices=['float64', 'float32'], action='append', help='default: both')
    args = ap.parse_args(argv)
    names = args.lesson or list(LESSONS)
    dtypes = args.dtype or ['float64', 'float32']
    header = f"{'lesson':<7} {'dtype':<8} {'steps':>5} {'loss diff':>10} {'grad diff':>10} {'param diff':>10} " \
             f"{'torch loss':>11} {'mini loss':>11} {'torch s':>8} {'mini s':>8}  result"
    print(header)
    print('-' * len(header))
    failed = 0
    for name in names:
        fn, default_steps = LESSONS[name]
        for dt in dtypes:
            r = run_lesson(name, fn, args.steps or default_steps, dt)
            failed += not r.ok
            tl, ml = r.final_loss
            print(f"{name:<7} {dt:<8} {r.steps:>5} {r.max_loss_diff:>10.2e} {r.max_grad_diff:>10.2e} "
                  f"{r.max_param_diff:>10.2e} {tl:>11.6g} {ml:>11.6g} {r.seconds[0]:>8.3f} {r.seconds[1]:>8.3f}  "
                  f"{'ok' if r.ok else 'MISMATCH: ' + r.first_mismatch}")
    print(f"\n{'all lessons match torch' if not failed else f'{failed} mismatches'}")
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
