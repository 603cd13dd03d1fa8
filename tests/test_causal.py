import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.causal import (
    IVSimulation,
    MarketingSCM,
    adjustment_sets,
    backdoor_paths,
    confounder_bias,
    flip_strength,
    is_valid_adjustment,
    marketing_dag,
    plot_dag,
    robustness_value,
    sensitivity_sweep,
    simulate_iv,
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
    data, _ = scm.simulate(50_000, rng=rng)
    y, x, z = (data[c].to_numpy() for c in ("sales", "ads", "demand"))
    naive, _ = _ols(y, x)
    adjusted, _ = _ols(y, x, z)
    # 4 OLS standard errors at n = 50,000: about 4 * 0.0057 = 0.023 for either slope
    # (sqrt(Var(Y | X) / (n Var X)) = sqrt(2.62 / (n 1.64)) and sqrt(1.06 / (n 0.64)))
    assert naive[1] == pytest.approx(scm.naive_slope, abs=4 * _ols_slope_se(y, x))
    assert adjusted[1] == pytest.approx(scm.total_effect, abs=4 * _ols_slope_se(y, x, z))


def test_scm_observational_mean_matches_simulation(rng):
    scm = MarketingSCM()
    data, _ = scm.simulate(200_000, rng=rng)
    near = data.loc[(data["ads"] - 3.0).abs() < 0.25]
    # E[sales | ads] is linear in ads, so the mean over the window is exactly
    # observational_mean(mean ads in the window): no window bias. Allow 4 standard errors of the
    # mean of the ~9,000 sales in the window: 4 * 1.62 / sqrt(9000) = 0.07.
    se = near["sales"].std(ddof=1) / np.sqrt(len(near))
    expected = scm.observational_mean(near["ads"].mean())
    assert near["sales"].mean() == pytest.approx(expected, abs=4 * se)


def test_scm_noise_reconstructs_data(rng):
    scm = MarketingSCM()
    data, noise = scm.simulate(10, rng=rng)
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
    a, na = MarketingSCM().simulate(20, rng=3)
    b, nb = MarketingSCM().simulate(20, rng=np.random.default_rng(3))
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(na, nb)
    c, _ = MarketingSCM().simulate(20, rng=4)
    assert not np.allclose(a["sales"], c["sales"])


def test_scm_hidden_confounder_biases_adjusted_regression(rng):
    data, _ = MarketingSCM().simulate(50_000, rng=rng, hidden_strength=0.8)
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
    data, noise = MarketingSCM().simulate(5, rng=0)
    with pytest.raises(ValueError, match="`ads` must be a finite number"):
        MarketingSCM().counterfactual_sales(data, noise, float("inf"))


# ---------------------------------------------------------------- instruments


def test_simulate_iv_shapes_and_truth():
    sim = simulate_iv(100, effect=0.3, strength=1.5, direct=0.3, rng=0)
    assert isinstance(sim, IVSimulation)
    assert list(sim.data.columns) == ["region", "ads", "sales"]
    assert set(np.unique(sim.data["region"])) <= {0, 1}
    assert sim.iv_limit == pytest.approx(0.5)  # 0.3 + 0.3 / 1.5: exact up to rounding


@pytest.mark.parametrize("direct", [0.0, 0.6])
def test_wald_estimate_converges_to_iv_limit(direct, rng):
    n = 100_000
    sim = simulate_iv(n, strength=2.0, direct=direct, rng=rng)
    r, x, y = (sim.data[c].to_numpy(float) for c in ("region", "ads", "sales"))
    cov = np.cov(np.stack([r, x, y]))
    wald = cov[0, 2] / cov[0, 1]
    # The Wald estimator's standard error is sd(u) sd(R) / (sqrt(n) |Cov(R, X)|) with u the
    # residual y - wald * x (sd(u) = 1.7, sd(R) = 0.5, Cov(R, X) = 0.5: about 0.0054); allow 4.
    resid = y - wald * x
    se = resid.std(ddof=1) * r.std(ddof=1) / (np.sqrt(n) * abs(cov[0, 1]))
    assert wald == pytest.approx(sim.iv_limit, abs=4 * se)
    # The hidden confounder (and a direct effect) inflate the naive slope to
    # effect + (1.5 Var(U) + direct Cov(R, X)) / Var(X), with Var(X) = 4 / 4 + 1 + 0.36 = 2.36
    # and Cov(R, X) = 2 / 4; 4 OLS standard errors around it.
    naive = sim.effect + (1.5 + direct * 0.5) / 2.36
    assert _ols(y, x)[0][1] == pytest.approx(naive, abs=4 * _ols_slope_se(y, x))


def test_simulate_iv_seed_contract():
    a = simulate_iv(30, rng=5).data
    b = simulate_iv(30, rng=np.random.default_rng(5)).data
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 1}, ValueError, "`n` must be >= 2"),
        ({"n": 2.5}, TypeError, "`n` must be an integer"),
        ({"n": 10, "strength": 0.0}, ValueError, "`strength` must be non-zero"),
        ({"n": 10, "effect": "x"}, TypeError, "`effect` must be a real number"),
    ],
)
def test_simulate_iv_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        simulate_iv(**kwargs, rng=0)


