"""What a lesson sees of the harness: one engine, one dtype, and the hooks that keep the
two engines in step (same initial weights, same batches in the same order)."""
import os

import numpy as np

# Steps of the short mode: enough to exercise every op of the lesson, quick in both engines.
SEED = 0


class Budget(Exception):
    """Raised by ``Run.step`` once the step budget is spent; the harness catches it."""


class Run:
    """One lesson in one engine.

    ``T`` is the engine module (torch or minitorch); ``shared`` is a dict the torch run fills
    (initial weights, data) and the minitorch run reads, so both start from the same state.
    """

    def __init__(self, T, dtype, steps, device='cpu', full=False, shared=None, progress=None):
        self.T = T
        self.dtype_name = dtype
        self.dtype = getattr(T, dtype)
        self.steps = steps            # None: no budget (full mode)
        self.device = T.device(device)
        self.full = full
        self.shared = {} if shared is None else shared
        self.is_reference = T.__name__ == 'torch'
        self.records = []             # one dict per optimizer step
        self.figures = {}             # the lesson's published numbers (accuracy, W, b, ...)
        self.progress = progress

    # -- building the lesson ---------------------------------------------------------------------
    def tensor(self, array, integer=False):
        """A numpy array as a tensor of this run's dtype (or int64 labels) on this run's device."""
        dtype = self.T.int64 if integer else self.dtype
        return self.T.tensor(np.asarray(array), dtype=dtype, device=self.device)

    def prepare(self, model, key='model'):
        """Move ``model`` to this run's dtype and device, and give it torch's initial weights."""
        model = model.to(self.device).to(self.dtype)
        store = self.shared.setdefault('init', {})
        if self.is_reference:
            store[key] = {k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()}
        elif key in store:  # (a minitorch run on its own keeps its own initial weights)
            model.load_state_dict({k: self.T.tensor(v, device=self.device) for k, v in store[key].items()})
        return model

    def order(self, n, name='order'):
        """A sampler giving the same pseudo-random permutation of range(n) to both engines,
        a new one each epoch (this replaces ``shuffle=True``, whose streams differ by engine)."""
        return EpochPermutations(n, self.shared, name)

    # -- recording -------------------------------------------------------------------------------
    def step(self, loss, params):
        """Record one optimizer step (call it after ``optimizer.step()``): the loss, each
        parameter's gradient and its new value. Raises ``Budget`` when the budget is spent."""
        rec = {'loss': float(loss.item()) if hasattr(loss, 'item') else float(loss), 'grads': {}, 'params': {}}
        if not self.full:  # full mode compares figures only: keeping every step's tensors would fill memory
            named = params.named_parameters() if hasattr(params, 'named_parameters') else params.items()
            for name, p in named:
                if p.grad is not None:
                    rec['grads'][name] = p.grad.detach().cpu().numpy().copy()
                rec['params'][name] = p.detach().cpu().numpy().copy()
        self.records.append(rec)
        if self.progress is not None:
            self.progress(len(self.records))
        if self.steps is not None and len(self.records) >= self.steps:
            raise Budget

    def figure(self, name, value):
        """Report one of the lesson's published numbers."""
        self.figures[name] = float(value.item()) if hasattr(value, 'item') else float(value)

    def tmpdir(self):
        import tempfile
        d = self.shared.get('tmpdir')
        if d is None:
            d = self.shared['tmpdir'] = tempfile.mkdtemp(prefix='parity-')
        path = os.path.join(d, self.T.__name__)
        os.makedirs(path, exist_ok=True)
        return path


class EpochPermutations:
    """An index sampler: the k-th iteration yields the k-th permutation of a seeded stream,
    identical in both engines."""

    def __init__(self, n, shared, name):
        self.n = n
        self.perms = shared.setdefault('perms:' + name, [])
        self.rng = shared.setdefault('rng:' + name, np.random.default_rng(SEED))
        self.epoch = 0

    def __iter__(self):
        while len(self.perms) <= self.epoch:
            self.perms.append(self.rng.permutation(self.n))
        perm = self.perms[self.epoch]
        self.epoch += 1
        return iter(perm.tolist())

    def __len__(self):
        return self.n


def data_root():
    """Where MNIST lives: $MINITORCH_DATA, the shared folder beside the repository, or ./data."""
    env = os.environ.get('MINITORCH_DATA')
    if env:
        return env
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    shared = os.path.join(os.path.dirname(here), 'shared', 'data')
    if os.path.isdir(os.path.join(shared, 'MNIST', 'raw')):
        return shared
    return os.path.join(here, 'data')
