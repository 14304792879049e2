"""F.linear / nn.Linear against torch: values, gradients, second gradients."""
import pytest

from harness import compare


@pytest.mark.parametrize('shapes', [[(4, 3), (2, 3), (2,)], [(5, 4, 3), (2, 3), (2,)], [(3,), (2, 3), (2,)]])
def test_linear(shapes):
    compare(lambda T, x, w, b: T.nn.functional.linear(x, w, b), shapes)


def test_linear_no_bias():
    compare(lambda T, x, w: T.nn.functional.linear(x, w), [(4, 3), (2, 3)])


def test_linear_shape_error():
    import minitorch
    lin = minitorch.nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match=r'shapes cannot be multiplied \(4x5 and 3x2\)'):
        lin(minitorch.zeros(4, 5))
