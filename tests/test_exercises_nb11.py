"""The notebook 11 self-checks accept the reference answers and reject plausible wrong ones."""

from __future__ import annotations

import numpy as np
import pytensor.tensor as pt
import pytest
import torch

from helpers import check, seed_torch
from helpers.bnn import TorchOp
from helpers.exercises import exercise_ids
from tests.test_exercises import assert_expected_is_right, assert_teaches


def test_ids():
    assert exercise_ids("11") == ["11-1", "11-2", "11-3"]


def test_14_1():
    rng = np.random.default_rng(0)
    draws, y = rng.normal(size=(400, 300)), rng.normal(size=300)
    low, high = np.quantile(draws, [0.1, 0.9], axis=0)
    right = float(np.mean((y >= low) & (y <= high)))
    check.exercise("11-1", right, draws=draws, y=y)
    low, high = np.quantile(draws, [0.2, 0.8], axis=0)  # a 60% interval
    wrong = float(np.mean((y >= low) & (y <= high)))
    assert "80% interval" in assert_teaches("11-1", wrong, draws=draws, y=y)
    assert assert_expected_is_right("11-1", wrong=wrong, draws=draws, y=y) == right


T_OBS = torch.linspace(0, 6, 30, dtype=torch.float64)


def _curve(theta):
    return theta[0] * (1 - torch.exp(-theta[1] * T_OBS))


def test_14_2():
    y = np.random.default_rng(1).normal(1.5, 0.1, size=30)
    theta = pt.dvector("theta")
    sse = ((y - TorchOp(_curve)(theta)) ** 2).sum()
    right = pt.grad(sse, theta).eval({theta: np.array([1.5, 1.0])}, mode="CVM")
    check.exercise("11-2", right, fn=_curve, y=y)
    wrong = pt.grad(sse, theta).eval({theta: np.array([1.0, 1.5])}, mode="CVM")
    assert "gradient of the SSE" in assert_teaches("11-2", wrong, fn=_curve, y=y)
    expected = assert_expected_is_right("11-2", wrong=wrong, fn=_curve, y=y)
    np.testing.assert_allclose(expected, right, rtol=1e-10)
    with pytest.raises(check.AnswerMalformed, match="expects 2 numbers"):
        check.exercise("11-2", right[:1], fn=_curve, y=y)


def test_14_3():
    seed_torch(0)
    classifier = torch.nn.Linear(64, 10)
    x = torch.randint(0, 17, (50, 64)).float()
    y = np.random.default_rng(2).integers(0, 10, size=50)
    with torch.no_grad():
        guessed = classifier(x / 16).argmax(-1).numpy()
    right = float(np.mean(guessed == y))
    check.exercise("11-3", right, classifier=classifier, x=x, y=y)
    with torch.no_grad():
        unscaled = classifier(x).argmax(-1).numpy()
    wrong = float(np.mean(unscaled == y))  # pixels not scaled as in training
    assert wrong != right
    message = assert_teaches("11-3", wrong, classifier=classifier, x=x, y=y)
    assert "unlabelled digits" in message
    expected = assert_expected_is_right("11-3", wrong=wrong, classifier=classifier, x=x, y=y)
    assert expected == right
