"""Lesson 2b (seeds/003 §2): gradient descent written out by hand, no bias, lr 0.1: W → 2."""

TITLE = 'gradient descent by hand'
STEPS = 20
FULL_STEPS = 20


class _Leaf:
    """Lets the harness record a hand-computed gradient like an autograd one."""

    def __init__(self, value, grad):
        self.value, self.grad = value, grad

    def detach(self):
        return self.value.detach()


def lesson(run):
    T = run.T
    x = run.tensor([[1.0], [2.0], [3.0]])
    y = run.tensor([[2.0], [4.0], [6.0]])
    W = T.zeros(1, dtype=run.dtype, device=run.device)
    lr = 0.1
    for _ in range(FULL_STEPS):
        cost = T.mean((x * W - y) ** 2)
        gradient = 2 * T.mean((W * x - y) * x)
        W -= lr * gradient
        run.figure('W', W)
        run.step(cost, {'W': _Leaf(W, gradient.reshape(1))})
