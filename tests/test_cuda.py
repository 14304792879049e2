"""The real GPU, through cupy: skipped where ``minitorch.cuda.is_available()`` is False.

The device-parametrised tests (test_device.py and friends) run their 'cuda' cases on such a
machine too; this file holds what only a GPU can show: cupy arrays, cuRAND draws, memory
figures, and a training loop whose memory stays flat.
"""
import io

import numpy as np
import pytest

import minitorch
from minitorch import nn

pytestmark = pytest.mark.skipif(not minitorch.cuda.is_available(), reason='needs a CUDA GPU and cupy')


def test_cuda_module_reports_the_gpu():
    assert minitorch.cuda.device_count() >= 1
    assert minitorch.cuda.current_device() == 0
    x = minitorch.ones(3, device='cuda')
    minitorch.cuda.synchronize()
    assert x.is_cuda and x.device == minitorch.device('cuda', 0) and str(x.device) == 'cuda:0'
    assert type(x.array).__module__.startswith('cupy')
    assert x.cpu().numpy().tolist() == [1.0, 1.0, 1.0]


def test_random_draws_on_the_gpu_are_reproducible():
    import cupy
    minitorch.manual_seed(7)
    a = [minitorch.randn(1000, device='cuda'), minitorch.rand(10, device='cuda'),
         minitorch.randint(0, 5, (10,), device='cuda'), minitorch.randperm(10, device='cuda')]
    minitorch.cuda.manual_seed(7)
    minitorch.manual_seed(7)
    b = [minitorch.randn(1000, device='cuda'), minitorch.rand(10, device='cuda'),
         minitorch.randint(0, 5, (10,), device='cuda'), minitorch.randperm(10, device='cuda')]
    for x, y in zip(a, b):
        assert isinstance(x.array, cupy.ndarray)  # drawn by cuRAND, not copied from the host
        assert x.tolist() == y.tolist()
    assert abs(float(a[0].mean())) < 0.2 and abs(float(a[0].std()) - 1) < 0.1


def test_errors_name_cuda():
    x = minitorch.ones(2, device='cuda')
    with pytest.raises(RuntimeError, match='found at least two devices, cuda:0 and cpu!'):
        x + minitorch.ones(2)
    with pytest.raises(TypeError, match=r"can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu\(\)"):
        x.numpy()
    assert (x + minitorch.tensor(2.0)).tolist() == [3.0, 3.0]  # a 0-d CPU tensor acts as a number


def test_checkpoint_from_the_gpu_loads_on_cpu_and_in_torch():
    torch = pytest.importorskip('torch')
    model = nn.Linear(3, 2).cuda()
    buf = io.BytesIO()
    minitorch.save(model.state_dict(), buf)
    buf.seek(0)
    assert minitorch.load(buf)['weight'].is_cuda
    buf.seek(0)
    assert minitorch.load(buf, map_location='cpu')['weight'].device.type == 'cpu'
    buf.seek(0)
    theirs = torch.load(buf, map_location='cpu', weights_only=True)
    np.testing.assert_array_equal(theirs['weight'].numpy(), model.weight.detach().cpu().numpy())


def test_max_memory_allocated_is_a_high_water_mark():
    minitorch.cuda.empty_cache()
    before = minitorch.cuda.memory_allocated()
    minitorch.cuda.reset_peak_memory_stats()
    big = minitorch.empty(8 * 1024 * 1024, device='cuda')  # 32 MiB
    assert minitorch.cuda.memory_allocated() >= before + big.nbytes
    del big
    assert minitorch.cuda.memory_allocated() < before + 1024 * 1024
    assert minitorch.cuda.max_memory_allocated() >= before + 8 * 1024 * 1024 * 4
    minitorch.cuda.reset_peak_memory_stats()
    assert minitorch.cuda.max_memory_allocated() < before + 1024 * 1024
    assert minitorch.cuda.memory_reserved() >= minitorch.cuda.memory_allocated()


def test_training_loop_memory_is_steady_over_1000_steps():
    minitorch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Dropout(0.1), nn.Linear(4 * 3 * 3, 10)).cuda()
    opt = minitorch.optim.Adam(model.parameters(), lr=1e-3)
    x = minitorch.randn(16, 1, 8, 8, device='cuda')
    y = minitorch.randint(0, 10, (16,), device='cuda')
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(20):  # warm up: optimizer state and cupy's pool settle
        step()
    minitorch.cuda.synchronize()
    settled = minitorch.cuda.memory_allocated()
    minitorch.cuda.reset_peak_memory_stats()
    for _ in range(1000):
        loss = step()
    minitorch.cuda.synchronize()
    assert float(loss) < 2.3
    # no graph or pool leak: what is held after 1,000 steps is what was held after 20
    assert minitorch.cuda.memory_allocated() <= settled + 64 * 1024
    assert minitorch.cuda.max_memory_allocated() < settled + 4 * 1024 * 1024
