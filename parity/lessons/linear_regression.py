"""Lesson 1 (seeds/000 §2.1): nn.Linear(1, 1) fitted to y = 2.5x + noise with MSELoss and SGD(lr=0.01)."""
import numpy as np

TITLE = 'linear regression'
STEPS = 100        # short mode: the whole lesson (100 full-batch epochs)
FULL_STEPS = 100


def data():
    np.random.seed(42)
    x = np.random.rand(100, 1) * 10
    y = 2.5 * x + np.random.randn(100, 1)
    return x, y


def lesson(run):
    T = run.T
    nn, optim = T.nn, T.optim
    x_numpy, y_numpy = data()
    x_train, y_train = run.tensor(x_numpy), run.tensor(y_numpy)

    model = run.prepare(nn.Linear(1, 1))
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    for epoch in range(FULL_STEPS):
        model.train()
        y_pred = model(x_train)
        loss = criterion(y_pred, y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        run.figure('weight', model.weight)
        run.figure('bias', model.bias)
        run.step(loss, model)
