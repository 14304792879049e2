"""The one runner that times every workload: each engine's step, engines alternating, medians."""
import gc
import math
import statistics
import time
from collections import namedtuple

Engine = namedtuple('Engine', 'label T device')


def synchronizer(engine):
    """What waits for queued GPU work, so a timing covers the kernels and not only their launch
    (nothing to wait for on the CPU). Both engines spell it ``T.cuda.synchronize``."""
    if engine.device.startswith('cuda'):
        return engine.T.cuda.synchronize
    return lambda: None


def time_calls(step, number, sync):
    """Seconds per call of ``step``, over ``number`` back-to-back calls."""
    sync()
    start = time.perf_counter()
    for _ in range(number):
        step()
    sync()
    return (time.perf_counter() - start) / number


def measure(steps, repeat, min_time):
    """Time each engine's step: ``steps`` maps an engine label to ``(step, sync)``.

    Each step is first run once as a warm-up (lazy initialisation, caches, allocator growth), and
    once more if that was quick, to choose how many calls one repeat makes (at least
    ``min_time`` seconds' worth, so the clock's resolution does not matter). Then ``repeat``
    rounds time every engine in turn, the order reversed every other round so neither engine
    always runs right after the other. The garbage collector stays on, as in a lesson, but
    is emptied before each round.

    Returns ``({label: [seconds per call, one per round]}, {label: calls per round})``.
    """
    number = {}
    for label, (step, sync) in steps.items():
        seconds = time_calls(step, 1, sync)
        if seconds < min_time:
            seconds = time_calls(step, 1, sync)
        number[label] = max(1, math.ceil(min_time / max(seconds, 1e-9)))
    samples = {label: [] for label in steps}
    order = list(steps)
    for r in range(repeat):
        for label in (order if r % 2 == 0 else order[::-1]):
            step, sync = steps[label]
            gc.collect()
            samples[label].append(time_calls(step, number[label], sync))
    return samples, number


def median(values):
    return statistics.median(values) if values else None
