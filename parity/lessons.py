"""The lessons, each written once against a module ``T`` (torch or minitorch).

A lesson is a generator ``lesson(T, dtype, steps)`` that trains and yields, after every
step, a dict with the step's ``loss`` and the ``grads`` and ``params`` (name -> numpy
array) it saw. The harness runs it in both engines and compares what they yield.
"""
import numpy as np


def _np(t):
    return t.detach().numpy().copy()


def lesson_2b(T, dtype, steps):
    """Lesson 2b (seeds/003 §2): gradient descent by hand on y = 2x, no bias, lr 0.1."""
    x = T.tensor([[1.0], [2.0], [3.0]], dtype=dtype)
    y = T.tensor([[2.0], [4.0], [6.0]], dtype=dtype)
    W = T.zeros(1, dtype=dtype)
    lr = 0.1
    for _ in range(steps):
        cost = T.mean((x * W - y) ** 2)
        gradient = 2 * T.mean((W * x - y) * x)
        W -= lr * gradient
        yield {'loss': float(cost), 'grads': {'W': _np(gradient).reshape(1)}, 'params': {'W': _np(W)}}


def lesson_2(T, dtype, steps):
    """Lesson 2 (seeds/003): linear regression by hand with autograd and SGD(lr=0.01)."""
    x = T.tensor([[1.0], [2.0], [3.0]], dtype=dtype)
    y = T.tensor([[2.0], [4.0], [6.0]], dtype=dtype)
    W = T.zeros(1, dtype=dtype, requires_grad=True)
    b = T.zeros(1, dtype=dtype, requires_grad=True)
    optimizer = T.optim.SGD([W, b], lr=0.01)
    for _ in range(steps):
        hypothesis = x * W + b
        cost = T.mean((hypothesis - y) ** 2)
        optimizer.zero_grad()  # the lesson text writes `optimizer = zero_grad()`; this is what it means
        cost.backward()
        grads = {'W': _np(W.grad), 'b': _np(b.grad)}
        optimizer.step()
        yield {'loss': cost.item(), 'grads': grads, 'params': {'W': _np(W), 'b': _np(b)}}


LESSONS = {
    '2': (lesson_2, 1000),
    '2b': (lesson_2b, 20),
}