# ---------------------------------------------------------------- DAGs


def test_backdoor_paths_and_adjustment_sets():
    dag = marketing_dag()
    assert backdoor_paths(dag, "ads", "sales") == [["ads", "demand", "sales"]]
    assert backdoor_paths(dag, "visits", "sales") == [
        ["visits", "ads", "demand", "sales"],
        ["visits", "ads", "press", "sales"],
        ["visits", "ads", "sales"],
    ]
    assert adjustment_sets(dag, "ads", "sales") == [
        frozenset({"demand"}),
        frozenset({"demand", "region"}),
    ]
    assert adjustment_sets(dag, "ads", "sales", observed=["region", "visits", "press"]) == []


@pytest.mark.parametrize(
    ("adjust", "valid"),
    [((), False), (("demand",), True), (("demand", "press"), False), (("demand", "visits"), False)],
)
def test_backdoor_criterion(adjust, valid):
    assert is_valid_adjustment(marketing_dag(), "ads", "sales", adjust) is valid


def test_classic_m_bias_collider():
    dag = nx.DiGraph([("a", "m"), ("b", "m"), ("a", "x"), ("b", "y"), ("x", "y")])
    assert is_valid_adjustment(dag, "x", "y", set())
    assert not is_valid_adjustment(dag, "x", "y", {"m"})
    assert is_valid_adjustment(dag, "x", "y", {"m", "a"})


@pytest.mark.parametrize(
    ("dag", "treatment", "error", "message"),
    [
        ("not a graph", "ads", TypeError, "`dag` must be a networkx.DiGraph"),
        (nx.DiGraph([("a", "b"), ("b", "a")]), "a", ValueError, "`dag` must be acyclic"),
        (None, "price", ValueError, "`treatment` must be a node of `dag`"),
    ],
)
def test_graph_functions_reject_bad_input(dag, treatment, error, message):
    dag = marketing_dag() if dag is None else dag
    with pytest.raises(error, match=message):
        backdoor_paths(dag, treatment, "sales")


def test_adjustment_rejects_bad_sets():
    dag = marketing_dag()
    with pytest.raises(ValueError, match="`adjust` must not contain the treatment"):
        is_valid_adjustment(dag, "ads", "sales", {"ads"})
    with pytest.raises(ValueError, match="`adjust` must be a node of `dag`"):
        is_valid_adjustment(dag, "ads", "sales", {"weather"})
    with pytest.raises(ValueError, match="`observed` must be a node of `dag`"):
        adjustment_sets(dag, "ads", "sales", observed=["weather"])
    big = nx.DiGraph([(f"n{i}", "y") for i in range(17)] + [("x", "y")])
    with pytest.raises(ValueError, match="at most 16 are supported"):
        adjustment_sets(big, "x", "y")


def test_draw_dag_returns_axes_and_handles_layouts():
    fig, ax = plt.subplots()
    assert plot_dag(marketing_dag(), ax=ax, hidden=["demand"], title="t") is ax
    assert ax.get_title() == "t"
    assert plot_dag(nx.DiGraph([("u", "x"), ("x", "y")])).get_title() == "Causal DAG"
    with pytest.raises(ValueError, match="`highlight` edge"):
        plot_dag(marketing_dag(), highlight=[("sales", "ads")])


# ---------------------------------------------------------------- sensitivity


def test_bias_formula_is_exact_for_least_squares(rng):
    data, noise = MarketingSCM().simulate(2_000, rng=rng, hidden_strength=0.5)
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


