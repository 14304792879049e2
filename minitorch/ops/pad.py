"""``F.pad`` in constant mode: the gradient of padding is the slice that removes it."""
from ..autograd.function import Op
from .._backend import xp_of


class ConstantPad(Op):
    backward_name = 'ConstantPadNdBackward0'
    saves = ()

    def __init__(self, widths, value):
        self.widths, self.value = widths, value  # numpy-style ((before, after), ...) per dim, all >= 0

    def forward(self, a):
        return xp_of(a).pad(a, self.widths, constant_values=self.value)

    def backward(self, grad):
        index = tuple(slice(b, grad.shape[i] - e) for i, (b, e) in enumerate(self.widths))
        return (grad[index],)


def pad(input, pad, mode='constant', value=None):
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left, right, top, bottom, ...)`` starting from the
    last dim, as torch. Negative amounts crop. Only ``mode='constant'`` is supported."""
    if mode != 'constant':
        raise NotImplementedError(f"minitorch's pad supports mode='constant' only, got mode={mode!r}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    n = len(pad) // 2
    if n > input.dim():
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.dim()}")
    widths = [(0, 0)] * input.dim()
    for k in range(n):
        widths[input.dim() - 1 - k] = (int(pad[2 * k]), int(pad[2 * k + 1]))
    crop = tuple(slice(max(-b, 0), input.shape[i] - max(-e, 0)) for i, (b, e) in enumerate(widths))
    if any(b < 0 or e < 0 for b, e in widths):
        input = input[crop]
        widths = [(max(b, 0), max(e, 0)) for b, e in widths]
    return ConstantPad(tuple(widths), 0 if value is None else value)(input)
