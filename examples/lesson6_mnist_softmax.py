"""Lesson 6 (seeds/004): softmax regression on MNIST, one nn.Linear(784, 10), about 90% accuracy.

Each 28×28 image is flattened to 784 pixel values; CrossEntropyLoss applies the softmax.
SGD(lr=0.1), mini-batches of 1000, 10 epochs.

    python examples/lesson6_mnist_softmax.py [--quick] [--out FOLDER]
"""
import matplotlib.pyplot as plt

import minitorch as torch
from minitorch.utils.data import DataLoader, Subset
from minitorch.vision import datasets, transforms

from common import arguments, mnist_root, plot_loss, save

args = arguments(__doc__)

batch_size = 1000
root = mnist_root()
mnist_train = datasets.MNIST(root=root, train=True, transform=transforms.ToTensor(), download=True)
mnist_test = datasets.MNIST(root=root, train=False, transform=transforms.ToTensor(), download=True)
if args.quick:
    mnist_train = Subset(mnist_train, range(5 * batch_size))
data_loader = DataLoader(mnist_train, batch_size=batch_size, shuffle=True, drop_last=True)

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
print(f'device: {device}')
linear = torch.nn.Linear(784, 10, bias=True).to(device)
loss = torch.nn.CrossEntropyLoss().to(device)
SGD = torch.optim.SGD(linear.parameters(), lr=0.1)

total_batch = len(data_loader)  # 60 = 60000 / 1000
training_epochs = 1 if args.quick else 10
epoch_costs = []
for epoch in range(training_epochs):
    total_cost = 0
    for X, Y in data_loader:
        X = X.view(-1, 28 * 28).to(device)  # (1000, 1, 28, 28) -> (1000, 784)
        Y = Y.to(device)                    # class indices 0..9, not one-hot
        hypothesis = linear(X)
        cost = loss(hypothesis, Y)
        SGD.zero_grad()
        cost.backward()
        SGD.step()
        total_cost += cost.item()  # .item(): a number, so the sum keeps no graph alive
    avg_cost = total_cost / total_batch
    epoch_costs.append(avg_cost)
    print('Epoch:', '%03d' % (epoch + 1), 'cost =', '{:.9f}'.format(avg_cost))

with torch.no_grad():
    # the lesson text tests on raw 0..255 pixels; the model was trained on ToTensor's 0..1, so divide
    X_test = mnist_test.data.view(-1, 28 * 28).float().to(device) / 255
    Y_test = mnist_test.targets.to(device)
    prediction = linear(X_test)
    correct_prediction = torch.argmax(prediction, 1) == Y_test
    accuracy = correct_prediction.float().mean()
    print('Accuracy: ', accuracy.item())

plot_loss(epoch_costs, args.out, 'lesson6_loss.png', 'Lesson 6: average cross-entropy per epoch')

# Each output unit's 784 weights, seen as a 28×28 image: the template it matches digits against
templates = linear.weight.detach().cpu().numpy().reshape(10, 28, 28)
fig, axes = plt.subplots(2, 5, figsize=(7.5, 3.4))
for digit, ax in enumerate(axes.flat):
    limit = abs(templates[digit]).max()
    ax.imshow(templates[digit], cmap='RdBu_r', vmin=-limit, vmax=limit, interpolation='nearest')
    ax.set_title(str(digit))
    ax.axis('off')
fig.suptitle(f'Lesson 6: the weights of each digit (test accuracy {accuracy.item():.1%})')
save(fig, args.out, 'lesson6_weights.png')
