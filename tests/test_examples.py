"""Every script in examples/ and examples/torch_style/ runs in quick mode and writes its figures.

Each runs in a subprocess, as a learner would start it, in its own temporary folder; the scripts
start together (a few at a time) because most of their time is Python and matplotlib starting up.
"""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / 'examples'
TORCH_STYLE = EXAMPLES / 'torch_style'
MNIST_FILES = ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte',
               't10k-labels-idx1-ubyte')

# script -> (arguments, files it must write, needs MNIST, text its output must contain)
EXAMPLE_RUNS = {
    'lesson1_linear_regression.py': (['--quick'], ['lesson1_fit.png', 'lesson1_loss.png'], False, []),
    # lesson 2 is quick in full: check the lesson's published figure
    'lesson2_by_hand.py': ([], ['lesson2_params.png', 'lesson2_loss.png'], False,
                           ['W: 1.9708, b: 0.0664', 'W: 2.000']),
    'lesson3_binary_classifier.py': (['--quick'], ['lesson3_boundary.png', 'lesson3_loss.png'], False, []),
    'lesson4_moons_mlp.py': (['--quick'], ['lesson4_boundary.png', 'lesson4_loss.png'], False, []),
    'lesson5_simple_net.py': (['--quick'], ['lesson5_loss.png'], False,
                              ['Reloaded models give the same scores: True']),
    'lesson6_mnist_softmax.py': (['--quick'], ['lesson6_loss.png', 'lesson6_weights.png'], True, ['Accuracy']),
    'lesson7_mnist_cnn.py': (['--quick'], ['lesson7_loss.png', 'lesson7_predictions.png'], True,
                             ['Test accuracy']),
}
# the seeds' code, run as a torch user wrote it; figures land in the working folder
TORCH_STYLE_RUNS = {
    'seed000_linear_regression.py': ({'QUICK': '1'}, ['seed000_linear_regression.png'], False, []),
    'seed000_moons_mlp.py': ({'QUICK': '1'}, [], False, []),
    'seed000_mnist_cnn.py': ({'QUICK': '1'}, [], True, []),
    'seed001_binary_classifier.py': ({'QUICK': '1'}, ['seed001_binary_classifier.png', 'model.pt'], False,
                                     ['After Training']),
    'seed002_simple_net.py': ({'QUICK': '1'}, ['model_weights.pth', 'model.pth'], False, []),
    'seed003_by_hand.py': ({}, [], False, ['W: 1.9708, b: 0.0664']),  # in full, for the published figure
    'seed004_mnist_softmax.py': ({'QUICK': '1'}, [], True, ['Accuracy']),
}


def mnist_root():
    """Where the examples find MNIST (as examples/common.py looks), or None if it is not there."""
    candidates = [os.environ.get('MINITORCH_DATA'), REPO.parent / 'shared' / 'data', REPO / 'data']
    for root in filter(None, candidates):
        raw = Path(root) / 'MNIST' / 'raw'
        if all((raw / n).exists() or (raw / f'{n}.gz').exists() for n in MNIST_FILES):
            return Path(root).resolve()
    return None


def start(script, args, env_extra, folder, root):
    """Run one script in ``folder``; returns the CompletedProcess."""
    env = dict(os.environ, MPLBACKEND='Agg', **env_extra)
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [str(REPO), env.get('PYTHONPATH')]))
    if root is not None:
        env['MINITORCH_DATA'] = str(root)
        # the torch-style scripts keep the lessons' roots, ./data and MNIST_data/
        for name in ('data', 'MNIST_data'):
            (folder / name).mkdir()
            (folder / name / 'MNIST').symlink_to(root / 'MNIST', target_is_directory=True)
    return subprocess.run([sys.executable, str(script), *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope='module')
def runs(request, tmp_path_factory):
    """The selected runs, started together: key -> (future CompletedProcess, output folder)."""
    root = mnist_root()
    selected = {item.originalname + '/' + item.callspec.params['name'] for item in request.session.items
                if item.module is request.module}
    pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
    jobs = {}
    for name, (args, _, needs_mnist, _) in EXAMPLE_RUNS.items():
        if (needs_mnist and root is None) or 'test_example/' + name not in selected:
            continue
        folder = tmp_path_factory.mktemp(name[:-3])
        jobs[name] = (pool.submit(start, EXAMPLES / name, [*args, '--out', str(folder / 'out')], {}, folder,
                                  root), folder / 'out')
    for name, (env, _, needs_mnist, _) in TORCH_STYLE_RUNS.items():
        if (needs_mnist and root is None) or 'test_torch_style/' + name not in selected:
            continue
        folder = tmp_path_factory.mktemp(name[:-3])
        jobs['torch_style/' + name] = (pool.submit(start, TORCH_STYLE / name, [], env, folder, root), folder)
    yield jobs
    pool.shutdown(cancel_futures=True)


def check(runs, key, files, needs_mnist, expected):
    """The run exited with 0, wrote ``files`` and printed ``expected``; skipped without MNIST."""
    if key not in runs:
        assert needs_mnist
        pytest.skip('MNIST not found: set MINITORCH_DATA to a folder holding MNIST/raw/ '
                    '(or put the files in ../shared/data/MNIST/raw/)')
    future, out = runs[key]
    result = future.result()
    assert result.returncode == 0, f'{key} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}'
    for name in files:
        path = out / name
        assert path.is_file() and path.stat().st_size > 0, f'{key} did not write {name}'
    for text in expected:
        assert text in result.stdout, f'{key} did not print {text!r}:\n{result.stdout[-2000:]}'


@pytest.mark.parametrize('name', EXAMPLE_RUNS)
def test_example(runs, name):
    _, files, needs_mnist, expected = EXAMPLE_RUNS[name]
    check(runs, name, files, needs_mnist, expected)


@pytest.mark.parametrize('name', TORCH_STYLE_RUNS)
def test_torch_style(runs, name):
    _, files, needs_mnist, expected = TORCH_STYLE_RUNS[name]
    check(runs, 'torch_style/' + name, files, needs_mnist, expected)
