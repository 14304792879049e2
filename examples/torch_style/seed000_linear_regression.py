# seeds/000 §2.1 — linear regression, as the lesson wrote it for torch.
# Drop-in check: only the import lines and plt.show() differ from the lesson (see README.md).
import os
import matplotlib
matplotlib.use('Agg')  # no window; plt.show() below became plt.savefig
QUICK = os.environ.get('QUICK') == '1'  # shorter runs for the tests

import minitorch as torch
import minitorch.nn as nn
import minitorch.optim as optim
import numpy as np
import matplotlib.pyplot as plt
# 데이터 생성
np.random.seed(42)
x_numpy = np.random.rand(100, 1) * 10 # 0부터 10까지의 랜덤 수
y_numpy = 2.5 * x_numpy + np.random.randn(100, 1) # y = 2.5x + noise
# NumPy 배열을 PyTorch 텐서로 변환
x_train = torch.FloatTensor(x_numpy)
y_train = torch.FloatTensor(y_numpy)
# 선형 회귀 모델 정의
model = nn.Linear(1, 1)
# 손실 함수와 옵티마이저 정의
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)
# 학습 과정
num_epochs = 20 if QUICK else 100
for epoch in range(num_epochs):
    model.train()
    # 예측값 계산
    y_pred = model(x_train)
    # 손실 계산
    loss = criterion(y_pred, y_train)
    # 경과된 손실 출력
    if (epoch + 1) % 10 == 0:
        print(f'Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item():.4f}')
    # 기울기 초기화, 역전파 및 경량화
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
# 예측 시각화
plt.scatter(x_numpy, y_numpy, label='Data')
plt.plot(x_numpy, model(x_train).detach().numpy(), color='red', label='Prediction')
plt.legend()
plt.savefig('seed000_linear_regression.png')
