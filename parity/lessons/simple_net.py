"""Lesson 5 (seeds/002): SimpleNet(4, 10, 3) with F.relu on a custom Dataset (iris), CrossEntropyLoss,
Adam, 5 epochs of DataLoader(batch_size=32, shuffle=True), ``.to(device)``; the state_dict and the
whole model saved and loaded back."""
import os

TITLE = 'SimpleNet + Dataset/DataLoader'
STEPS = 10
FULL_STEPS = None  # 5 epochs of 150 samples in batches of 32: 25 steps


def data():
    from sklearn.datasets import load_iris
    iris = load_iris()
    return iris.data, iris.target


def classes(T):
    nn, F = T.nn, T.nn.functional

    class SimpleNet(nn.Module):
        def __init__(self, input_size, hidden_size, output_size):
            super(SimpleNet, self).__init__()
            self.fc1 = nn.Linear(input_size, hidden_size)
            self.fc2 = nn.Linear(hidden_size, output_size)

        def forward(self, x):
            x = F.relu(self.fc1(x))
            x = self.fc2(x)
            return x

    class MyDataset(T.utils.data.Dataset):
        def __init__(self, x, y):
            self.x, self.y = x, y

        def __len__(self):
            return len(self.x)

        def __getitem__(self, idx):
            return self.x[idx], self.y[idx]

    return SimpleNet, MyDataset


SimpleNet = None  # set per engine by lesson(); module level so whole-model pickling finds the class


def lesson(run):
    global SimpleNet
    T = run.T
    device = run.device
    SimpleNet, MyDataset = classes(T)
    SimpleNet.__qualname__ = 'SimpleNet'
    SimpleNet.__module__ = __name__
    x_np, y_np = data()
    dataset = MyDataset(run.tensor(x_np).cpu(), run.tensor(y_np, integer=True).cpu())
    # shuffle=True in the lesson; here a sampler gives both engines the same order each epoch
    dataloader = T.utils.data.DataLoader(dataset, batch_size=32, sampler=run.order(len(dataset)))
    model = run.prepare(SimpleNet(input_size=4, hidden_size=10, output_size=3))
    model.to(device)
    loss_fn = T.nn.CrossEntropyLoss()
    optimizer = T.optim.Adam(model.parameters())
    try:
        for epoch in range(5):
            for batch_data, batch_labels in dataloader:
                batch_data = batch_data.to(device)
                batch_labels = batch_labels.to(device)
                outputs = model(batch_data)
                loss = loss_fn(outputs, batch_labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                run.step(loss, model)
    finally:
        model.eval()
        X = run.tensor(x_np)
        with T.no_grad():
            before = model(X)
        folder = run.tmpdir()
        T.save(model.state_dict(), os.path.join(folder, 'model_weights.pth'))
        reloaded = SimpleNet(4, 10, 3).to(run.dtype).to(device)
        reloaded.load_state_dict(T.load(os.path.join(folder, 'model_weights.pth')))
        reloaded.eval()
        T.save(model, os.path.join(folder, 'model.pth'))
        whole = T.load(os.path.join(folder, 'model.pth'), weights_only=False)  # trusted file: our own
        whole.eval()
        with T.no_grad():
            same = (reloaded(X) == before).all() and (whole(X) == before).all()
            accuracy = (T.argmax(before, 1) == run.tensor(y_np, integer=True)).float().mean()
        run.figure('reload identical', bool(same))
        run.figure('train accuracy', accuracy)
