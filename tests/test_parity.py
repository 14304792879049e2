"""The parity suite in short mode, and the lessons' published figures that are quick to reach."""
import os

import pytest

from parity.harness import compare, run_engine
from parity.lessons import LESSONS
from parity.run import data_root

MNIST = os.path.isdir(os.path.join(data_root(), 'MNIST', 'raw'))
needs_mnist = pytest.mark.skipif(not MNIST, reason=f"MNIST files not found: put the IDX files in "
                                 f"{os.path.join(data_root(), 'MNIST', 'raw')} or set MINITORCH_DATA")


def _params(name):
    marks = [needs_mnist] if name in ('6', '7') else []
    return [pytest.param(name, dt, marks=marks, id=f"{name}-{dt}") for dt in ('float64', 'float32')]


@pytest.mark.parametrize('name,dtype', [p for n in LESSONS for p in _params(n)])
def test_lesson_matches_torch_step_by_step(name, dtype):
    module = LESSONS[name]
    steps = min(module.STEPS, 50)  # the suite's own short mode: enough steps to catch a drift
    r = compare(name, module, dtype, steps=steps)
    assert r.ok, r.first_mismatch
    assert r.steps == steps or module.STEPS < steps


def test_lesson2_published_figures():
    import minitorch
    run, _ = run_engine(minitorch, LESSONS['2'], 'float32', None, 'cpu', True, {})
    assert round(run.figures['W'], 4) == 1.9708
    assert round(run.figures['b'], 4) == 0.0664


@needs_mnist
def test_lesson6_two_epochs_reaches_86_percent(monkeypatch):
    import minitorch
    from parity.lessons import mnist_softmax
    monkeypatch.setattr(mnist_softmax, 'EPOCHS_FULL', 2, raising=False)
    run, _ = run_engine(minitorch, mnist_softmax, 'float32', None, 'cpu', True, {})
    assert run.figures['test accuracy'] >= 0.86
