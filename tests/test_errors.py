"""Learners' common mistakes raise torch's error types with torch's messages (and a hint)."""
import pytest
import torch

import minitorch

BOTH = pytest.mark.parametrize('T', [torch, minitorch], ids=['torch', 'minitorch'])


@BOTH
def test_backward_twice(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


@BOTH
def test_backward_non_scalar_without_gradient(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()


@BOTH
def test_gradient_of_wrong_shape(T):
    x = T.tensor([[1.0, 2.0]], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of"):
        (x * 2).backward(T.ones(2))


@BOTH
def test_requires_grad_on_integer_tensor(T):
    with pytest.raises(RuntimeError, match="(?i)only Tensors of floating point"):
        T.tensor([1, 2, 3]).requires_grad_()
    with pytest.raises(RuntimeError, match="(?i)only Tensors of floating point"):
        T.tensor([1, 2, 3], requires_grad=True)


@BOTH
def test_item_on_many_elements(T):
    with pytest.raises(RuntimeError, match="a Tensor with 3 elements cannot be converted to Scalar"):
        T.ones(3).item()


@BOTH
def test_numpy_on_tensor_that_requires_grad(T):
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        T.ones(3, requires_grad=True).numpy()
    assert T.ones(3, requires_grad=True).detach().numpy().sum() == 3.0


@BOTH
def test_backward_on_tensor_without_grad(T):
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
        T.ones(3).sum().backward()
    x = T.ones(3, requires_grad=True)
    with T.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


@BOTH
def test_grad_of_input_that_does_not_require_grad(T):
    x, c = T.ones(2, requires_grad=True), T.ones(2)
    with pytest.raises(RuntimeError, match="One of the differentiated Tensors does not require grad"):
        T.autograd.grad((x * c).sum(), [c])


@BOTH
def test_requires_grad_false_on_non_leaf(T):
    y = T.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)


@BOTH
def test_retain_grad_without_requires_grad(T):
    with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"):
        T.ones(2).retain_grad()


@BOTH
def test_inplace_on_leaf(T):
    x = T.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        x.mul_(2)


@BOTH
def test_modified_by_inplace(T):
    x = T.ones(2, requires_grad=True)
    y = x.sigmoid()
    y.mul_(2)
    with pytest.raises(RuntimeError, match="one of the variables needed for gradient computation has been modified "
                                           "by an inplace operation"):
        y.sum().backward()


@BOTH
def test_backward_inputs_empty(T):
    x = T.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="`inputs` argument to `backward\\(\\)` cannot be empty"):
        (x * 2).sum().backward(inputs=[])


@BOTH
def test_unused_input_in_grad(T):
    x, z = T.ones(2, requires_grad=True), T.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="The differentiated Tensor at index 1 appears to not have been used"):
        T.autograd.grad((x * 2).sum(), [x, z])


def test_messages_say_how_to_fix():
    """minitorch's messages add a hint after torch's text."""
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"out.sum\(\).backward\(\)"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="no_grad"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y = (x * x).sum()
        y.backward()
        y.backward()
