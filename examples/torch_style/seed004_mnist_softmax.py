# seeds/004 — softmax regression on MNIST, as the lesson wrote it for torch.
# Drop-in check: only the import lines differ from the lesson (see README.md), plus the device line
# (the lesson assumes a GPU) and the test-set slip, both marked. MNIST is read from
# ./MNIST_data/MNIST/raw/ (download=True fetches it when missing and the network allows).
import os
QUICK = os.environ.get('QUICK') == '1'  # shorter runs for the tests

import minitorch as torch
import minitorch.vision as torchvision

batch_size = 1000
mnist_train = torchvision.datasets.MNIST(root="MNIST_data/", train=True, transform=torchvision.transforms.ToTensor(), download=True)
mnist_test = torchvision.datasets.MNIST(root="MNIST_data/", train=False, transform=torchvision.transforms.ToTensor(), download=True)
if QUICK:  # five batches instead of 60 per epoch
    mnist_train = torch.utils.data.Subset(mnist_train, range(5 * batch_size))
data_loader = torch.utils.data.DataLoader(mnist_train, batch_size=batch_size, shuffle=True, drop_last=True)
# the lesson writes torch.device("cuda:0"), which fails on a machine without a GPU (in torch too)
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
linear = torch.nn.Linear(784, 10, bias=True).to(device)
loss = torch.nn.CrossEntropyLoss().to(device)
SDG = torch.optim.SGD(linear.parameters(), lr=0.1)
total_batch = len(data_loader) # 60 = 60000 / 1000 (total / batch_size)
training_epochs = 1 if QUICK else 10
for epoch in range(training_epochs):
    total_cost = 0
    for X, Y in data_loader:
        X = X.view(-1, 28 * 28).to(device)
        Y = Y.to(device)
        hypothesis = linear(X)
        cost = loss(hypothesis, Y)
        SDG.zero_grad()
        cost.backward()
        SDG.step()
        total_cost += cost
    avg_cost = total_cost / total_batch
    print("Epoch:", "%03d" % (epoch+1), "cost =", "{:.9f}".format(avg_cost))
with torch.no_grad():
    # the lesson forgets to scale the raw 0..255 pixels to ToTensor's 0..1 used in training: / 255
    X_test = mnist_test.data.view(-1, 28 * 28).float().to(device) / 255
    Y_test = mnist_test.targets.to(device)
    prediction = linear(X_test)
    correct_prediction = torch.argmax(prediction, 1) == Y_test
    accuracy = correct_prediction.float().mean()
    print("Accuracy: ", accuracy.item())
