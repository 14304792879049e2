"""Lesson 5 (seeds/002): SimpleNet on a custom Dataset served by a DataLoader, on the GPU if any.

Iris (150 flowers, 4 measurements, 3 species) stands in for the lesson's unnamed data. The
model ends without a softmax: CrossEntropyLoss takes the raw scores (LogSoftmax + NLLLoss).
After training, the model is saved twice, as a state_dict and whole, and loaded back.

    python examples/lesson5_simple_net.py [--quick] [--out FOLDER]
"""
import os

from sklearn.datasets import load_iris

import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F
import minitorch.optim as optim
from minitorch.utils.data import Dataset, DataLoader

from common import arguments, plot_loss

args = arguments(__doc__)


class SimpleNet(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(SimpleNet, self).__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)   # input -> hidden
        self.fc2 = nn.Linear(hidden_size, output_size)  # hidden -> output (one score per class)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return x


class MyDataset(Dataset):
    """Samples as (features, label) pairs: float32 features, an int64 class index."""

    def __init__(self, data, labels):
        self.x = torch.tensor(data, dtype=torch.float32)
        self.y = torch.tensor(labels)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]


torch.manual_seed(0)  # the same weights and batches on every run
iris = load_iris()
dataset = MyDataset(iris.data, iris.target)
dataloader = DataLoader(dataset, batch_size=32, shuffle=True)

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
print(f'device: {device}')
model = SimpleNet(input_size=4, hidden_size=10, output_size=3)
model.to(device)
loss_fn = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)

# the lesson's 5 epochs are only 25 small steps: the loss has barely started to fall (100 epochs
# reach about 87% train accuracy)
num_epochs = 2 if args.quick else 5
losses = []
for epoch in range(num_epochs):
    model.train()
    for batch_data, batch_labels in dataloader:
        batch_data = batch_data.to(device)  # the model and its inputs must be on the same device
        batch_labels = batch_labels.to(device)
        outputs = model(batch_data)
        loss = loss_fn(outputs, batch_labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    print(f'Epoch {epoch + 1}/{num_epochs}, Loss: {loss.item():.4f}')

model.eval()
x_all, y_all = dataset.x.to(device), dataset.y.to(device)
with torch.no_grad():
    scores = model(x_all)
accuracy = (torch.argmax(scores, 1) == y_all).float().mean()
print(f'Train accuracy: {accuracy.item():.3f}')

# Saving: the state_dict (weights only, the safe and flexible way) ...
weights_path = os.path.join(args.out, 'lesson5_model_weights.pth')
torch.save(model.state_dict(), weights_path)
reloaded = SimpleNet(4, 10, 3)
reloaded.load_state_dict(torch.load(weights_path))
reloaded.to(device)
reloaded.eval()  # eval() after loading, before predicting
# ... or the whole model, pickled with its class: loading it runs code, so torch (and minitorch)
# ask for weights_only=False, to be given only for files you trust
model_path = os.path.join(args.out, 'lesson5_model.pth')
torch.save(model, model_path)
whole = torch.load(model_path, weights_only=False)
whole.eval()
with torch.no_grad():
    same = torch.equal(reloaded(x_all), scores) and torch.equal(whole(x_all), scores)
print(f'Reloaded models give the same scores: {same}')

plot_loss(losses, args.out, 'lesson5_loss.png', 'Lesson 5: cross-entropy loss per batch', xlabel='batch')
