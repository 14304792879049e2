# seeds/002 — SimpleNet with a custom Dataset and a DataLoader, as the lesson wrote it for torch.
# Drop-in check: only the import lines differ from the lesson (see README.md). The lesson shows
# fragments; the parts it leaves open (the data, the Dataset's __init__/__len__, the optimizer's
# line, SimpleNet's arguments) are filled in the plainest torch way, marked "(filled in)".
import os
QUICK = os.environ.get('QUICK') == '1'  # shorter runs for the tests

import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.utils.data import Dataset, DataLoader
from sklearn.datasets import load_iris  # (filled in) 4 features, 3 classes


class SimpleNet(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(SimpleNet, self).__init__()
        self.fc1 = nn.Linear(input_size, hidden_size) # 입력 → 은닉층
        self.fc2 = nn.Linear(hidden_size, output_size) # 은닉층 → 출력층

    def forward(self, x):
        x = F.relu(self.fc1(x)) # 첫 번째 레이어 후 ReLU
        x = self.fc2(x) # 두 번째 레이어 통과
        return x


model = SimpleNet(input_size=4, hidden_size=10, output_size=3)


class MyDataset(Dataset):
    def __init__(self, data, labels):  # (filled in)
        self.x = torch.tensor(data, dtype=torch.float32)
        self.y = torch.tensor(labels)

    def __len__(self):  # (filled in)
        return len(self.x)

    def __getitem__(self, idx):
        x_tensor, y_tensor = self.x[idx], self.y[idx]
        return x_tensor, y_tensor


iris = load_iris()  # (filled in)
dataset = MyDataset(iris.data, iris.target)
dataloader = DataLoader(dataset, batch_size=32, shuffle=True)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)  # (filled in) "가장 많이 쓰는 옵티마이저"
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
model.to(device)
num_epochs = 2 if QUICK else 5
for epoch in range(num_epochs): # ❶ 에폭을 5번 반복
    for batch_data, batch_labels in dataloader: # ❷ 데이터로더에서 미니배치를 하나씩 가져옴
        batch_data = batch_data.to(device)
        batch_labels = batch_labels.to(device)
        # Forward pass
        outputs = model(batch_data) # ❸ 모델에 데이터를 넣어서 예측
        loss = loss_fn(outputs, batch_labels) # ❹ 예측값과 정답(label)을 비교해서 loss 계산
        # Backpropagation
        optimizer.zero_grad() # ❺ 그래디언트(미분값) 초기화
        loss.backward() # ❻ loss를 기준으로 모든 파라미터에 대해 미분(역전파)
        # Update weights
        optimizer.step() # ❼ 미분값을 이용해서 파라미터(가중치) 업데이트
    print(f"Epoch {epoch+1}/{num_epochs}, Loss: {loss.item():.4f}") # ❽ 에폭마다 loss 출력
# 저장
torch.save(model.state_dict(), 'model_weights.pth')
# 불러오기
model = SimpleNet(4, 10, 3)  # the lesson writes SimpleNet(...)
model.load_state_dict(torch.load('model_weights.pth'))
model.eval() # 평가 모드로 전환
torch.save(model, 'model.pth')
# torch >= 2.6 loads weights only by default; a whole model needs weights_only=False (the lesson predates it)
model = torch.load('model.pth', weights_only=False)
model.eval()
