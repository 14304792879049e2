"""Lesson 4 (seeds/000 §3): a 2-10-1 MLP on make_moons(1000, noise=0.2), BCEWithLogitsLoss,
Adam(lr=0.001), 1000 full-batch epochs."""

TITLE = 'MLP on moons'
STEPS = 200
FULL_STEPS = 1000


def data():
    from sklearn.datasets import make_moons
    x, y = make_moons(n_samples=1000, noise=0.2, random_state=42)
    return x, y.reshape(-1, 1)


def lesson(run):
    T = run.T
    nn = T.nn
    x_np, y_np = data()
    X, y = run.tensor(x_np), run.tensor(y_np)
    model = run.prepare(nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 1)))
    criterion = nn.BCEWithLogitsLoss()
    optimizer = T.optim.Adam(model.parameters(), lr=0.001)
    for epoch in range(FULL_STEPS):
        outputs = model(X)
        loss = criterion(outputs, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        run.step(loss, model)
    with T.no_grad():
        accuracy = ((model(X) > 0).float() == y).float().mean()
    run.figure('train accuracy', accuracy)
