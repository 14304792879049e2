# seeds/001 — a binary classifier on make_blobs, as the lesson wrote it for torch.
# Drop-in check: only the import line and plt.show() differ from the lesson (see README.md).
import os
import matplotlib
matplotlib.use('Agg')  # no window; plt.show() below became plt.savefig
QUICK = os.environ.get('QUICK') == '1'  # shorter runs for the tests

import minitorch as torch
import numpy
from sklearn.datasets import make_blobs
import matplotlib.pyplot as plt
# 학습 데이터 생성을 위해 sklearn, numpy를 import해준다.
# matplotlib는 학습 데이터의 분포, 패턴 시각화를 위한 라이브러리

# 2차원 벡터
n_dim = 2
# 학습을 위한 데이터셋 (80개)
x_train, y_train = make_blobs(n_samples=80, n_features=n_dim, centers=[[1,1],[-1,-1],[1,-1],[-1,1]], shuffle=True, cluster_std=0.3)
# 평가를 위한 데이터셋 (20개)
x_test, y_test = make_blobs(n_samples=20, n_features=n_dim, centers=[[1,1],[-1,-1],[1,-1],[-1,1]], shuffle=True, cluster_std=0.3)


def label_map(y_, from_, to_):
    y = numpy.copy(y_)
    for f in from_:
        y[y_ == f] = to_
    return y


y_train = label_map(y_train, [0, 1], 0)
y_train = label_map(y_train, [2, 3], 1)
y_test = label_map(y_test, [0, 1], 0)
y_test = label_map(y_test, [2, 3], 1)


# 시각화 (0인 데이터는 점, 1인 데이터는 십자가)
def vis_data(x,y = None, c = 'r'):
    if y is None:
        y = [None] * len(x)
    for x_, y_ in zip(x,y):
        if y_ is None:
            plt.plot(x_[0], x_[1], '*',markerfacecolor='none', markeredgecolor=c)
        else:
            plt.plot(x_[0], x_[1], c+'o' if y_ == 0 else c+'+')


plt.figure()
vis_data(x_train, y_train, c='r')
plt.savefig('seed001_binary_classifier.png')
# 학습, 평가용 데이터를 Ndarray에서 Tensor형태로 변경해준다
x_train = torch.FloatTensor(x_train)
print(x_train.shape)
x_test = torch.FloatTensor(x_test)
y_train = torch.FloatTensor(y_train)
y_test = torch.FloatTensor(y_test)


class NeuralNet(torch.nn.Module): # 일반적으로 신경망 모듈을 상속받는 파이썬 클래스로 정의
    def __init__(self, input_size, hidden_size): # 객체 생성시 자동 호출되는 init함수
        super(NeuralNet, self).__init__() # NeuralNet 클래스가 nn.Module의 속성을 갖고 초기화된다.
        self.input_size = input_size # 입력 데이터의 차원
        self.hidden_size = hidden_size # Linear layer 내 은닉 유닛 개수
        self.linear_1 = torch.nn.Linear(self.input_size, self.hidden_size)
        self.relu = torch.nn.ReLU() # activation function ReLU 선언
        self.linear_2 = torch.nn.Linear(self.hidden_size, 1)
        self.sigmoid = torch.nn.Sigmoid() # acitivation function Sigmoid 선언

    def forward(self, input_tensor):# 네트워크를 거칠 때 사용되는 함수
        linear1 = self.linear_1(input_tensor)
        relu = self.relu(linear1)
        linear2 = self.linear_2(relu)
        output = self.sigmoid(linear2)
        return output


#Input size를 2/ hidden_size를 5로 설정한 네트워크 객체 선언
model = NeuralNet(2, 5)
learning_rate = 0.03
# Binary Cross Entropy Loss 함수를 Loss function으로 적용
criterion = torch.nn.BCELoss()
# 전체 학습 데이터를 총 몇번 모델에 입력할지(몇 번 반복학습할지)
epochs = 200 if QUICK else 2000
optimizer = torch.optim.SGD(model.parameters(), lr = learning_rate)
# 아무런 학습을 진행하지 않았을 때의 성능 테스트
model.eval()
test_loss_before = criterion(model(x_test).squeeze(), y_test)
print('Before Training, test loss is {}'.format(test_loss_before.item()))
for epoch in range(epochs):# Epoch만큼 도는 함수
    model.train()
    optimizer.zero_grad()
    train_output = model(x_train)
    train_loss = criterion(train_output.squeeze(), y_train)
    if epoch % 100 == 0:
        print('Train loss at {} is {}'.format(epoch, train_loss.item()))
    train_loss.backward()
    optimizer.step()
# 학습 후의 테스트
model.eval()
test_loss = criterion(torch.squeeze(model(x_test)), y_test)
print('After Training, test loss is {}'.format(test_loss.item()))
torch.save(model.state_dict(), './model.pt')
print('state_dict format of the model: {}'.format(model.state_dict()))
new_model = NeuralNet(2, 5)
new_model.load_state_dict(torch.load('./model.pt'))
new_model.eval()
print('벡터 [-1, 1]이 레이블 1을 가질 확률은 {}'.format(new_model(torch.FloatTensor([-1,1])).item()))
