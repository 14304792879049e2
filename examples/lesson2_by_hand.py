"""Lesson 2 (seeds/003): linear regression by hand, with W and b as plain tensors.

Part 1 lets autograd and optim.SGD find W and b (the lesson's figure: W = 1.9708, b = 0.0664
after 1000 steps); part 2 (lesson 2b) computes the gradient of the cost by hand, without a bias.

    python examples/lesson2_by_hand.py [--quick] [--out FOLDER]
"""
import matplotlib.pyplot as plt

import minitorch as torch
import minitorch.optim as optim

from common import arguments, save

args = arguments(__doc__)

x_train = torch.FloatTensor([[1], [2], [3]])
y_train = torch.FloatTensor([[2], [4], [6]])

# Part 1: hypothesis = x * W + b, cost = mean squared error, SGD on [W, b]
W = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
optimizer = optim.SGD([W, b], lr=0.01)

nb_epochs = 100 if args.quick else 1000
costs, Ws, bs = [], [], []
for epoch in range(1, nb_epochs + 1):
    hypothesis = x_train * W + b
    cost = torch.mean((hypothesis - y_train) ** 2)
    optimizer.zero_grad()  # the lesson text writes `optimizer = zero_grad()`; this is what it means
    cost.backward()
    optimizer.step()
    costs.append(cost.item())
    Ws.append(W.item())
    bs.append(b.item())
    if epoch % 100 == 0:
        print(f'Epoch {epoch:4d}/{nb_epochs} W: {W.item():.4f}, b: {b.item():.4f} Cost: {cost.item():.6f}')

# Part 2 (lesson 2b): no bias, and the gradient of the cost written out: d cost / dW = 2 mean((Wx - y) x)
W = torch.zeros(1)
lr = 0.1
gd_steps = 10
gd_costs, gd_Ws = [], [W.item()]
for epoch in range(gd_steps + 1):
    hypothesis = x_train * W
    cost = torch.mean((hypothesis - y_train) ** 2)
    gradient = 2 * torch.mean((W * x_train - y_train) * x_train)
    print(f'Epoch {epoch:4d}/{gd_steps} W: {W.item():.3f}, Cost: {cost.item():.6f}')
    gd_costs.append(cost.item())
    W -= lr * gradient
    gd_Ws.append(W.item())

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
left.plot(range(1, nb_epochs + 1), Ws, label='W')
left.plot(range(1, nb_epochs + 1), bs, label='b')
left.axhline(2, color='grey', ls=':')
left.axhline(0, color='grey', ls=':')
left.set(title=f'SGD: W = {Ws[-1]:.4f}, b = {bs[-1]:.4f}', xlabel='step')
left.legend()
right.plot(range(len(gd_Ws)), gd_Ws, 'o-', label='W')
right.axhline(2, color='grey', ls=':')
right.set(title='Gradient descent by hand (2b): W → 2', xlabel='step')
right.legend()
save(fig, args.out, 'lesson2_params.png')

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
left.semilogy(range(1, nb_epochs + 1), costs)
left.set(title='Lesson 2: cost (SGD on W, b)', xlabel='step', ylabel='cost')
right.semilogy(range(len(gd_costs)), [max(c, 1e-12) for c in gd_costs], 'o-')  # 0 has no logarithm
right.set(title='Lesson 2b: cost (gradient by hand)', xlabel='step')
for ax in (left, right):
    ax.grid(alpha=0.3)
save(fig, args.out, 'lesson2_loss.png')
