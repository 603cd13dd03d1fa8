"""Tests of helpers.ab against independent computations (closed forms, SciPy, Monte Carlo)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from helpers.ab import compare, diff_confidence_interval, posteriors, sample_rates, summarize
from helpers.decisions import expected_loss, prob_best, prob_greater


def miller_closed_form(a1, b1, a2, b2):
    """P(X1 > X2), X_i ~ Beta(a_i, b_i), for integer a1 (E. Miller's sum; independent of quad)."""
    i = np.arange(int(a1))
    log_terms = (
        special.betaln(a2 + i, b1 + b2)
        - np.log(b1 + i)
        - special.betaln(1 + i, b1)
        - special.betaln(a2, b2)
    )
    return float(np.exp(special.logsumexp(log_terms)))


# --- exact values against independent computations -------------------------------------------
@pytest.mark.parametrize(
    "counts", [((60, 1000), (45, 1000)), ((5, 20), (9, 25)), ((504, 12600), (387, 8400))]
)
def test_prob_greater_matches_closed_form(counts):
    (y1, n1), (y2, n2) = counts
    p1, p2 = posteriors([y1, y2], [n1, n2])
    expected = miller_closed_form(1 + y1, 1 + n1 - y1, 1 + y2, 1 + n2 - y2)
    assert prob_greater(p1, p2) == pytest.approx(expected, abs=1e-9)


def test_prob_greater_matches_large_monte_carlo(rng):
    p1, p2 = stats.beta(30.5, 400.2), stats.beta(27.3, 390.9)  # non-integer: no closed form
    draws = sample_rates([p1, p2], n_draws=1_000_000, rng=rng)
    mc = (draws[:, 0] > draws[:, 1]).mean()
    se = np.sqrt(mc * (1 - mc) / draws.shape[0])
    assert prob_greater(p1, p2) == pytest.approx(mc, abs=4 * se)


def test_prob_best_three_variants_matches_monte_carlo(rng):
    posts = posteriors([48, 61, 55], [1200, 1250, 1100])
    draws = sample_rates(posts, n_draws=1_000_000, rng=rng)
    share = np.bincount(draws.argmax(axis=1), minlength=3) / draws.shape[0]
    se = np.sqrt(share * (1 - share) / draws.shape[0])
    assert np.all(np.abs(prob_best(posts) - share) <= 4 * se)


def test_prob_best_two_variants_is_prob_greater():
    posts = posteriors([30, 41], [500, 520])
    best = prob_best(posts)
    assert best[1] == pytest.approx(prob_greater(posts[1], posts[0]), abs=1e-12)
    assert best.sum() == pytest.approx(1.0, abs=1e-9)


def test_expected_loss_three_variants_matches_monte_carlo(rng):
    posts = posteriors([48, 61, 55], [1200, 1250, 1100])
    draws = sample_rates(posts, n_draws=1_000_000, rng=rng)
    regret = draws.max(axis=1, keepdims=True) - draws
    se = regret.std(axis=0, ddof=1) / np.sqrt(draws.shape[0])
    assert np.all(np.abs(expected_loss(posts) - regret.mean(axis=0)) <= 4 * se)


def test_expected_loss_identity_for_two_variants():
    # loss(A) - loss(B) = E[B] - E[A]
    posts = posteriors([504, 387], [12600, 8400])
    loss = expected_loss(posts)
    assert loss[0] - loss[1] == pytest.approx(posts[1].mean() - posts[0].mean(), abs=1e-12)


def test_very_concentrated_posteriors_are_integrated_correctly():
    p1, p2 = posteriors([50_500, 50_000], [1_000_000, 1_000_000])
    expected = stats.norm.sf(0, loc=p1.mean() - p2.mean(), scale=np.hypot(p1.std(), p2.std()))
    assert prob_greater(p1, p2) == pytest.approx(expected, abs=2e-3)


# --- tables -----------------------------------------------------------------------------------
def test_summarize_rows_are_exact():
    posts = posteriors([40, 52], [1000, 1000])
    table = summarize(posts, names=["A", "B"], ci_prob=0.9)
    assert table.loc["A", "mean"] == pytest.approx(41 / 1002)
    assert table.loc["B", "low"] == pytest.approx(stats.beta(53, 949).ppf(0.05))
    assert table["P(best)"].sum() == pytest.approx(1.0)
    assert table.loc["B", "P(best)"] == pytest.approx(prob_greater(posts[1], posts[0]))


def test_compare_intervals_cover_the_exact_difference_mean(rng):
    posts = posteriors([504, 387, 430], [12600, 8400, 9000])
    table = compare(posts, names=["C", "T1", "T2"], rng=rng, n_draws=200_000)
    assert table.index.tolist() == ["T1", "T2"]
    for name, k in (("T1", 1), ("T2", 2)):
        row = table.loc[name]
        assert row["diff low"] < row["diff mean"] < row["diff high"]
        # E[theta_k / theta_0] = mean_k * (a0 + b0 - 1) / (a0 - 1) for Beta(a0, b0)
        a0, b0 = posts[0].args
        exact_lift = posts[k].mean() * (a0 + b0 - 1) / (a0 - 1) - 1
        assert row["lift mean"] == pytest.approx(exact_lift, abs=3e-3)
    # 95% equal-tailed interval of a near-Normal difference: mean +/- 1.96 sd
    sd = np.hypot(posts[1].std(), posts[0].std())
    assert table.loc["T1", "diff high"] - table.loc["T1", "diff low"] == pytest.approx(
        2 * 1.96 * sd, rel=0.02
    )


def test_seed_reproducibility():
    posts = posteriors([40, 52], [1000, 1000])
    first = compare(posts, rng=7, n_draws=1000)
    assert first.equals(compare(posts, rng=7, n_draws=1000))
    assert np.array_equal(
        sample_rates(posts, n_draws=10, rng=np.random.default_rng(3)),
        sample_rates(posts, n_draws=10, rng=3),
    )
    assert not first.equals(compare(posts, rng=8, n_draws=1000))


# --- the frequentist interval -------------------------------------------------------------------
def test_wald_interval_by_hand():
    low, high = diff_confidence_interval([40, 60], [1000, 1000], method="wald", ci_prob=0.9)
    half = stats.norm.isf(0.05) * np.sqrt(0.04 * 0.96 / 1000 + 0.06 * 0.94 / 1000)
    assert (low, high) == pytest.approx((0.02 - half, 0.02 + half))


def test_newcombe_interval_published_example():
    # Newcombe (1998), Table II, example (a): 56/70 vs 48/80, method 10: 0.0524 to 0.3339
    low, high = diff_confidence_interval([48, 56], [80, 70])
    assert (low, high) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_confidence_intervals_have_nominal_coverage(rng):
    truth, n = (0.04, 0.05), (3000, 2000)
    reps = 1000
    y0, y1 = rng.binomial(n[0], truth[0], reps), rng.binomial(n[1], truth[1], reps)
    for method in ("wald", "newcombe"):
        hits = [
            lo <= truth[1] - truth[0] <= hi
            for lo, hi in (
                diff_confidence_interval([a, b], list(n), method=method)
                for a, b in zip(y0.tolist(), y1.tolist(), strict=True)
            )
        ]
        assert abs(np.mean(hits) - 0.95) <= 4 * np.sqrt(0.95 * 0.05 / reps)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 400), st.integers(1, 400), st.integers(0, 400), st.integers(1, 400))
