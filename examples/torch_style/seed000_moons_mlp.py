# seeds/000 §3 — an MLP on make_moons, as the lesson wrote it for torch.
# Drop-in check: only the import lines differ from the lesson (see README.md).
import os
QUICK = os.environ.get('QUICK') == '1'  # shorter runs for the tests

# the lesson's imports (its §2.1 made them for the whole page)
import minitorch as torch
import minitorch.nn as nn
import minitorch.optim as optim


class NeuralNetwork(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(NeuralNetwork, self).__init__()
        self.fc1 = nn.Linear(input_size, hidden_size) # 첫 번째 은닉층
        self.fc2 = nn.Linear(hidden_size, output_size) # 출력층
        self.relu = nn.ReLU() # 활성화 함수

    def forward(self, x):
        out = self.fc1(x)
        out = self.relu(out)
        out = self.fc2(out)
        return out
# 데이터셋 준비
from sklearn.datasets import make_moons
x, y = make_moons(n_samples=1000, noise=0.2)
# NumPy 배열을 PyTorch 텐서로 변환
x_train = torch.FloatTensor(x)
y_train = torch.FloatTensor(y).view(-1, 1)
# 모델, 손실 함수, 옵티마이저 정의
input_size = 2
hidden_size = 10
output_size = 1
model = NeuralNetwork(input_size, hidden_size, output_size)
criterion = nn.BCEWithLogitsLoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)
# 학습 과정
num_epochs = 200 if QUICK else 1000
for epoch in range(num_epochs):
    model.train()
    # 예측값 계산
    y_pred = model(x_train)
    # 손실 계산
    loss = criterion(y_pred, y_train)
    # 기울기 초기화, 역전파 및 경량화
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    # 경과된 손실 출력
    if (epoch + 1) % 100 == 0:
        print(f'Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item():.4f}')
