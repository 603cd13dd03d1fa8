"""Self-checks for notebook 11 (Bayesian neural networks, PyMC with deep-learning components).

Each checker recomputes the answer independently of the notebook's solution: the coverage with
:func:`helpers.bnn.interval_coverage`, the gradient with ``torch.autograd`` on the torch function
itself (no PyTensor), and the accuracy from the classifier network the notebook passes in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers import check
from helpers.bnn import interval_coverage
from helpers.exercises import Answer, Exercise

#: The parameter value at which exercise 11-2 asks for the gradient.
THETA_14_2 = (1.5, 1.0)


def _coverage_80_expected(*, draws: Any, y: Any) -> float:
    return float(interval_coverage(draws, y, 0.8))


def _coverage_80(answer: Any, *, draws: Any, y: Any) -> None:
    expected = _coverage_80_expected(draws=draws, y=y)
    check.close(answer, expected, atol=1e-9, name="coverage of the central 80% interval")


def _sse_gradient_expected(*, fn: Any, y: Any) -> np.ndarray:
    import torch

    theta = torch.tensor(THETA_14_2, dtype=torch.float64, requires_grad=True)
    sse = ((torch.as_tensor(np.asarray(y, dtype=float)) - fn(theta)) ** 2).sum()
    (gradient,) = torch.autograd.grad(sse, theta)
    return gradient.numpy()


def _sse_gradient(answer: Any, *, fn: Any, y: Any) -> None:
    expected = _sse_gradient_expected(fn=fn, y=y)
    check.close(answer, expected, atol=1e-8, rtol=1e-8, name="gradient of the SSE")


def _unlabelled_accuracy_expected(*, classifier: Any, x: Any, y: Any) -> float:
    import torch

    from helpers.deep import PIXEL_MAX

    with torch.no_grad():
        guessed = classifier(x / PIXEL_MAX).argmax(-1).cpu().numpy()
    return float(np.mean(guessed == np.asarray(y)))


def _unlabelled_accuracy(answer: Any, *, classifier: Any, x: Any, y: Any) -> None:
    expected = _unlabelled_accuracy_expected(classifier=classifier, x=x, y=y)
    check.close(answer, expected, atol=1e-9, name="accuracy on the unlabelled digits")


EXERCISES = {
    "11-1": Exercise(
        _coverage_80,
        expected=_coverage_80_expected,
        answer=Answer.probability("the coverage of the central 80% intervals"),
        hint="A central 80% interval leaves 10% of each point's predictive draws on either "
        "side; coverage is the share of held-out points whose observed value lies inside "
        "their own interval.",
        solution="low, high = np.quantile(test_draws, [0.1, 0.9], axis=0); "
        "np.mean((y_test >= low) & (y_test <= high)).",
        explanation="Compare it with 0.8 and the coverages checked above.",
    ),
    "11-2": Exercise(
        _sse_gradient,
        expected=_sse_gradient_expected,
        answer=Answer.vector(2, "the gradient with respect to the two parameters"),
        hint="Build the sum of squared errors symbolically on a PyTensor vector of parameters, "
        "through the wrapped torch Op, let PyTensor differentiate it, and evaluate at the "
        "exercise's parameter values.",
        solution="theta = pt.dvector(); sse = ((y_curve - curve_op(theta)) ** 2).sum(); "
        "pt.grad(sse, theta).eval({theta: np.array([1.5, 1.0])}).",
        explanation="pt.grad called the Op's pullback, which asked torch.",
    ),
    "11-3": Exercise(
        _unlabelled_accuracy,
        expected=_unlabelled_accuracy_expected,
        answer=Answer.probability("the accuracy on the unlabelled digits"),
        hint="Feed the classifier its inputs exactly as in training (same scaling of the "
        "pixel counts), take its most probable class per digit, and compare with the labels "
        "that were hidden during training.",
        solution="guessed = classifier(x_unlab / PIXEL_MAX).argmax(-1); "
        "(guessed == digits.y_train[unlabelled]).mean().",
        explanation="These digits trained M2 without their labels.",
    ),
}
