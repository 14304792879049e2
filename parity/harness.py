"""Run a lesson in both engines and find the first place where they disagree."""
import time
from dataclasses import dataclass, field

import numpy as np

# Relative tolerances, per dtype. float64: both engines do the same arithmetic in nearly the
# same order, so only summation-order rounding separates them (measured ~1e-15). float32:
# rounding differences grow over the steps of a training loop (measured ~1e-6 over 1000 steps).
TOLERANCE = {'float64': 1e-9, 'float32': 1e-4}


@dataclass
class Result:
    lesson: str
    dtype: str
    steps: int = 0
    max_loss_diff: float = 0.0
    max_grad_diff: float = 0.0
    max_param_diff: float = 0.0
    final_loss: tuple = (None, None)
    seconds: tuple = (0.0, 0.0)
    first_mismatch: str = ''
    losses: tuple = field(default_factory=lambda: ([], []))

    @property
    def ok(self):
        return not self.first_mismatch


def _rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.maximum(np.abs(b), 1.0)  # relative for large values, absolute below 1
    return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0


def _timed(gen):
    """Iterate ``gen``, returning (items, seconds spent inside it)."""
    items, spent = [], 0.0
    while True:
        t0 = time.perf_counter()
        try:
            item = next(gen)
        except StopIteration:
            spent += time.perf_counter() - t0
            return items, spent
        spent += time.perf_counter() - t0
        items.append(item)


def run_lesson(name, fn, steps, dtype):
    import torch
    import minitorch
    tol = TOLERANCE[dtype]
    ref, t_torch = _timed(fn(torch, getattr(torch, dtype), steps))
    mine, t_mine = _timed(fn(minitorch, getattr(minitorch, dtype), steps))
    res = Result(name, dtype, steps=len(ref), seconds=(t_torch, t_mine))
    res.losses = ([s['loss'] for s in ref], [s['loss'] for s in mine])
    if len(mine) != len(ref):
        res.first_mismatch = f"minitorch ran {len(mine)} steps, torch {len(ref)}"
        return res
    for step, (r, m) in enumerate(zip(ref, mine)):
        d = _rel(m['loss'], r['loss'])
        res.max_loss_diff = max(res.max_loss_diff, d)
        if d > tol and not res.first_mismatch:
            res.first_mismatch = f"step {step}: loss {m['loss']!r} vs torch {r['loss']!r}"
        for kind, attr in (('grads', 'max_grad_diff'), ('params', 'max_param_diff')):
            for pname, rv in r[kind].items():
                d = _rel(m[kind][pname], rv)
                setattr(res, attr, max(getattr(res, attr), d))
                if d > tol and not res.first_mismatch:
                    res.first_mismatch = f"step {step}: {kind[:-1]} of {pname} differs by {d:.3g}"
    if ref:
        res.final_loss = (ref[-1]['loss'], mine[-1]['loss'])
    return res
