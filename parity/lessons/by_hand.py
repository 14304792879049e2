"""Lesson 2 (seeds/003): linear regression by hand, W and b as leaf tensors, SGD(lr=0.01), 1000 steps.
Published figure: W = 1.9708, b = 0.0664."""

TITLE = 'linear regression by hand'
STEPS = 1000
FULL_STEPS = 1000


def lesson(run):
    T = run.T
    x_train = run.tensor([[1.0], [2.0], [3.0]])
    y_train = run.tensor([[2.0], [4.0], [6.0]])
    W = T.zeros(1, dtype=run.dtype, device=run.device, requires_grad=True)
    b = T.zeros(1, dtype=run.dtype, device=run.device, requires_grad=True)
    optimizer = T.optim.SGD([W, b], lr=0.01)
    for _ in range(FULL_STEPS):
        hypothesis = x_train * W + b
        cost = T.mean((hypothesis - y_train) ** 2)
        optimizer.zero_grad()  # the lesson text writes `optimizer = zero_grad()`; this is what it means
        cost.backward()
        optimizer.step()
        run.figure('W', W)
        run.figure('b', b)
        run.step(cost, {'W': W, 'b': b})
