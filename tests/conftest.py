import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import pytest  # noqa: E402

import minitorch  # noqa: E402
import simdevice  # noqa: E402,F401  (registers the test-only 'sim' device)
from minitorch.autograd import function as _function  # noqa: E402

# Stub every input a node says it does not read, however small: an op whose ``saves`` forgets
# an input that its backward reads then gets zeros there and fails its comparison with torch.
_function.STUB_BYTES = 0

# Where device-parametrised tests run: the CPU, the simulated device (numpy posing as an
# accelerator, so the device plumbing is tested everywhere) and CUDA where a GPU is usable.
DEVICES = ['cpu', 'sim',
           pytest.param('cuda', marks=pytest.mark.skipif(not minitorch.cuda.is_available(),
                                                         reason='needs a CUDA GPU and cupy'))]


@pytest.fixture(params=DEVICES)
def device(request):
    """A device name to run the test on: 'cpu', 'sim' (test-only), 'cuda' (skipped without a GPU)."""
    return request.param
