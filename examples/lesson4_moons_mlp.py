"""Lesson 4 (seeds/000 §3): a 2-10-1 MLP separates two interleaved half-moons.

The model outputs a logit; BCEWithLogitsLoss applies the sigmoid inside the loss (more stable
than Sigmoid + BCELoss). Adam(lr=0.001), 1000 full-batch epochs.

    python examples/lesson4_moons_mlp.py [--quick] [--out FOLDER]
"""
from sklearn.datasets import make_moons

import minitorch as torch
import minitorch.nn as nn
import minitorch.optim as optim

from common import arguments, plot_boundary, plot_loss

args = arguments(__doc__)


class NeuralNetwork(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(NeuralNetwork, self).__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)   # hidden layer
        self.fc2 = nn.Linear(hidden_size, output_size)  # output layer: one logit
        self.relu = nn.ReLU()

    def forward(self, x):
        out = self.fc1(x)
        out = self.relu(out)
        out = self.fc2(out)
        return out


# the lesson leaves the generator unseeded; a fixed random_state keeps the figures reproducible
x, y = make_moons(n_samples=1000, noise=0.2, random_state=42)
x_train = torch.FloatTensor(x)
y_train = torch.FloatTensor(y).view(-1, 1)  # (1000,) -> (1000, 1), the model's output shape

model = NeuralNetwork(input_size=2, hidden_size=10, output_size=1)
criterion = nn.BCEWithLogitsLoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)

num_epochs = 100 if args.quick else 1000
losses = []
for epoch in range(num_epochs):
    model.train()
    y_pred = model(x_train)
    loss = criterion(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if (epoch + 1) % 100 == 0:
        print(f'Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item():.4f}')

model.eval()
with torch.no_grad():
    accuracy = ((model(x_train) > 0).float() == y_train).float().mean()  # logit > 0 <=> P > 0.5
print(f'Train accuracy: {accuracy.item():.3f}')


def probability(grid):
    """P(label 1) at each point of the grid: the sigmoid of the model's logit."""
    with torch.no_grad():
        return torch.sigmoid(model(torch.from_numpy(grid))).squeeze(1).numpy()


plot_boundary(probability, x, y, args.out, 'lesson4_boundary.png',
              f'Lesson 4: moons, train accuracy {accuracy.item():.1%}')
plot_loss(losses, args.out, 'lesson4_loss.png', 'Lesson 4: BCE-with-logits loss')
