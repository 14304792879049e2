"""What the lesson scripts share: their command line, where MNIST lives, and their plots.

The lessons themselves stay in their own files; this module only keeps the plumbing out of them.
"""
import argparse
import os

import matplotlib

matplotlib.use('Agg')  # figures go to PNG files; no window is opened
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DPI = 70  # small PNGs: enough to read a curve, a few tens of KB each


def arguments(description, extra=()):
    """Parse ``--quick``, ``--out`` and the ``extra`` options (``(flag, add_argument keywords)``
    pairs), and create the output folder."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--quick', action='store_true',
                        help='a few steps on a small subset (a smoke test, not the lesson)')
    parser.add_argument('--out', default=os.path.join(HERE, 'output'),
                        help='folder for the PNG figures and saved models (default: examples/output/)')
    for flag, options in extra:
        parser.add_argument(flag, **options)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    return args


def mnist_root():
    """The folder holding ``MNIST/raw/``: $MINITORCH_DATA, else ``../shared/data`` beside the
    repository if it exists, else ``./data`` (where ``download=True`` puts the files)."""
    if os.environ.get('MINITORCH_DATA'):
        return os.environ['MINITORCH_DATA']
    shared = os.path.join(REPO, os.pardir, 'shared', 'data')
    return shared if os.path.isdir(shared) else 'data'


def save(fig, out, name):
    """Write ``fig`` to ``out/name`` and say where."""
    path = os.path.join(out, name)
    fig.savefig(path, dpi=DPI, bbox_inches='tight')
    plt.close(fig)
    print(f'saved {path}')


def plot_loss(losses, out, name, title, xlabel='epoch', log=False):
    """A loss curve: one point per recorded step."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(np.arange(1, len(losses) + 1), losses)
    ax.set(title=title, xlabel=xlabel, ylabel='loss')
    if log:
        ax.set_yscale('log')
    ax.grid(alpha=0.3)
    save(fig, out, name)


def plot_boundary(probability, x, y, out, name, title):
    """The data coloured by label over the contour of ``probability(points)``, the model's
    P(label 1) on a grid covering the data (``points`` is an N×2 float32 array)."""
    pad = 0.5
    xs = np.linspace(x[:, 0].min() - pad, x[:, 0].max() + pad, 200)
    ys = np.linspace(x[:, 1].min() - pad, x[:, 1].max() + pad, 200)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    p = probability(grid).reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(5, 4))
    filled = ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap='RdBu_r', alpha=0.6)
    ax.contour(gx, gy, p, levels=[0.5], colors='k', linewidths=1)
    fig.colorbar(filled, ax=ax, label='P(label 1)')
    labels = np.asarray(y).ravel()
    ax.scatter(*x[labels == 0].T, marker='o', s=18, facecolors='none', edgecolors='k', label='label 0')
    ax.scatter(*x[labels == 1].T, marker='+', s=30, c='k', label='label 1')
    ax.set(title=title, xlabel='$x_1$', ylabel='$x_2$')
    ax.legend(loc='upper right', fontsize=8)
    save(fig, out, name)
