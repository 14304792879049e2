# seeds/003 — linear regression by hand, then gradient descent by hand, as the lesson wrote them
# for torch. Drop-in check: only the import lines differ from the lesson (see README.md). The full
# training code is a picture in the lesson; it is the lesson's pieces put together.
import os
QUICK = os.environ.get('QUICK') == '1'  # shorter runs for the tests

import minitorch as torch
import minitorch.optim as optim

# 1. Linear Regression
x_train = torch.FloatTensor([[1], [2], [3]])
y_train = torch.FloatTensor([[2], [4], [6]])
W = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
optimizer = optim.SGD([W, b], lr=0.01) # Stochastic Gradient Descent
nb_epochs = 100 if QUICK else 1000
for epoch in range(1, nb_epochs + 1):
    hypothesis = x_train * W + b
    cost = torch.mean((hypothesis - y_train) ** 2)
    # the lesson writes `optimizer = zero_grad()`, a slip for:
    optimizer.zero_grad() # gradient 초기화
    cost.backward() # gradient 계산
    optimizer.step() # 계산된 gradient 값을 사용하여 W, b 업데이트
    if epoch % 100 == 0:
        print('Epoch {:4d}/{} W: {:.4f}, b: {:.4f} Cost: {:.6f}'.format(epoch, nb_epochs, W.item(), b.item(), cost.item()))

# 2. Gradient Descent (no bias)
W = torch.zeros(1)
lr = 0.1
nb_epochs = 10
for epoch in range(nb_epochs + 1):
    hypothesis = x_train * W
    cost = torch.mean((hypothesis - y_train) ** 2)
    gradient = 2 * torch.mean((W * x_train - y_train) * x_train)
    print('Epoch {:4d}/{} W: {:.3f}, Cost: {:.6f}'.format(epoch, nb_epochs, W.item(), cost.item()))
    W -= lr * gradient