def test_identical_data_gives_even_odds(y, extra, y2, extra2):
    p = posteriors([y, y], [y + extra, y + extra])
    assert prob_greater(*p) == pytest.approx(0.5, abs=1e-7)
    low, high = diff_confidence_interval([y2, y2], [y2 + extra2, y2 + extra2])
    assert low <= 0 <= high


# --- validation: every raise ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("successes", "trials", "kwargs", "error", "message"),
    [
        ([5, 3], [4, 10], {}, ValueError, r"`successes\[0\]` must be <= `trials\[0\]`"),
        ([-1, 3], [4, 10], {}, ValueError, "`successes` must be an array of numbers >= 0"),
        ([1, 3], [4, -10], {}, ValueError, "`trials` must be an array of numbers >= 0"),
        ([1.5, 3], [4, 10], {}, TypeError, "`successes` must be an array of integers"),
        (
            [True, 3],
            [4, 10],
            {},
            TypeError,
            r"`successes` must be an array of numbers \(not bools\)",
        ),
        (3, [4, 10], {}, ValueError, "`successes` must be a 1-D array"),
        ("34", [4, 10], {}, TypeError, "`successes` must be an array of numbers"),
        ([1, 2], [4, 10, 3], {}, ValueError, "must have the same length; got 2 and 3"),
        ([], [], {}, ValueError, "need at least 1 variants"),
        ([1, 2], [4, 10], {"a": 0}, ValueError, "`a` must be a"),
        ([1, 2], [4, 10], {"b": -1}, ValueError, "`b` must be a number > 0"),
        ([1, 2], [4, 10], {"a": np.inf}, ValueError, "`a` must be a"),
        ([1, 2], [4, 10], {"a": "1"}, TypeError, "`a` must be a real number"),
        ([1, 2], [4, 10], {"b": [1, 2, 3]}, ValueError, r"`b` must be a number or one number per"),
    ],
)
def test_posteriors_validation(successes, trials, kwargs, error, message):
    with pytest.raises(error, match=message):
        posteriors(successes, trials, **kwargs)


