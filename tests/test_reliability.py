import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from helpers.rare_events import form, importance_sampling
from helpers.reliability import (
    FailureEstimate,
    bending_stress,
    bracket_margin,
    bracket_problem,
    failure_probability,
    inputs_from_quantiles,
    sample_inputs,
)

NORMAL2 = {
    "num_vars": 2,
    "names": ["a", "b"],
    "dists": ["norm", "norm"],
    "bounds": [[0, 1], [0, 1]],
}


def lognormal_problem():
    """Load, strength and width lognormal, length and height fixed, no wear: ln(R/sigma) is normal."""
    return {
        "num_vars": 3,
        "names": ["load", "strength", "width"],
        "dists": ["lognorm", "lognorm", "lognorm"],
        "bounds": [[np.log(1.2), 0.25], [np.log(300.0), 0.1], [np.log(40.0), 0.05]],
    }


def lognormal_margin(x):
    load, strength, width = np.asarray(x).T
    return strength - bending_stress(load, 300.0, width, 20.0, 0.0)


def lognormal_exact_pf():
    # ln(R / sigma) = ln R + ln b - ln P - ln(6000 L / h^2): normal, fail when < 0
    mean = np.log(300.0) + np.log(40.0) - np.log(1.2) - np.log(6000 * 300.0 / 20.0**2)
    sd = np.sqrt(0.25**2 + 0.1**2 + 0.05**2)
    return stats.norm.cdf(-mean / sd), mean / sd


# ---- physics ---------------------------------------------------------------------------------


def test_bending_stress_known_values():
    assert float(bending_stress(1.0, 300.0, 40.0, 20.0)) == pytest.approx(112.5)
    # losing half the depth quadruples the stress
    assert float(bending_stress(1.0, 300.0, 40.0, 20.0, 10.0)) == pytest.approx(450.0)
    assert np.isinf(bending_stress(1.0, 300.0, 40.0, 20.0, 20.0))


@pytest.mark.parametrize("name", ["load", "length", "width", "height", "wear"])
def test_bending_stress_rejects_negative_inputs(name):
    kwargs = {"load": 1.0, "length": 300.0, "width": 40.0, "height": 20.0, "wear": 0.0, name: -1.0}
    with pytest.raises(ValueError, match=f"`{name}` must be an array of numbers >= 0"):
        bending_stress(**kwargs)


@given(
    st.floats(0.1, 10),
    st.floats(10, 1000),
    st.floats(5, 100),
    st.floats(5, 50),
    st.floats(0, 4),
)
def test_stress_is_monotone_in_load_and_wear(load, length, width, height, wear):
    s = bending_stress(load, length, width, height, wear)
    assert s > 0
    assert bending_stress(2 * load, length, width, height, wear) == pytest.approx(2 * s)
    assert bending_stress(load, length, width, height, wear + 0.5) > s


def test_bracket_margin_shape_and_validation():
    x = sample_inputs(bracket_problem(), 10, rng=0)
    assert bracket_margin(x).shape == (10,)
    with pytest.raises(ValueError, match=r"`x` must be an array of shape \(n, 6\)"):
        bracket_margin(x[:, :5])


def test_problem_is_a_fresh_copy():
    a = bracket_problem()
    a["bounds"][0][0] = 99.0
    assert bracket_problem()["bounds"][0][0] == pytest.approx(np.log(1.1))


# ---- sampling ------------------------------------------------------------------------------


def test_sample_inputs_match_the_stated_distributions(rng):
    x = sample_inputs(bracket_problem(), 200_000, rng=rng)
    assert np.median(x[:, 0]) == pytest.approx(1.1, rel=0.01)
    assert np.median(x[:, 1]) == pytest.approx(300.0, rel=0.002)
    assert x[:, 4].std() == pytest.approx(0.3, rel=0.02)
    assert stats.kstest(x[:, 5], stats.weibull_min(1.5, scale=1.8).cdf).pvalue > 0.001


def test_sample_inputs_seed_contract():
    a = sample_inputs(bracket_problem(), 5, rng=3)
    b = sample_inputs(bracket_problem(), 5, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, sample_inputs(bracket_problem(), 5, rng=4))


@pytest.mark.parametrize(
    ("problem", "n_draws", "error", "message"),
    [
        ([1, 2], 5, TypeError, "`problem` must be a SALib problem dict"),
        (
            {"num_vars": 1, "names": ["a"]},
            5,
            ValueError,
            "`problem` must be a SALib problem dict with num_vars, names and bounds",
        ),
        (NORMAL2, 0, ValueError, "`n_draws` must be an integer >= 1"),
        (NORMAL2, 2.5, TypeError, "`n_draws` must be an integer"),
    ],
)
def test_sample_inputs_validation(problem, n_draws, error, message):
    with pytest.raises(error, match=message):
        sample_inputs(problem, n_draws, rng=0)


def test_inputs_from_quantiles_agrees_with_scipy():
    q = np.array([[0.1, 0.7, 0.5, 0.5, 0.2, 0.9]])
    x = inputs_from_quantiles(bracket_problem(), q)[0]
    assert x[0] == pytest.approx(stats.lognorm(s=0.2, scale=1.1).ppf(0.1))
    assert x[4] == pytest.approx(stats.norm(20, 0.3).ppf(0.2))
    assert x[5] == pytest.approx(stats.weibull_min(1.5, scale=1.8).ppf(0.9))


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ([[0.5, 0.5]], r"`q` must be an array of shape \(n, 6\)"),
        ([[0.0] + [0.5] * 5], "strictly between"),
    ],
)
def test_inputs_from_quantiles_validation(q, message):
    with pytest.raises(ValueError, match=message):
        inputs_from_quantiles(bracket_problem(), q)


