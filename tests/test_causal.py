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
    draw_dag,
    flip_strength,
    is_valid_adjustment,
    marketing_dag,
    robustness_value,
    sensitivity_sweep,
    simulate_iv,
)


def _ols(y, *columns):
    design = np.column_stack([np.ones(len(y)), *columns])
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    return coef, y - design @ coef


# ---------------------------------------------------------------- the marketing SCM


def test_scm_truth_values():
    scm = MarketingSCM()
    assert scm.total_effect == pytest.approx(0.5)
    assert scm.naive_slope == pytest.approx(0.5 + 2.0 / 1.64)
    assert scm.do_mean(0.0) == pytest.approx(10.5)
    assert scm.observational_mean(scm.ads_intercept) == pytest.approx(
        scm.do_mean(scm.ads_intercept)
    )
    assert np.allclose(scm.do_mean(np.array([1.0, 2.0])), [11.0, 11.5])


def test_scm_regressions_recover_truth(rng):
    scm = MarketingSCM()
    data, _ = scm.simulate(50_000, rng=rng)
    naive, _ = _ols(data["sales"].to_numpy(), data["ads"].to_numpy())
    adjusted, _ = _ols(data["sales"].to_numpy(), data["ads"].to_numpy(), data["demand"].to_numpy())
    assert naive[1] == pytest.approx(scm.naive_slope, abs=0.03)
    assert adjusted[1] == pytest.approx(scm.total_effect, abs=0.03)


def test_scm_observational_mean_matches_simulation(rng):
    scm = MarketingSCM()
    data, _ = scm.simulate(200_000, rng=rng)
    near = (data["ads"] - 3.0).abs() < 0.05
    assert data.loc[near, "sales"].mean() == pytest.approx(scm.observational_mean(3.0), abs=0.08)


def test_scm_noise_reconstructs_data(rng):
    scm = MarketingSCM()
    data, noise = scm.simulate(10, rng=rng)
    cf = scm.counterfactual_sales(data, noise, 0.0)
    same = scm.counterfactual_sales(data, noise, 1.0) - cf
    assert np.allclose(same, scm.total_effect)
    factual = [
        scm.counterfactual_sales(data.iloc[[i]], noise.iloc[[i]], a)[0]
        for i, a in enumerate(data["ads"])
    ]
    assert np.allclose(factual, data["sales"])


def test_scm_seed_contract():
    a, na = MarketingSCM().simulate(20, rng=3)
    b, nb = MarketingSCM().simulate(20, rng=np.random.default_rng(3))
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(na, nb)
    c, _ = MarketingSCM().simulate(20, rng=4)
    assert not np.allclose(a["sales"], c["sales"])


def test_scm_hidden_confounder_biases_adjusted_regression(rng):
    data, _ = MarketingSCM().simulate(50_000, rng=rng, hidden_strength=0.8)
    coef, _ = _ols(data["sales"].to_numpy(), data["ads"].to_numpy(), data["demand"].to_numpy())
    # Var(X | Z) = 0.64 + 0.64; bias = 0.8 * 0.8 / 1.28 = 0.5
    assert coef[1] == pytest.approx(0.5 + 0.5, abs=0.03)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"ads_sd": 0.0}, ValueError, "`ads_sd` must be a finite number > 0"),
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
    with pytest.raises(ValueError, match="`n` must be a positive integer"):
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
    assert sim.iv_limit == pytest.approx(0.5)


@pytest.mark.parametrize("direct", [0.0, 0.6])
def test_wald_estimate_converges_to_iv_limit(direct, rng):
    sim = simulate_iv(100_000, strength=2.0, direct=direct, rng=rng)
    cov = np.cov(sim.data.to_numpy(float).T)
    assert cov[0, 2] / cov[0, 1] == pytest.approx(sim.iv_limit, abs=0.03)
    slope = np.polyfit(sim.data["ads"], sim.data["sales"], 1)[0]
    assert slope > sim.effect + 0.3  # the hidden confounder inflates the naive slope


def test_simulate_iv_seed_contract():
    a = simulate_iv(30, rng=5).data
    b = simulate_iv(30, rng=np.random.default_rng(5)).data
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 1}, ValueError, "`n` must be >= 2"),
        ({"n": 2.5}, ValueError, "`n` must be a positive integer"),
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
    assert draw_dag(marketing_dag(), ax=ax, hidden=["demand"], title="t") is ax
    assert ax.get_title() == "t"
    assert draw_dag(nx.DiGraph([("u", "x"), ("x", "y")])).get_title() == "Causal DAG"
    with pytest.raises(ValueError, match="`highlight` edge"):
        draw_dag(marketing_dag(), highlight=[("sales", "ads")])


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
    assert bias == pytest.approx(abs(without[1] - with_u[1]), rel=1e-9)


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
    assert confounder_bias(r, r2, sd_outcome_resid=2 * sy, sd_treatment_resid=sx) == pytest.approx(
        2 * b
    )


@settings(max_examples=30, deadline=None)
@given(estimate=st.floats(0.01, 5), sy=st.floats(0.1, 5), sx=st.floats(0.1, 5))
def test_robustness_value_zeroes_the_estimate(estimate, sy, sx):
    r = robustness_value(estimate, sd_outcome_resid=sy, sd_treatment_resid=sx)
    assert 0 < r < 1
    assert confounder_bias(r, r, sd_outcome_resid=sy, sd_treatment_resid=sx) == pytest.approx(
        estimate, rel=1e-6
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
    assert mean == pytest.approx(robustness_value(draws.mean(), **kw), abs=1e-8)
    assert flip_strength(-draws, **kw) == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: confounder_bias(1.0, 0.1, sd_outcome_resid=1.0, sd_treatment_resid=1.0),
            "`r2_outcome` must lie in",
        ),
        (
            lambda: confounder_bias(0.1, -0.1, sd_outcome_resid=1.0, sd_treatment_resid=1.0),
            "`r2_treatment` must lie in",
        ),
        (
            lambda: confounder_bias(0.1, 0.1, sd_outcome_resid=0.0, sd_treatment_resid=1.0),
            "`sd_outcome_resid` must be",
        ),
        (
            lambda: sensitivity_sweep([1.0], [0.1], sd_outcome_resid=1.0, sd_treatment_resid=1.0),
            "`effect_draws` must be 1-D",
        ),
        (
            lambda: sensitivity_sweep(
                [1.0, 2.0], [0.1], sd_outcome_resid=1.0, sd_treatment_resid=1.0, prob=1.0
            ),
            "`prob` must be in",
        ),
        (
            lambda: sensitivity_sweep(
                [1.0, 2.0], [1.5], sd_outcome_resid=1.0, sd_treatment_resid=1.0
            ),
            "`strengths` must lie in",
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
