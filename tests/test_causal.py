import numpy as np
import pandas as pd
import pytest

from helpers.causal import MarketingSCM
from helpers.causal_refutation import (
    confounder_bias,
)


def _ols(y, *columns):
    design = np.column_stack([np.ones(len(y)), *columns])
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    return coef, y - design @ coef


def _ols_slope_se(y, *columns):
    """Classical standard error of the first slope: sqrt(s^2 [(X'X)^-1]_11)."""
    design = np.column_stack([np.ones(len(y)), *columns])
    _, resid = _ols(y, *columns)
    s2 = resid @ resid / (len(y) - design.shape[1])
    return float(np.sqrt(s2 * np.linalg.inv(design.T @ design)[1, 1]))


# ---------------------------------------------------------------- the marketing SCM


def test_scm_truth_values():
    # Analytic values of the default SCM, exact in decimal arithmetic: pytest.approx's default
    # rel=1e-6 only absorbs floating-point rounding (~1e-16).
    scm = MarketingSCM()
    assert scm.total_effect == pytest.approx(0.5)
    assert scm.naive_slope == pytest.approx(0.5 + 2.0 / 1.64)
    assert scm.do_mean(0.0) == pytest.approx(10.5)
    assert scm.observational_mean(scm.ads_intercept) == pytest.approx(
        scm.do_mean(scm.ads_intercept)
    )
    np.testing.assert_allclose(scm.do_mean(np.array([1.0, 2.0])), [11.0, 11.5], rtol=1e-12)


def test_scm_regressions_recover_truth(rng):
    scm = MarketingSCM()
    data = scm.simulate(50_000, rng=rng).data
    y, x, z = (data[c].to_numpy() for c in ("sales", "ads", "demand"))
    naive, _ = _ols(y, x)
    adjusted, _ = _ols(y, x, z)
    # 4 OLS standard errors at n = 50,000: about 4 * 0.0057 = 0.023 for either slope
    # (sqrt(Var(Y | X) / (n Var X)) = sqrt(2.62 / (n 1.64)) and sqrt(1.06 / (n 0.64)))
    assert naive[1] == pytest.approx(scm.naive_slope, abs=4 * _ols_slope_se(y, x))
    assert adjusted[1] == pytest.approx(scm.total_effect, abs=4 * _ols_slope_se(y, x, z))


def test_scm_observational_mean_matches_simulation(rng):
    scm = MarketingSCM()
    data = scm.simulate(200_000, rng=rng).data
    near = data.loc[(data["ads"] - 3.0).abs() < 0.25]
    # E[sales | ads] is linear in ads, so the mean over the window is exactly
    # observational_mean(mean ads in the window): no window bias. Allow 4 standard errors of the
    # mean of the ~9,000 sales in the window: 4 * 1.62 / sqrt(9000) = 0.07.
    se = near["sales"].std(ddof=1) / np.sqrt(len(near))
    expected = scm.observational_mean(near["ads"].mean())
    assert near["sales"].mean() == pytest.approx(expected, abs=4 * se)


def test_scm_noise_reconstructs_data(rng):
    scm = MarketingSCM()
    sim = scm.simulate(10, rng=rng)
    data, noise = sim.data, sim.truth.noise
    cf = scm.counterfactual_sales(data, noise, 0.0)
    same = scm.counterfactual_sales(data, noise, 1.0) - cf
    # Same noise, same arithmetic: the two sides differ by rounding of sums of size ~20,
    # a few eps * 20 ~ 1e-14; atol=1e-12 leaves a margin and nothing for a wrong effect.
    np.testing.assert_allclose(same, scm.total_effect, rtol=0, atol=1e-12)
    factual = [
        scm.counterfactual_sales(data.iloc[[i]], noise.iloc[[i]], a)[0]
        for i, a in enumerate(data["ads"])
    ]
    np.testing.assert_allclose(factual, data["sales"], rtol=0, atol=1e-12)


def test_scm_seed_contract():
    sim = MarketingSCM().simulate(20, rng=3)
    a, na = sim.data, sim.truth.noise
    sim = MarketingSCM().simulate(20, rng=np.random.default_rng(3))
    b, nb = sim.data, sim.truth.noise
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(na, nb)
    c = MarketingSCM().simulate(20, rng=4).data
    assert not np.allclose(a["sales"], c["sales"])


def test_scm_hidden_confounder_biases_adjusted_regression(rng):
    data = MarketingSCM().simulate(50_000, rng=rng, hidden_strength=0.8).data
    y, x, z = (data[c].to_numpy() for c in ("sales", "ads", "demand"))
    coef, _ = _ols(y, x, z)
    # Var(X | Z) = 0.64 + 0.64; bias = 0.8 * 0.8 / 1.28 = 0.5
    # 4 OLS standard errors at n = 50,000: sqrt(Var(resid) / (n Var(X | Z))), about 4 * 0.0046
    assert coef[1] == pytest.approx(0.5 + 0.5, abs=4 * _ols_slope_se(y, x, z))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"ads_sd": 0.0}, ValueError, "`ads_sd` must be a number > 0"),
        (
            {"sales_on_demand": float("nan")},
            ValueError,
            "`sales_on_demand` must be a finite number",
        ),
        ({"direct_effect": "big"}, TypeError, "`direct_effect` must be a real number"),
    ],
)
def test_scm_rejects_bad_parameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        MarketingSCM(**kwargs)


def test_scm_simulate_rejects_bad_arguments():
    with pytest.raises(ValueError, match="`n` must be an integer >= 1"):
        MarketingSCM().simulate(0, rng=0)
    with pytest.raises(TypeError, match="`hidden_strength` must be a real number"):
        MarketingSCM().simulate(5, rng=0, hidden_strength=None)
    sim = MarketingSCM().simulate(5, rng=0)
    data, noise = sim.data, sim.truth.noise
    with pytest.raises(ValueError, match="`ads` must be a finite number"):
        MarketingSCM().counterfactual_sales(data, noise, float("inf"))


# ---------------------------------------------------------------- instruments


# ---------------------------------------------------------------- DAGs


# ---------------------------------------------------------------- sensitivity


def test_bias_formula_is_exact_for_least_squares(rng):
    sim = MarketingSCM().simulate(2_000, rng=rng, hidden_strength=0.5)
    data, noise = sim.data, sim.truth.noise
    y, x, z, u = (data["sales"].to_numpy(), data["ads"].to_numpy(), data["demand"].to_numpy(),
                  noise["hidden"].to_numpy())  # fmt: skip
    without, resid_y = _ols(y, x, z)
    with_u, _ = _ols(y, x, z, u)
    _, resid_x = _ols(x, z)
    r2_y = np.corrcoef(resid_y, _ols(u, x, z)[1])[0, 1] ** 2
    r2_x = np.corrcoef(resid_x, _ols(u, z)[1])[0, 1] ** 2
    bias = confounder_bias(
        r2_y, r2_x, sd_outcome_resid=resid_y.std(), sd_treatment_resid=resid_x.std()
    )
    # The omitted-variable-bias identity is exact in sample; the two sides differ only by the
    # rounding of least squares, a few eps * cond(design) with cond ~ 35 (at most 2.5e-14
    # relative over 200 seeds); 1e-10 leaves a wide margin and still fails for any real error.
    assert bias == pytest.approx(abs(without[1] - with_u[1]), rel=1e-10)