def test_posteriors_accepts_numpy_counts_and_per_variant_priors():
    posts = posteriors(np.array([3, 5]), np.array([10, 12]), a=[1, 2], b=[1, 3])
    assert [p.args for p in posts] == [(4.0, 8.0), (7.0, 10.0)]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"names": ["A"]}, ValueError, "`names` must be a sequence of 2 labels"),
        ({"names": "AB"}, ValueError, "`names` must be a sequence of 2 labels"),
        ({"names": ["A", "A"]}, ValueError, "`names` must be distinct"),
        ({"ci_prob": 1.0}, ValueError, "`ci_prob` must be a probability strictly between 0 and 1"),
        ({"ci_prob": True}, TypeError, "`ci_prob` must be a real number"),
    ],
)
def test_summarize_validation(kwargs, error, message):
    with pytest.raises(error, match=message):
        summarize(posteriors([1, 2], [5, 5]), **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"reference": 2}, ValueError, "`reference` must be an integer from 0 to 1"),
        ({"reference": 0.0}, TypeError, "`reference` must be an integer"),
        ({"n_draws": 1}, ValueError, "`n_draws` must be an integer >= 2"),
        ({"n_draws": 10.0}, TypeError, "`n_draws` must be an integer"),
    ],
)
def test_compare_validation(kwargs, error, message):
    with pytest.raises(error, match=message):
        compare(posteriors([1, 2], [5, 5]), rng=0, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([1, 2, 3], [5, 5, 5]), {}, "must hold exactly 2 variants; got 3"),
        (([1], [5]), {}, "need at least 2 variants; got 1"),
        (([0, 0], [0, 5]), {}, r"`trials` must be > 0 for a confidence interval"),
        (
            ([1, 2], [5, 5]),
            {"ci_prob": 95},
            "`ci_prob` must be a probability strictly between 0 and 1",
        ),
        (([1, 2], [5, 5]), {"method": "exact"}, "`method` must be 'newcombe' or 'wald'"),
    ],
)
def test_confidence_interval_validation(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        diff_confidence_interval(*args, **kwargs)


def test_densities_singular_at_an_end_are_integrated_without_warnings(rng):
    # Jeffreys prior, all-success and no-success variants: Beta(a, 1/2) and Beta(1/2, b) densities
    # are infinite at an end of [0, 1]
    posts = [stats.beta(25.9, 0.5), stats.beta(173.8, 99.6), stats.beta(0.5, 200.0)]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        best = prob_best(posts)
        loss = expected_loss(posts)
    assert best.sum() == pytest.approx(1.0, abs=1e-10)
    draws = sample_rates(posts, n_draws=1_000_000, rng=rng)
    regret = draws.max(axis=1, keepdims=True) - draws
    se = regret.std(axis=0, ddof=1) / 1000
    assert np.all(np.abs(loss - regret.mean(axis=0)) <= 4 * se)
