"""Smoke tests of ``python -m benchmarks``: it runs and writes its results. No timing is asserted."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import minitorch
from benchmarks.workloads import WORKLOADS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(*args):
    return subprocess.run([sys.executable, '-m', 'benchmarks', *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_quick_per_op_writes_json(tmp_path):
    done = _run('--quick', '--only', 'per_op', '--repeat', '1', '--out', str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert 'per_op' in done.stdout and 'ratio' in done.stdout
    results = json.loads((tmp_path / 'results.json').read_text())
    (row,) = results['rows']
    assert row['workload'] == 'per_op' and set(row['time']) == {'torch', 'minitorch'}
    assert row['target'] == 1.0 and row['memory']['minitorch'] > 0
    assert results['machine']['threads'] >= 1
    assert (tmp_path / 'table.md').exists()


@pytest.mark.skipif(minitorch.cuda.is_available(), reason='a GPU is present')
def test_cuda_without_gpu_exits_2(tmp_path):
    done = _run('--device', 'cuda', '--quick', '--out', str(tmp_path))
    assert done.returncode == 2
    assert 'cupy' in done.stderr


# lesson7_scaling reuses lesson7_step's setup: one check of each setup is enough
SETUPS = list({w.setup: w for w in WORKLOADS}.values())


@pytest.mark.parametrize('workload', SETUPS, ids=lambda w: w.name)
def test_every_workload_steps_in_both_engines(workload):
    for T in (torch, minitorch):
        workload.setup(T, 'cpu', workload.quick_sizes[0])()


def test_same_initial_weights_in_both_engines():
    from benchmarks.workloads import _same_init
    states = [_same_init(T, T.nn.Linear(3, 2), 'cpu').state_dict() for T in (torch, minitorch)]
    for key in states[0]:
        np.testing.assert_array_equal(states[0][key].numpy(), states[1][key].numpy())
