"""Tests of helpers.decisions."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from helpers.decisions import expected_loss, prob_best, prob_greater


def dblquad_loss(a1, b1, a2, b2):
    """E[max(X2 - X1, 0)] by two-dimensional SciPy integration."""
    f1, f2 = stats.beta(a1, b1), stats.beta(a2, b2)
    value, _ = integrate.dblquad(
        lambda x2, x1: (x2 - x1) * f1.pdf(x1) * f2.pdf(x2), 0, 1, lambda x1: x1, 1, epsabs=1e-10
    )
    return value


# --- property tests ---------------------------------------------------------------------------
beta_params = st.tuples(st.floats(0.5, 200), st.floats(0.5, 200))


def test_expected_loss_matches_two_dimensional_integration():
    a1, b1, a2, b2 = 6.0, 20.0, 9.0, 18.0
    loss = expected_loss([stats.beta(a1, b1), stats.beta(a2, b2)])
    assert loss[0] == pytest.approx(dblquad_loss(a1, b1, a2, b2), abs=1e-8)
    assert loss[1] == pytest.approx(dblquad_loss(a2, b2, a1, b1), abs=1e-8)


@settings(max_examples=40, deadline=None)
@given(beta_params, beta_params)
# the other Beta's mean 1e-16 below the split at the median: quad warned of bad behaviour
@example((186.0625, 186.0625), (186.0625, 186.0625))
def test_prob_greater_is_a_probability_and_complementary(p, q):
    first, second = stats.beta(*p), stats.beta(*q)
    forward, backward = prob_greater(first, second), prob_greater(second, first)
    assert 0 <= forward <= 1
    assert forward + backward == pytest.approx(1.0, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.lists(beta_params, min_size=2, max_size=4))
def test_prob_best_sums_to_one_and_losses_are_non_negative(params):
    posts = [stats.beta(a, b) for a, b in params]
    best, loss = prob_best(posts), expected_loss(posts)
    assert best.sum() == pytest.approx(1.0, abs=1e-9)
    assert np.all((best >= 0) & (best <= 1))
    assert np.all(loss >= 0)
    # the variant with the highest mean has the smallest expected loss
    means = np.array([a / (a + b) for a, b in params])
    assert loss[np.argmax(means)] == pytest.approx(loss.min(), abs=1e-9)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (stats.beta(2, 3), TypeError, "`posteriors` must be a list of frozen Beta"),
        ([stats.beta(2, 3)], ValueError, "at least 2 variants; got 1"),
        ([stats.beta(2, 3), stats.norm(0, 1)], TypeError, r"`posteriors\[1\]` must be a frozen"),
        ([stats.beta(2, 3), (2, 3)], TypeError, r"`posteriors\[1\]` must be a frozen"),
        ([stats.beta(2, 3), stats.beta(2, 3, loc=1)], ValueError, r"must be a standard Beta"),
        ([stats.beta(2, 3), stats.beta(a=2, b=3, scale=2)], ValueError, r"must be a standard"),
    ],
)
def test_posterior_list_validation(value, error, message):
    with pytest.raises(error, match=message):
        prob_best(value)


def test_prob_greater_rejects_non_beta():
    with pytest.raises(TypeError, match=r"`posteriors\[0\]` must be a frozen scipy.stats.beta"):
        prob_greater(0.3, stats.beta(1, 1))


def test_beta_given_by_keywords_is_accepted():
    assert prob_greater(stats.beta(a=3, b=2), stats.beta(3, 2)) == pytest.approx(0.5)
