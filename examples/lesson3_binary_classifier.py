"""Lesson 3 (seeds/001): a 2-5-1 network (ReLU, Sigmoid) learns which of four blobs belong together.

Labels 0 and 1 (blobs at (1, 1) and (-1, -1)) become class 0, labels 2 and 3 (at (1, -1) and
(-1, 1)) class 1: an XOR that no straight line separates. BCELoss, SGD(lr=0.03), 2000 epochs;
then the state_dict is saved, loaded into a new model, and asked about the point [-1, 1].

    python examples/lesson3_binary_classifier.py [--quick] [--out FOLDER]
"""
import os

import numpy
from sklearn.datasets import make_blobs

import minitorch as torch

from common import arguments, plot_boundary, plot_loss

args = arguments(__doc__)

n_dim = 2
centers = [[1, 1], [-1, -1], [1, -1], [-1, 1]]
# the lesson leaves the generator unseeded; a fixed random_state keeps the figures reproducible
x_train, y_train = make_blobs(n_samples=80, n_features=n_dim, centers=centers, shuffle=True, cluster_std=0.3,
                              random_state=0)
x_test, y_test = make_blobs(n_samples=20, n_features=n_dim, centers=centers, shuffle=True, cluster_std=0.3,
                            random_state=1)


def label_map(y_, from_, to_):
    """A copy of ``y_`` where every label in ``from_`` becomes ``to_``."""
    y = numpy.copy(y_)
    for f in from_:
        y[y_ == f] = to_
    return y


y_train = label_map(label_map(y_train, [0, 1], 0), [2, 3], 1)
y_test = label_map(label_map(y_test, [0, 1], 0), [2, 3], 1)
points, labels = x_train, y_train  # numpy copies for the plot

x_train = torch.FloatTensor(x_train)
print(x_train.shape)
x_test = torch.FloatTensor(x_test)
y_train = torch.FloatTensor(y_train)
y_test = torch.FloatTensor(y_test)


class NeuralNet(torch.nn.Module):
    def __init__(self, input_size, hidden_size):
        super(NeuralNet, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.linear_1 = torch.nn.Linear(self.input_size, self.hidden_size)
        self.relu = torch.nn.ReLU()
        self.linear_2 = torch.nn.Linear(self.hidden_size, 1)
        self.sigmoid = torch.nn.Sigmoid()

    def forward(self, input_tensor):
        linear1 = self.linear_1(input_tensor)
        relu = self.relu(linear1)
        linear2 = self.linear_2(relu)
        return self.sigmoid(linear2)  # P(label 1)


model = NeuralNet(2, 5)
learning_rate = 0.03
criterion = torch.nn.BCELoss()
epochs = 200 if args.quick else 2000
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

model.eval()
test_loss_before = criterion(model(x_test).squeeze(), y_test)  # squeeze: (20, 1) -> (20,) like y_test
print('Before Training, test loss is {}'.format(test_loss_before.item()))

losses = []
for epoch in range(epochs):
    model.train()
    optimizer.zero_grad()
    train_output = model(x_train)
    train_loss = criterion(train_output.squeeze(), y_train)
    losses.append(train_loss.item())
    if epoch % 100 == 0:
        print('Train loss at {} is {}'.format(epoch, train_loss.item()))
    train_loss.backward()
    optimizer.step()

model.eval()
test_loss = criterion(torch.squeeze(model(x_test)), y_test)
print('After Training, test loss is {}'.format(test_loss.item()))

path = os.path.join(args.out, 'lesson3_model.pt')
torch.save(model.state_dict(), path)
print('state_dict format of the model: {}'.format(model.state_dict()))

new_model = NeuralNet(2, 5)
new_model.load_state_dict(torch.load(path))
new_model.eval()
print('P(label 1 | [-1, 1]) = {}'.format(new_model(torch.FloatTensor([-1, 1])).item()))


def probability(grid):
    """The trained model's P(label 1) at each point of the grid."""
    with torch.no_grad():
        return new_model(torch.from_numpy(grid)).squeeze(1).numpy()


plot_boundary(probability, points, labels, args.out, 'lesson3_boundary.png',
              f'Lesson 3: after {epochs} epochs, test loss {test_loss.item():.3f}')
plot_loss(losses, args.out, 'lesson3_loss.png', 'Lesson 3: BCE loss (train)')
