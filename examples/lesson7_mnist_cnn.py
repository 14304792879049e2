"""Lesson 7 (seeds/000 §4): a small CNN on MNIST (the lesson reports at least 99% test accuracy).

Two 3×3 convolutions (32 and 64 channels), each followed by ReLU and 2×2 max pooling
(28 -> 14 -> 7), then two linear layers. Adam(lr=0.001), batches of 64, 5 epochs.

On a CPU each batch takes about a second, so the whole lesson (4690 batches) takes over an hour;
--batches 300 trains on the first 300 batches only (19200 images, about 5 minutes: 97.6% test
accuracy). --quick: three batches.

    python examples/lesson7_mnist_cnn.py [--quick] [--batches N] [--out FOLDER]
"""
import time

import matplotlib.pyplot as plt

import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F
import minitorch.optim as optim
from minitorch.utils.data import DataLoader, Subset
from minitorch.vision import datasets, transforms

from common import arguments, mnist_root, plot_loss, save

args = arguments(__doc__, [('--batches', dict(type=int, help='train on N batches in all instead of 5 epochs'))])


class CNN(nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1)   # padding 1 keeps 28×28
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)                    # halves height and width
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, stride=1, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):                     # x: (batch, 1, 28, 28), the channel dimension included
        x = self.pool(F.relu(self.conv1(x)))  # (batch, 32, 14, 14)
        x = self.pool(F.relu(self.conv2(x)))  # (batch, 64, 7, 7)
        x = x.view(-1, 64 * 7 * 7)            # flatten
        x = F.relu(self.fc1(x))
        x = self.fc2(x)                       # one score per digit; CrossEntropyLoss does the softmax
        return x


torch.manual_seed(0)
# ToTensor scales pixels to 0..1; Normalize((0.5,), (0.5,)) maps them to -1..1
transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
root = mnist_root()
train_dataset = datasets.MNIST(root=root, train=True, transform=transform, download=True)
test_dataset = datasets.MNIST(root=root, train=False, transform=transform, download=True)
if args.quick:
    args.batches = 3
    test_dataset = Subset(test_dataset, range(500))
if args.batches:
    train_dataset = Subset(train_dataset, range(args.batches * 64))
train_loader = DataLoader(dataset=train_dataset, batch_size=64, shuffle=True)
test_loader = DataLoader(dataset=test_dataset, batch_size=1000)

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
print(f'device: {device}')
model = CNN().to(device)
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)

num_epochs = 1 if args.batches else 5
losses = []
start = time.time()
for epoch in range(num_epochs):
    model.train()
    for i, (images, labels) in enumerate(train_loader):
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if (i + 1) % 100 == 0:
            print(f'  batch {i + 1}/{len(train_loader)}, loss {loss.item():.4f} ({time.time() - start:.0f} s)')
    print(f'Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item():.4f}')

model.eval()
correct = 0
with torch.no_grad():
    for images, labels in test_loader:
        predicted = torch.argmax(model(images.to(device)), 1)
        correct += (predicted == labels.to(device)).sum().item()
accuracy = correct / len(test_dataset)
print(f'Test accuracy: {accuracy:.4f} ({correct}/{len(test_dataset)})')

plot_loss(losses, args.out, 'lesson7_loss.png', 'Lesson 7: cross-entropy loss per batch', xlabel='batch')

# The first 24 test digits with the model's guesses (red: wrong)
images, labels = next(iter(DataLoader(test_dataset, batch_size=24)))
with torch.no_grad():
    guesses = torch.argmax(model(images.to(device)), 1).cpu()
fig, axes = plt.subplots(3, 8, figsize=(8, 3.6))
for ax, image, label, guess in zip(axes.flat, images, labels, guesses):
    ax.imshow(image[0].numpy(), cmap='gray_r')
    ax.set_title(f'{guess.item()}', color='black' if guess.item() == label.item() else 'red')
    ax.axis('off')
fig.suptitle(f'Lesson 7: predicted digits (test accuracy {accuracy:.1%})')
save(fig, args.out, 'lesson7_predictions.png')
