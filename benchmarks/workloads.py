"""The workloads, each written once against an engine module ``T`` (torch or minitorch).

A workload is ``setup(T, device, size) -> step``: ``setup`` builds everything that is not timed
(model, optimizer, data, the same initial weights in both engines), and ``step()`` does the work
that is timed. Everything is float32, the dtype the lessons train in.
"""
from dataclasses import dataclass, field

import numpy as np

from parity.lessons import binary_classifier, linear_regression, mnist_cnn, moons_mlp

SEED = 0


@dataclass(frozen=True)
class Workload:
    """One benchmark: a setup function and the sizes it runs at.

    ``count(size)`` says how many ``unit``s one step holds (10 ops, 64 samples...): the table
    reports time per unit. ``target`` is the goal for minitorch time / torch time on the CPU,
    ``gpu_target`` the same on CUDA, ``speedup_target`` (a dict size -> goal) the goal for
    minitorch-CPU time / minitorch-CUDA time, and ``memory_target`` the goal for minitorch's
    peak memory / torch's. None: measured, no goal.
    """
    name: str
    what: str
    setup: object
    sizes: tuple
    quick_sizes: tuple
    label: object = str
    unit: str = 'step'
    count: object = lambda size: 1
    target: float = None
    gpu_target: float = None
    speedup_target: dict = field(default_factory=dict)
    memory_target: float = None


# -- helpers shared by the workloads -------------------------------------------------------------

def _array(shape, low=None, high=None):
    """Seeded float32 data: standard normal, or uniform in [low, high)."""
    rng = np.random.default_rng(SEED)
    if low is None:
        return rng.standard_normal(shape, dtype=np.float32)
    return rng.uniform(low, high, shape).astype(np.float32)


def _labels(n, classes=10):
    return np.random.default_rng(SEED + 1).integers(0, classes, n)


def _leaf(T, device, shape):
    """A float32 leaf tensor that requires grad (the input of an op benchmark)."""
    return T.tensor(_array(shape), device=device, requires_grad=True)


def _same_init(T, model, device):
    """Move ``model`` to ``device`` with weights drawn from one seeded numpy stream, identical in
    both engines: uniform(±1/sqrt(fan_in)), torch's default bound; a bias takes its weight's."""
    model = model.to(device)
    rng = np.random.default_rng(SEED)
    state, bound = {}, 1.0
    for name, value in model.state_dict().items():
        shape = tuple(value.shape)
        if len(shape) > 1:
            bound = 1 / np.sqrt(np.prod(shape[1:]))
        state[name] = T.tensor(rng.uniform(-bound, bound, shape).astype(np.float32), device=device)
    model.load_state_dict(state)
    return model


def _train_step(model, criterion, optimizer, x, y, squeeze=False):
    """The lessons' full-batch step: forward, loss, zero_grad, backward, step."""
    def step():
        out = model(x)
        loss = criterion(out.squeeze() if squeeze else out, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return step


# -- per-op overhead -----------------------------------------------------------------------------

def per_op(T, device, size):
    """Ten elementwise ops on size×size tensors, then backward: the engine's fixed cost per op."""
    x, y = _leaf(T, device, (size, size)), _leaf(T, device, (size, size))

    def step():
        x.grad = y.grad = None
        a = x * y
        b = a + x
        c = b.exp()
        d = c * 0.5
        e = d.tanh()
        f = e - y
        g = f.sigmoid()
        h = g * x
        i = h.relu()
        i.sum().backward()
    return step


# -- the lessons (parity/lessons), as they run ---------------------------------------------------

def lesson1(T, device, size):
    """Linear(1, 1), MSELoss, SGD(lr=0.01) on 100 points."""
    x, y = (T.tensor(a.astype(np.float32), device=device) for a in linear_regression.data())
    model = _same_init(T, T.nn.Linear(1, 1), device)
    return _train_step(model, T.nn.MSELoss(), T.optim.SGD(model.parameters(), lr=0.01), x, y)


def lesson3(T, device, size):
    """A 2-5-1 net with ReLU and Sigmoid, BCELoss, SGD(lr=0.03) on 80 blobs."""
    x, y, _, _ = binary_classifier.data()
    x, y = (T.tensor(a.astype(np.float32), device=device) for a in (x, y))
    model = _same_init(T, binary_classifier.make_model(T)(2, 5), device)
    return _train_step(model, T.nn.BCELoss(), T.optim.SGD(model.parameters(), lr=0.03), x, y, squeeze=True)


def lesson4(T, device, size):
    """A 2-10-1 MLP, BCEWithLogitsLoss, Adam(lr=0.001) on 1000 moons."""
    nn = T.nn
    x, y = (T.tensor(a.astype(np.float32), device=device) for a in moons_mlp.data())
    model = _same_init(T, nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 1)), device)
    return _train_step(model, nn.BCEWithLogitsLoss(), T.optim.Adam(model.parameters(), lr=0.001), x, y)


def lesson6_epoch(T, device, size):
    """One epoch of softmax regression: Linear(784, 10), CrossEntropyLoss, SGD(lr=0.1), a shuffling
    DataLoader of batch 1000 with drop_last, over ``size`` random images of MNIST's shape."""
    images = T.tensor(_array((size, 1, 28, 28), 0.0, 1.0))     # ToTensor's range; no files needed
    dataset = T.utils.data.TensorDataset(images, T.tensor(_labels(size)))
    loader = T.utils.data.DataLoader(dataset, batch_size=1000, shuffle=True, drop_last=True)
    linear = _same_init(T, T.nn.Linear(784, 10), device)
    loss = T.nn.CrossEntropyLoss()
    sgd = T.optim.SGD(linear.parameters(), lr=0.1)

    def epoch():
        for X, Y in loader:
            X = X.view(-1, 28 * 28).to(device)
            Y = Y.to(device)
            cost = loss(linear(X), Y)
            sgd.zero_grad()
            cost.backward()
            sgd.step()
    return epoch


