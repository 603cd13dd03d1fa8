"""Tests of helpers.rare_events."""

import numpy as np
import pytest

from helpers.rare_events import form, importance_sampling
from tests.test_reliability import NORMAL2


def test_form_linear_normal_case_is_exact():
    res = form(lambda x: 3.0 - x[:, 0] - x[:, 1], NORMAL2)
    assert res.beta == pytest.approx(3 / np.sqrt(2), rel=1e-6)
    np.testing.assert_allclose(res.alpha, [1 / np.sqrt(2)] * 2, rtol=1e-5)


def test_form_validation():
    with pytest.raises(ValueError, match=r"`start` must be an array of shape \(2,\)"):
        form(lambda x: 3.0 - x[:, 0], NORMAL2, start=[0.1])
    with pytest.raises(ValueError, match="the median point already fails"):
        form(lambda x: -1.0 - x[:, 0], NORMAL2)
    with pytest.raises(ValueError, match="FORM did not converge"):
        form(lambda x: 1.0 + 0 * x[:, 0], NORMAL2)  # no failure surface at all


def test_importance_sampling_validation_and_seed():
    g = lambda x: 3.0 - x[:, 0]  # noqa: E731
    with pytest.raises(ValueError, match=r"`center` must be an array of shape \(2,\)"):
        importance_sampling(g, NORMAL2, [3.0], 100, rng=0)
    with pytest.raises(ValueError, match="`n_draws` must be an integer >= 2"):
        importance_sampling(g, NORMAL2, [3.0, 0.0], 1, rng=0)
    a = importance_sampling(g, NORMAL2, [3.0, 0.0], 100, rng=5)
    assert a == importance_sampling(g, NORMAL2, [3.0, 0.0], 100, rng=5)
