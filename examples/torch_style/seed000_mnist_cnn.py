# seeds/000 §4 — a CNN on MNIST, as the lesson wrote it for torch.
# Drop-in check: only the import lines differ from the lesson (see README.md). MNIST is read
# from ./data/MNIST/raw/ (download=True fetches it when missing and the network allows).
import os
QUICK = os.environ.get('QUICK') == '1'  # shorter runs for the tests

# the lesson's imports (its §2.1 made them for the whole page; it uses F without importing it)
import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F
import minitorch.optim as optim


class CNN(nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1) # 첫 번째 합성곱 층
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2) # 풀링 층
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, stride=1, padding=1) # 두 번째 합성곱 층
        self.fc1 = nn.Linear(64 * 7 * 7, 128) # 첫 번째 완전 연결층
        self.fc2 = nn.Linear(128, 10) # 출력층

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x))) # 첫 번째 합성곱 + 풀링
        x = self.pool(F.relu(self.conv2(x))) # 두 번째 합성곱 + 풀링
        x = x.view(-1, 64 * 7 * 7) # 평탄화
        x = F.relu(self.fc1(x)) # 첫 번째 완전 연결층
        x = self.fc2(x) # 출력층
        return x
# 예제 데이터 로드 (MNIST)
import minitorch.vision.transforms as transforms
from minitorch.vision import datasets
transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
train_dataset = datasets.MNIST(root='./data', train=True, transform=transform, download=True)
if QUICK:  # three batches instead of 938 per epoch
    train_dataset = torch.utils.data.Subset(train_dataset, range(3 * 64))
train_loader = torch.utils.data.DataLoader(dataset=train_dataset, batch_size=64, shuffle=True)
# 모델, 손실 함수 및 옵티마이저 정의
model = CNN()
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)
# 학습 과정
num_epochs = 1 if QUICK else 5
for epoch in range(num_epochs):
    for images, labels in train_loader:
        optimizer.zero_grad() # 기울기 초기화
        outputs = model(images) # 예측값 계산
        loss = criterion(outputs, labels) # 손실 계산
        loss.backward() # 역전파 수행
        optimizer.step() # 가중치 갱신
    print(f'Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item():.4f}')
