"""The parity table on the terminal, and a report folder: markdown plus loss-curve plots."""
import os

import numpy as np

from .lessons import LESSONS

HEADER = (f"{'lesson':<6} {'dtype':<8} {'steps':>5} {'loss diff':>9} {'grad diff':>9} {'param diff':>10} "
          f"{'torch loss':>11} {'mini loss':>11} {'torch s':>7} {'mini s':>7}  result")

# What each lesson published, and how to read it off the figures
PUBLISHED = {
    '2': ('W = 1.9708, b = 0.0664', lambda f: f"W = {f.get('W', float('nan')):.4f}, b = {f.get('b', float('nan')):.4f}"),
    '6': ('test accuracy ≈ 90%', lambda f: f"test accuracy {100 * f.get('test accuracy', float('nan')):.2f}%"),
    '7': ('test accuracy ≥ 99%', lambda f: f"test accuracy {100 * f.get('test accuracy', float('nan')):.2f}%"),
}


def _diff(value):
    """A difference as the table shows it; '-' where it was not compared (--full runs compare
    their published figures only: thousands of float32 steps drift apart)."""
    return '-' if value != value else f'{value:.1e}'


def row(r):
    tl, ml = r.final_loss
    status = 'ok' if r.ok else 'MISMATCH: ' + r.first_mismatch
    return (f"{r.lesson:<6} {r.dtype:<8} {r.steps:>5} {_diff(r.max_loss_diff):>9} {_diff(r.max_grad_diff):>9} "
            f"{_diff(r.max_param_diff):>10} {tl:>11.6g} {ml:>11.6g} {r.seconds[0]:>7.2f} {r.seconds[1]:>7.2f}  {status}")


def figures_text(results):
    lines = []
    for r in results:
        t, m = r.figures
        text = ', '.join(f"{k} {m.get(k, float('nan')):.4g} (torch {v:.4g})" for k, v in t.items())
        pub = PUBLISHED.get(r.lesson)
        lines.append(f"lesson {r.lesson} ({r.dtype}): {text}" + (f"  | published: {pub[0]}; minitorch: {pub[1](m)}"
                                                                  if pub else ''))
    return '\n'.join(lines)


def _plot(r, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    t, m = (np.asarray(x, dtype=float) for x in r.losses)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.2))
    a1.plot(t, label='torch', lw=2.5, alpha=0.6)
    a1.plot(m, '--', label='minitorch', lw=1.2)
    a1.set_title(f"lesson {r.lesson} ({r.dtype}): loss")
    a1.set_xlabel('step')
    a1.legend()
    n = min(len(t), len(m))
    diff = np.abs(t[:n] - m[:n])
    a2.semilogy(np.maximum(diff, 1e-18))
    a2.set_title('|loss difference| per step')
    a2.set_xlabel('step')
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def write(results, folder, full=False):
    """Write README.md and one PNG per run into ``folder``; returns the folder."""
    os.makedirs(folder, exist_ok=True)
    lines = ['# Parity report', '', 'Every lesson run in torch and in minitorch from the same initial weights on the '
             'same batches; differences are the largest over all steps, relative to each tensor\'s scale.', '',
             '| lesson | dtype | steps | loss diff | grad diff | param diff | torch loss | minitorch loss | '
             'torch s | minitorch s | result |', '|---|---|---|---|---|---|---|---|---|---|---|']
    for r in results:
        tl, ml = r.final_loss
        lines.append(f"| {r.lesson} {LESSONS[r.lesson].TITLE} | {r.dtype} | {r.steps} | {_diff(r.max_loss_diff)} | "
                     f"{_diff(r.max_grad_diff)} | {_diff(r.max_param_diff)} | {tl:.6g} | {ml:.6g} | {r.seconds[0]:.2f} | "
                     f"{r.seconds[1]:.2f} | {'ok' if r.ok else 'MISMATCH: ' + r.first_mismatch} |")
    lines += ['', '## Figures', '', '```', figures_text(results), '```', '']
    try:
        for r in results:
            if r.losses[0]:
                png = f"lesson{r.lesson}-{r.dtype}.png"
                _plot(r, os.path.join(folder, png))
                lines.append(f"![lesson {r.lesson} {r.dtype}]({png})")
    except ImportError:
        lines.append('(plots need matplotlib: pip install -e .[plot])')
    with open(os.path.join(folder, 'README.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return folder