@settings(max_examples=50, deadline=None)
@given(
    r=st.floats(0, 0.95),
    r2=st.floats(0, 0.95),
    sy=st.floats(0.1, 10),
    sx=st.floats(0.1, 10),
)
def test_bias_properties(r, r2, sy, sx):
    b = confounder_bias(r, r2, sd_outcome_resid=sy, sd_treatment_resid=sx)
    assert np.isfinite(b) and b >= 0
    assert confounder_bias(min(r + 0.04, 0.99), r2, sd_outcome_resid=sy, sd_treatment_resid=sx) >= b
    # doubling sd_outcome_resid doubles the bias exactly; default rel=1e-6 only absorbs rounding
    assert confounder_bias(r, r2, sd_outcome_resid=2 * sy, sd_treatment_resid=sx) == pytest.approx(
        2 * b
    )


@settings(max_examples=30, deadline=None)
@given(estimate=st.floats(0.01, 5), sy=st.floats(0.1, 5), sx=st.floats(0.1, 5))
def test_robustness_value_zeroes_the_estimate(estimate, sy, sx):
    r = robustness_value(estimate, sd_outcome_resid=sy, sd_treatment_resid=sx)
    assert 0 < r < 1
    # With f = estimate sx / sy, r = (sqrt(f^4 + 4 f^2) - f^2) / 2 subtracts two numbers of size
    # f^2, losing ~eps f^2 absolutely; near r = 1 the bias ~ (1 - r)^(-1/2), with 1 - r ~ 1/f^2,
    # magnifies that by f^2 / 2. So the round trip is exact to about eps (few + f^4 / 2):
    # eps (8 + f^4) bounds it (up to 8e-7 at f = 250, 2e-15 at f = 1).
    f = estimate * sx / sy
    tol = np.finfo(float).eps * (8 + f**4)
    assert confounder_bias(r, r, sd_outcome_resid=sy, sd_treatment_resid=sx) == pytest.approx(
        estimate, rel=tol
    )


def test_sweep_and_flip(rng):
    draws = rng.normal(0.5, 0.07, size=4000)
    table = sensitivity_sweep(
        draws, np.linspace(0, 0.5, 11), sd_outcome_resid=1.0, sd_treatment_resid=0.8
    )
    assert list(table.columns) == ["strength", "bias", "mean", "low", "high"]
    assert np.all(np.diff(table["mean"]) < 0) and np.all(table["low"] <= table["high"])
    kw = {"sd_outcome_resid": 1.0, "sd_treatment_resid": 0.8}
    low, mean = flip_strength(draws, column="low", **kw), flip_strength(draws, column="mean", **kw)
    assert 0 < low < mean < 1
    # flip_strength bisects until the bracket is narrower than its tol=1e-10 and returns the
    # midpoint, so it is within 5e-11 of the exact root, robustness_value (f = 0.4 here, so
    # rounding in either is ~1e-16)
    assert mean == pytest.approx(robustness_value(draws.mean(), **kw), abs=1e-10)
    assert flip_strength(-draws, **kw) == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: confounder_bias(1.0, 0.1, sd_outcome_resid=1.0, sd_treatment_resid=1.0),
            r"`r2_outcome` must be a partial R\^2 in \[0, 1\)",
        ),
        (
            lambda: confounder_bias(0.1, -0.1, sd_outcome_resid=1.0, sd_treatment_resid=1.0),
            "`r2_treatment` must be an array of numbers >= 0",
        ),
        (
            lambda: confounder_bias(0.1, 0.1, sd_outcome_resid=0.0, sd_treatment_resid=1.0),
            "`sd_outcome_resid` must be",
        ),
        (
            lambda: sensitivity_sweep([1.0], [0.1], sd_outcome_resid=1.0, sd_treatment_resid=1.0),
            "`effect_draws` must be an array of at least 2 values",
        ),
        (
            lambda: sensitivity_sweep(
                [1.0, 2.0], [0.1], sd_outcome_resid=1.0, sd_treatment_resid=1.0, ci_prob=1.0
            ),
            "`ci_prob` must be a probability strictly between",
        ),
        (
            lambda: sensitivity_sweep(
                [1.0, 2.0], [1.5], sd_outcome_resid=1.0, sd_treatment_resid=1.0
            ),
            r"`strengths` must be a partial R\^2 in \[0, 1\)",
        ),
        (
            lambda: flip_strength(
                [1.0, 2.0], sd_outcome_resid=1.0, sd_treatment_resid=1.0, column="high"
            ),
            "`column` must be",
        ),
        (
            lambda: robustness_value(float("nan"), sd_outcome_resid=1.0, sd_treatment_resid=1.0),
            "`estimate` must be a finite",
        ),
    ],
)
def test_sensitivity_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
