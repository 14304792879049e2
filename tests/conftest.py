import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import pytest  # noqa: E402

import minitorch  # noqa: E402
import simdevice  # noqa: E402,F401  (registers the test-only 'sim' device)

# Where device-parametrised tests run: the CPU, the simulated device (numpy posing as an
# accelerator, so the device plumbing is tested everywhere) and CUDA where a GPU is usable.
DEVICES = ['cpu', 'sim',
           pytest.param('cuda', marks=pytest.mark.skipif(not minitorch.cuda.is_available(),
                                                         reason='needs a CUDA GPU and cupy'))]


@pytest.fixture(params=DEVICES)
def device(request):
    """A device name to run the test on: 'cpu', 'sim' (test-only), 'cuda' (skipped without a GPU)."""
    return request.param