# ---- failure probability ---------------------------------------------------------------------


def test_failure_probability_known_counts():
    est = failure_probability(np.array([-1.0, 1.0, 1.0, 1.0, -2.0]))
    assert est.pf == 0.4 and est.n_draws == 5  # 2 of 5 margins are negative: exact
    # -Phi^{-1}(0.4) = 0.253347 (normal table: Phi(0.253347) = 0.6); 1e-6 is the table's rounding
    assert est.beta == pytest.approx(0.253347, abs=1e-6)
    # one failure in ten: pf - 1.96 se < 0, so the interval's lower end is clipped to exactly 0
    assert failure_probability(np.r_[-1.0, np.ones(9)]).interval()[0] == 0.0


def test_failure_probability_se_matches_the_true_sampling_variance(rng):
    """The reported se, squared, must estimate the true variance of pf over repeated runs.

    se^2 = s^2 / n with the unbiased sample variance s^2 has expectation Var(term) / n
    exactly, so its average over many independent replications converges to the analytic
    variance of the estimator (a biased ddof=0 variance is 1/n = 12% low at n = 8).
    """
    reps = 20_000
    # plain Monte Carlo, n = 8 margins U - 0.3 with U ~ Uniform(0, 1): pf = 0.3 exactly
    n, pf = 8, 0.3
    runs = [failure_probability(u - pf) for u in rng.random((reps, n))]
    se2 = np.array([r.se**2 for r in runs])
    # 4 standard errors of a mean of `reps` replications, from their own spread
    assert abs(np.mean([r.pf for r in runs]) - pf) < 4 * np.sqrt(pf * (1 - pf) / (n * reps))
    assert abs(se2.mean() - pf * (1 - pf) / n) < 4 * se2.std(ddof=1) / np.sqrt(reps)
    # importance sampling of P(Z > 3) from u ~ N(3, 1) with weights phi(u) / phi(u - 3): the
    # weighted term has E = Phi(-3) and E[term^2] = exp(9) Phi(-6), so Var = that - Phi(-3)^2
    reps, n, c = 4_000, 50, 3.0
    u = rng.normal(c, 1.0, size=(reps, n))
    weights = np.exp(-c * u + c**2 / 2)
    runs = [failure_probability(c - ui, weights=wi) for ui, wi in zip(u, weights, strict=True)]
    exact_pf = stats.norm.sf(c)
    term_var = np.exp(c**2) * stats.norm.sf(2 * c) - exact_pf**2
    pfs, se2 = np.array([r.pf for r in runs]), np.array([r.se**2 for r in runs])
    assert abs(pfs.mean() - exact_pf) < 4 * np.sqrt(term_var / (n * reps))
    assert abs(se2.mean() - term_var / n) < 4 * se2.std(ddof=1) / np.sqrt(reps)


def test_no_failures_means_infinite_beta():
    est = failure_probability(np.ones(10))
    assert est.pf == 0 and est.beta == np.inf and est.cov == np.inf


@pytest.mark.parametrize(
    ("margin", "weights", "message"),
    [
        ([[1.0, 2.0]], None, r"`margin` must be a 1\-D array"),
        ([1.0], None, "at least 2 values"),
        ([1.0, np.nan], None, "`margin` must be an array without NaN"),
        ([1.0, -1.0], [1.0], r"`weights` must be an array of shape \(2,\)"),
        ([1.0, -1.0], [1.0, -1.0], "`weights` must be an array of numbers >= 0"),
    ],
)
def test_failure_probability_validation(margin, weights, message):
    with pytest.raises(ValueError, match=message):
        failure_probability(margin, weights=weights)


def test_analytic_case_monte_carlo_form_and_importance_sampling(rng):
    """All-lognormal inputs, no wear: p_f is exact, FORM is exact, and both samplers agree."""
    exact_pf, exact_beta = lognormal_exact_pf()
    problem = lognormal_problem()
    mc = failure_probability(lognormal_margin(sample_inputs(problem, 400_000, rng=rng)))
    assert abs(mc.pf - exact_pf) < 4 * mc.se
    res = form(lognormal_margin, problem)
    assert res.beta == pytest.approx(exact_beta, rel=1e-4)
    assert res.pf == pytest.approx(exact_pf, rel=1e-3)
    assert np.sum(res.alpha**2) == pytest.approx(1.0)
    is_est = importance_sampling(lognormal_margin, problem, res.u_star, 20_000, rng=rng)
    assert abs(is_est.pf - exact_pf) < 4 * is_est.se
    assert is_est.se < mc.se  # 20 times fewer runs, yet more precise


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-10, 10), min_size=2, max_size=50))
def test_failure_probability_is_a_probability(values):
    est = failure_probability(values)
    assert 0 <= est.pf <= 1 and est.se >= 0
    assert isinstance(est, FailureEstimate)


# ---- Sobol' ----------------------------------------------------------------------------------
