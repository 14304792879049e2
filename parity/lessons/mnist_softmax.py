"""Lesson 6 (seeds/004): softmax regression on MNIST, nn.Linear(784, 10), CrossEntropyLoss, SGD(lr=0.1),
batch 1000, shuffle, drop_last, 10 epochs. Published figure: test accuracy about 90%."""
from . import _mnist

TITLE = 'softmax regression on MNIST'
STEPS = 5
FULL_STEPS = None
BATCH = 1000
EPOCHS_FULL = 10


def lesson(run):
    import minitorch.vision
    T = run.T
    limit = None if run.full else STEPS * BATCH
    _, mnist_train = _mnist.load(run, True, minitorch.vision.transforms.ToTensor(), limit)
    data_loader = T.utils.data.DataLoader(mnist_train, batch_size=BATCH, sampler=run.order(len(mnist_train)),
                                          drop_last=True)
    linear = run.prepare(T.nn.Linear(784, 10, bias=True))
    loss = T.nn.CrossEntropyLoss().to(run.device)
    SGD = T.optim.SGD(linear.parameters(), lr=0.1)
    epochs = EPOCHS_FULL if run.full else 1
    try:
        for epoch in range(epochs):
            for X, Y in data_loader:
                X = X.view(-1, 28 * 28).to(run.device)
                Y = Y.to(run.device)
                hypothesis = linear(X)
                cost = loss(hypothesis, Y)
                SGD.zero_grad()
                cost.backward()
                SGD.step()
                run.step(cost, linear)
    finally:
        images, labels = _mnist.test_arrays(run, None if run.full else 2000)
        with T.no_grad():
            # the lesson tests on raw 0..255 pixels; the model was trained on ToTensor's 0..1, so divide
            X_test = run.tensor(images).view(-1, 28 * 28).float().to(run.dtype) / 255
            Y_test = run.tensor(labels, integer=True)
            prediction = linear(X_test)
            correct_prediction = T.argmax(prediction, 1) == Y_test
            accuracy = correct_prediction.float().mean()
        run.figure('test accuracy', accuracy)
