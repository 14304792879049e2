"""The lessons of LESSONS.md, each written once against an engine module ``T``."""
from . import (linear_regression, by_hand, gradient_descent, binary_classifier, moons_mlp, simple_net,
               mnist_softmax, mnist_cnn)

# name -> module (TITLE, STEPS for the short mode, lesson(run))
LESSONS = {
    '1': linear_regression,
    '2': by_hand,
    '2b': gradient_descent,
    '3': binary_classifier,
    '4': moons_mlp,
    '5': simple_net,
    '6': mnist_softmax,
    '7': mnist_cnn,
}
