"""Lesson 3 (seeds/001): a 2-5-1 network with ReLU and Sigmoid on make_blobs, BCELoss, SGD(lr=0.03),
2000 epochs; test loss before and after; the state_dict saved to a .pt file and loaded into a new
model, which gives P(label 1 | [-1, 1])."""
import os

import numpy as np

TITLE = 'binary classifier'
STEPS = 200
FULL_STEPS = 2000
CENTERS = [[1, 1], [-1, -1], [1, -1], [-1, 1]]


def label_map(y_, from_, to_):
    y = np.copy(y_)
    for f in from_:
        y[y_ == f] = to_
    return y


def data():
    from sklearn.datasets import make_blobs
    # the lesson leaves the generator unseeded; parity needs the same points in both engines
    x_train, y_train = make_blobs(n_samples=80, n_features=2, centers=CENTERS, shuffle=True, cluster_std=0.3,
                                  random_state=0)
    x_test, y_test = make_blobs(n_samples=20, n_features=2, centers=CENTERS, shuffle=True, cluster_std=0.3,
                                random_state=1)
    y_train = label_map(label_map(y_train, [0, 1], 0), [2, 3], 1)
    y_test = label_map(label_map(y_test, [0, 1], 0), [2, 3], 1)
    return x_train, y_train, x_test, y_test


def make_model(T):
    class NeuralNet(T.nn.Module):
        def __init__(self, input_size, hidden_size):
            super(NeuralNet, self).__init__()
            self.input_size = input_size
            self.hidden_size = hidden_size
            self.linear_1 = T.nn.Linear(self.input_size, self.hidden_size)
            self.relu = T.nn.ReLU()
            self.linear_2 = T.nn.Linear(self.hidden_size, 1)
            self.sigmoid = T.nn.Sigmoid()

        def forward(self, input_tensor):
            linear1 = self.linear_1(input_tensor)
            relu = self.relu(linear1)
            linear2 = self.linear_2(relu)
            return self.sigmoid(linear2)
    return NeuralNet


def lesson(run):
    T = run.T
    x_np, y_np, xt_np, yt_np = data()
    x_train, y_train, x_test, y_test = (run.tensor(a) for a in (x_np, y_np, xt_np, yt_np))
    NeuralNet = make_model(T)
    model = run.prepare(NeuralNet(2, 5))
    criterion = T.nn.BCELoss()
    optimizer = T.optim.SGD(model.parameters(), lr=0.03)

    model.eval()
    run.figure('test loss before', criterion(model(x_test).squeeze(), y_test))
    try:
        for epoch in range(FULL_STEPS):
            model.train()
            optimizer.zero_grad()
            train_output = model(x_train)
            train_loss = criterion(train_output.squeeze(), y_train)
            train_loss.backward()
            optimizer.step()
            run.step(train_loss, model)
    finally:  # also after a short run: the save/load round trip is part of the lesson
        model.eval()
        run.figure('test loss after', criterion(T.squeeze(model(x_test)), y_test))
        path = os.path.join(run.tmpdir(), 'model.pt')
        T.save(model.state_dict(), path)
        new_model = NeuralNet(2, 5).to(run.dtype)
        new_model.load_state_dict(T.load(path))
        new_model.eval()
        point = T.tensor([-1.0, 1.0], dtype=run.dtype)
        run.figure('P(label 1 | [-1, 1])', new_model(point))
