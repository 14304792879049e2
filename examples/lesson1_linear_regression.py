"""Lesson 1 (seeds/000 §2.1): fit y = 2.5x + noise with nn.Linear(1, 1), MSELoss and SGD.

    python examples/lesson1_linear_regression.py [--quick] [--out FOLDER]
"""
import numpy as np
import matplotlib.pyplot as plt

import minitorch as torch
import minitorch.nn as nn
import minitorch.optim as optim

from common import arguments, plot_loss, save

args = arguments(__doc__)

# Data: 100 points on a line of slope 2.5, with unit Gaussian noise
np.random.seed(42)
x_numpy = np.random.rand(100, 1) * 10
y_numpy = 2.5 * x_numpy + np.random.randn(100, 1)
x_train = torch.FloatTensor(x_numpy)
y_train = torch.FloatTensor(y_numpy)

model = nn.Linear(1, 1)
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)

num_epochs = 20 if args.quick else 100
losses = []
for epoch in range(num_epochs):
    model.train()
    y_pred = model(x_train)
    loss = criterion(y_pred, y_train)
    losses.append(loss.item())
    if (epoch + 1) % 10 == 0:
        print(f'Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item():.4f}')
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

w, b = model.weight.item(), model.bias.item()
print(f'Fitted line: y = {w:.4f} x + {b:.4f}')

# The data and the fitted line
fig, ax = plt.subplots(figsize=(5, 3.6))
ax.scatter(x_numpy, y_numpy, s=12, label='Data')
order = np.argsort(x_numpy[:, 0])
ax.plot(x_numpy[order], model(x_train).detach().numpy()[order], color='red',
        label=f'Prediction: y = {w:.2f}x {b:+.2f}')
ax.set(title='Lesson 1: linear regression', xlabel='x', ylabel='y')
ax.legend()
save(fig, args.out, 'lesson1_fit.png')
plot_loss(losses, args.out, 'lesson1_loss.png', 'Lesson 1: MSE loss', log=True)
