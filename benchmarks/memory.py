"""Peak memory of one step, two ways.

1. Traced: the allocations the engine's arrays make during one step, over what was allocated
   when the step began. minitorch's arrays are numpy's, and numpy reports its buffers to
   ``tracemalloc`` (which also counts the Python objects of the graph); torch's CPU allocator
   is invisible to ``tracemalloc``, so for torch the same figure comes from ``torch.profiler``'s
   memory events (tensor storage only). On CUDA both engines report through
   ``T.cuda.max_memory_allocated``. Tracing starts one step earlier, so that buffers freed
   during the measured step (the previous step's gradients) are seen being freed.
2. RSS: the resident-set high-water mark (VmHWM) of a fresh process that imports one engine,
   sets the workload up and runs two steps (``python -m benchmarks.memory``): the whole
   footprint, library included, and how far the steps pushed it above what setup reached.
"""
import contextlib
import itertools
import json
import os
import resource
import subprocess
import sys
import tracemalloc


def traced_peak(engine, step):
    """Peak bytes allocated during one step, over the bytes allocated when it began."""
    if engine.device.startswith('cuda'):
        return _cuda_peak(engine.T, step)
    if engine.T.__name__ == 'torch':
        return _torch_cpu_peak(engine.T, step)
    return _tracemalloc_peak(step)


def _tracemalloc_peak(step):
    tracemalloc.start()
    try:
        step()
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        step()
        return tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()


def _torch_cpu_peak(torch, step):
    from torch.profiler import ProfilerActivity, profile, record_function
    with _quiet_stderr(), profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        step()
        with record_function('measured step'):
            step()
    events, window = [], None
    nodes = list(prof.profiler.kineto_results.experimental_event_tree())
    while nodes:
        node = nodes.pop()
        nodes.extend(node.children)
        if node.name == 'measured step':
            window = (node.start_time_ns, node.end_time_ns)
        elif type(node.extra_fields).__name__ == '_ExtraFields_Allocation' and node.extra_fields.device.type == 'cpu':
            events.append((node.start_time_ns, node.extra_fields.alloc_size))  # negative: a free
    events.sort()
    during = [size for t, size in events if window[0] <= t <= window[1]]
    return max(itertools.accumulate(during, initial=0))


@contextlib.contextmanager
def _quiet_stderr():
    """Silence file descriptor 2: the profiler's C++ side logs every start and stop there, and
    warns that the model's weights were allocated before it started (which is the point)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, 'w') as null:
        os.dup2(null.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _cuda_peak(T, step):
    step()
    T.cuda.synchronize()
    T.cuda.reset_peak_memory_stats()
    start = T.cuda.memory_allocated()
    step()
    T.cuda.synchronize()
    return T.cuda.max_memory_allocated() - start


def rss_peak(workload, size, engine, threads):
    """Run ``workload`` at ``size`` in a fresh process of ``engine`` ('torch' or 'minitorch') on
    the CPU; returns {'peak': bytes, 'growth': bytes} or {'error': message}."""
    env = dict(os.environ, **thread_env(threads))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cmd = [sys.executable, '-m', 'benchmarks.memory', workload, json.dumps(size), engine]
    done = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        return {'error': done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'failed'}
    return json.loads(done.stdout.strip().splitlines()[-1])


def thread_env(threads):
    """Environment variables that cap every thread pool (OpenMP, OpenBLAS, MKL) at ``threads``;
    they must be set before numpy or torch is imported."""
    n = str(threads)
    return {'OMP_NUM_THREADS': n, 'OPENBLAS_NUM_THREADS': n, 'MKL_NUM_THREADS': n}


def _peak_rss_bytes():
    """This process's resident-set high-water mark. Linux's VmHWM belongs to this program
    image; ``ru_maxrss`` would not do on Linux, where it carries the parent's peak across
    fork and exec (a child of a 2 GiB parent reports 2 GiB)."""
    if os.path.exists('/proc/self/status'):
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) * 1024
    scale = 1 if sys.platform == 'darwin' else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _child(name, size, engine):
    """The fresh process of ``rss_peak``: one engine, one workload, two steps."""
    import importlib
    from .workloads import WORKLOADS
    T = importlib.import_module(engine)
    setup = next(w.setup for w in WORKLOADS if w.name == name)
    step = setup(T, 'cpu', tuple(size) if isinstance(size, list) else size)
    after_setup = _peak_rss_bytes()
    step()
    step()
    peak = _peak_rss_bytes()
    print(json.dumps({'peak': peak, 'growth': peak - after_setup}))


if __name__ == '__main__':
    _child(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3])
