"""Lesson 7 (seeds/000 §4): a two-conv CNN on MNIST (ToTensor + Normalize(0.5, 0.5)), CrossEntropyLoss,
Adam(lr=0.001), batch 64, 5 epochs. Published figure: test accuracy at least 99%."""
from . import _mnist

TITLE = 'CNN on MNIST'
STEPS = 3
FULL_STEPS = None
BATCH = 64


def make_model(T):
    nn = T.nn

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1)
            self.relu = nn.ReLU()
            self.pool = nn.MaxPool2d(2)
            self.conv2 = nn.Conv2d(32, 64, kernel_size=3, stride=1, padding=1)
            self.fc1 = nn.Linear(64 * 7 * 7, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = self.pool(self.relu(self.conv1(x)))
            x = self.pool(self.relu(self.conv2(x)))
            x = x.view(-1, 64 * 7 * 7)
            x = self.relu(self.fc1(x))
            return self.fc2(x)
    return CNN


def lesson(run):
    import minitorch.vision
    T = run.T
    tf = minitorch.vision.transforms
    transform = run.shared.setdefault('cnn-transform', tf.Compose([tf.ToTensor(), tf.Normalize((0.5,), (0.5,))]))
    limit = None if run.full else STEPS * BATCH
    _, train_set = _mnist.load(run, True, transform, limit)
    train_loader = T.utils.data.DataLoader(train_set, batch_size=BATCH, sampler=run.order(len(train_set)))
    model = run.prepare(make_model(T)())
    criterion = T.nn.CrossEntropyLoss()
    optimizer = T.optim.Adam(model.parameters(), lr=0.001)
    epochs = 5 if run.full else 1
    try:
        for epoch in range(epochs):
            model.train()
            for images, labels in train_loader:
                images, labels = images.to(run.device), labels.to(run.device)
                outputs = model(images)
                loss = criterion(outputs, labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                run.step(loss, model)
    finally:
        model.eval()
        images, labels = _mnist.test_arrays(run, None if run.full else 500)
        correct = 0
        with T.no_grad():
            for i in range(0, len(images), 1000):
                x = run.tensor((images[i:i + 1000, None] / 255.0 - 0.5) / 0.5)
                pred = model(x).argmax(1)
                correct += (pred == run.tensor(labels[i:i + 1000], integer=True)).sum().item()
        run.figure('test accuracy', correct / len(images))
