"""Run a lesson in both engines and find the first step where they disagree."""
import time
from dataclasses import dataclass, field

import numpy as np

from .run import Run, Budget, SEED

# Largest relative difference allowed, per dtype. A difference is measured per tensor, relative to
# that tensor's largest magnitude (so near-zero gradient entries do not inflate it).
# float64: both engines do the same arithmetic up to summation order; measured differences are
# below 1e-12 on every lesson, so 1e-9 catches wrong maths with a wide margin.
# float32: rounding differs from the first matrix product on and grows with the steps; measured up
# to ~2e-5 (lesson 7's gradients), so 1e-4 leaves room without hiding real errors (a wrong formula
# is off by 1e-2 or more).
# One known limit, kept on purpose: with Adam, a gradient entry that is zero up to float32
# rounding can come out with opposite signs in the two engines, and Adam's first steps move that
# parameter by a full lr either way (lesson 7: 2e-3 after one step). A looser parameter tolerance
# would hide real errors of that size everywhere else, so the lessons run from fixed seeds (both
# engines are seeded before each lesson) at which no such tie occurs; a change that makes lesson
# 7's float32 parameters differ by ~2*lr*steps at a single entry, with gradients matching, is
# this effect, not a bug.
TOLERANCE = {'float64': 1e-9, 'float32': 1e-4}


@dataclass
class Result:
    lesson: str
    dtype: str
    steps: int = 0
    max_loss_diff: float = 0.0
    max_grad_diff: float = 0.0
    max_param_diff: float = 0.0
    max_abs_diff: float = 0.0
    final_loss: tuple = (float('nan'), float('nan'))
    seconds: tuple = (0.0, 0.0)
    figures: tuple = ({}, {})
    first_mismatch: str = ''
    losses: tuple = field(default_factory=lambda: ([], []))
    error: str = ''

    @property
    def ok(self):
        return not self.first_mismatch and not self.error


def rel_diff(a, b):
    """max |a - b| relative to the largest |b| (absolute when b is all below 1)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float('inf')
    if not a.size:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1.0))


def run_engine(T, module, dtype, steps, device, full, shared, progress=None):
    """Run one lesson in one engine; returns the Run (records and figures) and the seconds taken."""
    run = Run(T, dtype, None if full else steps, device=device, full=full, shared=shared, progress=progress)
    t0 = time.perf_counter()
    try:
        module.lesson(run)
    except Budget:
        pass
    return run, time.perf_counter() - t0


def compare(name, module, dtype='float64', steps=None, device='cpu', full=False, progress=None):
    """Run ``module``'s lesson in torch, then in minitorch, and compare them step by step."""
    import torch
    import minitorch
    steps = steps or module.STEPS
    tol = TOLERANCE[dtype]
    shared = {}
    res = Result(name, dtype)
    # torch draws the initial weights (copied into minitorch): seed it, so a lesson starts from
    # the same weights whatever ran before in this process
    torch.manual_seed(SEED)
    ref, t_torch = run_engine(torch, module, dtype, steps, 'cpu', full, shared, progress)
    try:
        minitorch.manual_seed(SEED)
        mine, t_mine = run_engine(minitorch, module, dtype, steps, device, full, shared, progress)
    except Exception as e:  # report, don't crash the suite: the table shows which lesson broke
        res.error = f"{type(e).__name__}: {e}"
        res.first_mismatch = 'minitorch raised ' + res.error
        return res
    res.steps = len(ref.records)
    res.seconds = (t_torch, t_mine)
    res.figures = (ref.figures, mine.figures)
    res.losses = ([r['loss'] for r in ref.records], [r['loss'] for r in mine.records])
    if ref.records:
        res.final_loss = (ref.records[-1]['loss'], mine.records[-1]['loss'] if mine.records else float('nan'))
    if len(mine.records) != len(ref.records):
        res.first_mismatch = f"minitorch ran {len(mine.records)} steps, torch {len(ref.records)}"
        return res
    if full:  # long training is chaotic in float32: full mode compares the published figures only
        res.max_loss_diff = res.max_grad_diff = res.max_param_diff = float('nan')  # shown as nan: not compared
        return res
    for step, (r, m) in enumerate(zip(ref.records, mine.records)):
        checks = [('loss', 'loss', 'max_loss_diff', m['loss'], r['loss'])]
        for kind, attr in (('grads', 'max_grad_diff'), ('params', 'max_param_diff')):
            if set(m[kind]) != set(r[kind]):
                res.first_mismatch = res.first_mismatch or \
                    f"step {step}: {kind} names differ: {sorted(m[kind])} vs torch {sorted(r[kind])}"
                continue
            checks += [(f"{kind[:-1]} of {p}", kind, attr, m[kind][p], r[kind][p]) for p in r[kind]]
        for what, _, attr, mv, rv in checks:
            d = rel_diff(mv, rv)
            setattr(res, attr, max(getattr(res, attr), d))
            res.max_abs_diff = max(res.max_abs_diff, float(np.max(np.abs(np.asarray(mv, float) - np.asarray(rv, float))))
                                   if np.shape(mv) == np.shape(rv) else float('inf'))
            if not d <= tol and not res.first_mismatch:
                res.first_mismatch = f"step {step}: {what} differs by {d:.3g} (tolerance {tol:g})"
    for key, rv in ref.figures.items():
        mv = mine.figures.get(key)
        if mv is None:
            res.first_mismatch = res.first_mismatch or f"figure {key!r} missing in minitorch"
        elif not abs(mv - rv) <= max(tol * 100, tol * 100 * abs(rv)):
            res.first_mismatch = res.first_mismatch or f"figure {key!r}: {mv!r} vs torch {rv!r}"
    return res