def lesson7_step(T, device, batch):
    """One training step of lesson 7's CNN (two conv+relu+pool, two Linear), CrossEntropyLoss,
    Adam(lr=0.001), on a batch of random normalised 28×28 images."""
    x = T.tensor(_array((batch, 1, 28, 28)), device=device)
    y = T.tensor(_labels(batch), device=device)
    model = _same_init(T, mnist_cnn.make_model(T)(), device)
    model.train()
    return _train_step(model, T.nn.CrossEntropyLoss(), T.optim.Adam(model.parameters(), lr=0.001), x, y)


# -- op sweeps: forward + backward ---------------------------------------------------------------

def conv2d(T, device, size):
    """F.conv2d (3×3, padding 1, with bias) forward and backward to input, weight and bias."""
    batch, c_in, c_out, image = size
    x = _leaf(T, device, (batch, c_in, image, image))
    w, b = _leaf(T, device, (c_out, c_in, 3, 3)), _leaf(T, device, (c_out,))
    grad = T.ones(batch, c_out, image, image, device=device)  # made once: no fill is timed

    def step():
        x.grad = w.grad = b.grad = None
        T.nn.functional.conv2d(x, w, b, padding=1).backward(grad)
    return step


def max_pool2d(T, device, size):
    """F.max_pool2d(x, 2) forward and backward."""
    batch, channels, image = size
    x = _leaf(T, device, (batch, channels, image, image))
    grad = T.ones(batch, channels, image // 2, image // 2, device=device)

    def step():
        x.grad = None
        T.nn.functional.max_pool2d(x, 2).backward(grad)
    return step


def matmul(T, device, n):
    """An n×n @ n×n product, forward and backward to both factors."""
    a, b = _leaf(T, device, (n, n)), _leaf(T, device, (n, n))
    grad = T.ones(n, n, device=device)

    def step():
        a.grad = b.grad = None
        (a @ b).backward(grad)
    return step


def _conv_label(size):
    batch, c_in, c_out, image = size
    return f'b{batch} {c_in}->{c_out}ch {image}x{image}'


def _pool_label(size):
    batch, channels, image = size
    return f'b{batch} {channels}ch {image}x{image}'


WORKLOADS = [
    Workload('per_op', 'ten elementwise ops on 4x4 tensors + backward; time per op', per_op,
             sizes=(4,), quick_sizes=(4,), label=lambda n: f'{n}x{n}', unit='op', count=lambda n: 10,
             target=1.0),
    Workload('lesson1', 'Linear(1,1), MSE, SGD; 100 points, full batch', lesson1,
             sizes=(100,), quick_sizes=(100,), label=lambda n: f'{n} pts', target=1.0),
    Workload('lesson3', '2-5-1 ReLU/Sigmoid net, BCE, SGD; 80 points', lesson3,
             sizes=(80,), quick_sizes=(80,), label=lambda n: f'{n} pts', target=1.0),
    Workload('lesson4', '2-10-1 MLP, BCEWithLogits, Adam; 1000 points', lesson4,
             sizes=(1000,), quick_sizes=(1000,), label=lambda n: f'{n} pts', target=1.0),
    Workload('lesson6_epoch', 'Linear(784,10), CE, SGD; DataLoader batch 1000, one epoch', lesson6_epoch,
             sizes=(60000,), quick_sizes=(2000,), label=lambda n: f'{n} imgs', unit='epoch', target=1.2),
    Workload('lesson7_step', 'CNN training step (Adam), batch 64', lesson7_step,
             sizes=(64,), quick_sizes=(8,), label=lambda b: f'batch {b}', target=1.5, gpu_target=2.0,
             memory_target=1.5),
    Workload('conv2d', 'F.conv2d 3x3 pad 1, forward + backward', conv2d,
             sizes=((1, 1, 8, 7), (64, 1, 32, 28), (64, 32, 64, 14), (128, 3, 16, 56), (8, 64, 128, 14),
                    (1, 128, 128, 28), (16, 128, 128, 7)),
             quick_sizes=((1, 1, 8, 7), (4, 3, 8, 14)), label=_conv_label, target=1.5),
    Workload('max_pool2d', 'F.max_pool2d 2x2, forward + backward', max_pool2d,
             sizes=((1, 1, 7), (64, 32, 28), (64, 64, 14), (128, 3, 56), (8, 128, 56), (1, 128, 14)),
             quick_sizes=((1, 1, 7), (4, 8, 14)), label=_pool_label, target=1.5),
    Workload('matmul', 'n x n @ n x n, forward + backward', matmul,
             sizes=(4, 16, 64, 256, 512, 1024), quick_sizes=(4, 32), label=lambda n: f'{n}x{n}'),
    Workload('lesson7_scaling', 'lesson 7 CNN step; time per sample against batch size', lesson7_step,
             sizes=(1, 4, 16, 64, 256), quick_sizes=(1, 4), label=lambda b: f'batch {b}', unit='sample',
             count=lambda b: b, speedup_target={256: 20.0}),
]
