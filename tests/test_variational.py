"""Tests of helpers.variational."""

import numpy as np
import pytest

from helpers.variational import mean_field_sd


def test_mean_field_sd_known_value():
    np.testing.assert_allclose(mean_field_sd([[1.0, 0.95], [0.95, 1.0]]), np.sqrt(1 - 0.95**2))


@pytest.mark.parametrize(
    ("cov", "message"),
    [
        (np.ones(3), "`cov` must be a 2-D array"),
        ([[1.0, 2.0], [2.0, 1.0]], "`cov` must be a symmetric positive definite matrix"),
    ],
)
def test_mean_field_sd_rejects_bad_input(cov, message):
    with pytest.raises(ValueError, match=message):
        mean_field_sd(cov)
