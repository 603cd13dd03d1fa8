"""helpers.workflow: simulation, test statistics, predictive p-values and LOO tables."""

import arviz as az
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers.workflow import (
    PPCResult,
    plot_ppc_density,
    plot_ppc_statistic,
    ppc_pvalue,
    share_outside,
    simulate_deliveries,
    tail_ratio,
)

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


# --- simulate_deliveries ----------------------------------------------------------------------


def test_simulation_recovers_its_line_with_normal_noise():
    sim = simulate_deliveries(20_000, intercept=18.0, slope=0.8, sigma=3.0, nu=np.inf, rng=1)
    assert dict(sim.truth) == {"intercept": 18.0, "slope": 0.8, "sigma": 3.0, "nu": np.inf}
    df = sim.data
    slope, intercept = np.polyfit(df["distance_km"], df["hours"], 1)
    assert abs(slope - 0.8) < 0.01 and abs(intercept - 18.0) < 0.15
    resid = df["hours"] - (18.0 + 0.8 * df["distance_km"])
    assert abs(resid.std() - 3.0) < 0.06
    assert df["distance_km"].between(1, 30).all()


def test_student_t_noise_has_heavier_tails_than_normal():
    kw = {"intercept": 0.0, "slope": 0.0, "sigma": 1.0, "rng": 2}
    t = simulate_deliveries(5000, nu=2.5, **kw).data["hours"]
    n = simulate_deliveries(5000, nu=np.inf, **kw).data["hours"]
    assert tail_ratio(t.to_numpy()) > tail_ratio(n.to_numpy())


def test_simulation_seed_contract():
    kw = {"intercept": 18.0, "slope": 0.8, "sigma": 3.0, "nu": 3.0}
    a = simulate_deliveries(50, rng=7, **kw).data
    b = simulate_deliveries(50, rng=7, **kw).data
    c = simulate_deliveries(50, rng=np.random.default_rng(7), **kw).data
    assert a.equals(b) and a.equals(c)
    assert not a.equals(simulate_deliveries(50, rng=8, **kw).data)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 1}, ValueError, "`n` must be an integer >= 2"),
        ({"n": 2.5}, TypeError, "`n` must be an integer"),
        ({"intercept": "18"}, TypeError, "`intercept` must be a real number"),
        ({"slope": None}, TypeError, "`slope` must be a real number"),
        ({"sigma": 0}, ValueError, "`sigma` must be a number > 0"),
        ({"sigma": "3"}, TypeError, "`sigma` must be a real number"),
        ({"nu": -1}, ValueError, "`nu` must be a number > 0"),
        ({"distance_range": (5, 1)}, ValueError, "`distance_range` must be"),
        ({"rng": 1.5}, TypeError, "`rng` must be"),
    ],
)
def test_simulation_validates(kwargs, error, message):
    args = {"n": 10, "intercept": 1.0, "slope": 1.0, "sigma": 1.0, "nu": 3.0, "rng": 0}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        simulate_deliveries(**args)


# --- tail_ratio -------------------------------------------------------------------------------


def test_tail_ratio_known_value_and_axis():
    assert float(tail_ratio([1.0, 2.0, 3.0, 4.0, 5.0])) == 2.0
    two = np.array([[1.0, 2.0, 3.0, 4.0, 5.0], [0.0, 0.0, 1.0, 2.0, 10.0]])
    np.testing.assert_allclose(tail_ratio(two), [2.0, 5.0])
    np.testing.assert_allclose(tail_ratio(two.T, axis=0), [2.0, 5.0])


@given(
    arrays(float, st.integers(4, 40), elements=finite, unique=True),
    st.floats(0.01, 100),
    finite,
)
@settings(max_examples=60, deadline=None)
def test_tail_ratio_is_location_scale_invariant_and_at_least_one(y, scale, shift):
    # the IQR must stay resolvable after shifting: rounding error ~ eps * largest value
    q25, q75 = np.percentile(y, [25, 75])
    assume((q75 - q25) * scale > 1e-8 * (np.max(np.abs(y)) * scale + abs(shift)))
    base = float(tail_ratio(y))
    assert base >= 1.0 - 1e-9
    assert np.isclose(float(tail_ratio(y * scale + shift)), base, rtol=1e-6)


def test_tail_ratio_validates():
    with pytest.raises(ValueError, match="at least 4 values"):
        tail_ratio([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="positive interquartile range"):
        tail_ratio([1.0, 1.0, 1.0, 1.0, 9.0])


# --- ppc_pvalue -------------------------------------------------------------------------------


def test_pvalue_of_a_well_specified_model_is_moderate(rng):
    res = ppc_pvalue(rng.normal(size=100), rng.normal(size=(2000, 100)), tail_ratio)
    assert isinstance(res, PPCResult) and 0.05 < res.p_value < 0.95 and not res.extreme
    assert res.replicated.shape == (2000,)


def test_pvalue_flags_outliers_the_normal_model_cannot_make(rng):
    y = rng.normal(size=100)
    y[:3] = [15.0, -12.0, 20.0]
    res = ppc_pvalue(y, rng.normal(size=(4, 500, 100)), tail_ratio)
    assert res.p_value == 0.0 and res.extreme
    assert res.replicated.shape == (2000,)


def test_pvalue_with_a_numpy_statistic_matches_direct_count(rng):
    y = rng.normal(size=30)
    rep = rng.normal(size=(300, 30))
    expected = np.mean(rep.max(axis=1) >= y.max())
    assert ppc_pvalue(y, rep, np.max).p_value == expected


@given(st.integers(0, 10_000))
@settings(max_examples=25, deadline=None)
def test_pvalue_is_a_probability(seed):
    g = np.random.default_rng(seed)
    res = ppc_pvalue(g.standard_t(3, size=20), g.normal(size=(50, 20)), np.std)
    assert 0.0 <= res.p_value <= 1.0


def test_pvalue_validates(rng):
    with pytest.raises(TypeError, match="`statistic` must be callable"):
        ppc_pvalue(rng.normal(size=5), rng.normal(size=(10, 5)), "max")
    with pytest.raises(ValueError, match=r"`observed` must be a 1\-D array"):
        ppc_pvalue(rng.normal(size=(2, 5)), rng.normal(size=(10, 5)), np.max)
    with pytest.raises(
        ValueError,
        match=r"`replicated` must be an array of shape \(\.\.\., 5\) to match `observed`",
    ):
        ppc_pvalue(rng.normal(size=5), rng.normal(size=(10, 4)), np.max)


# --- share_outside ----------------------------------------------------------------------------


def test_share_outside_known_values(rng):
    assert share_outside([-1.0, 0.5, 2.0, 3.0], 0, 2.5) == 0.5
    draws = rng.normal(size=200_000)
    assert abs(share_outside(draws, -1.96, 1.96) - 0.05) < 0.003


@given(arrays(float, st.integers(1, 50), elements=finite), finite, st.floats(0.001, 1e6))
@settings(max_examples=60, deadline=None)
def test_share_outside_is_a_probability_and_monotone(draws, low, width):
    narrow = share_outside(draws, low, low + width)
    wide = share_outside(draws, low - 1, low + width + 1)
    assert 0.0 <= wide <= narrow <= 1.0


def test_share_outside_validates():
    with pytest.raises(ValueError, match="`low` must be < `high`"):
        share_outside([1.0], 2, 1)
    with pytest.raises(ValueError, match="`draws` must be an array of at least 1 values"):
        share_outside([], 0, 1)


# --- plotting ---------------------------------------------------------------------------------


def test_plot_ppc_statistic_draws_and_labels(rng):
    res = ppc_pvalue(rng.normal(size=50), rng.normal(size=(200, 50)), tail_ratio)
    ax = plot_ppc_statistic(res, title="t", statistic_label="T (dimensionless)")
    assert ax.get_title() == "t" and ax.get_xlabel() == "T (dimensionless)"
    assert "p-value" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    _, other = plt.subplots()
    assert plot_ppc_statistic(res, title="u", statistic_label="T", ax=other) is other


def test_plot_ppc_statistic_validates():
    with pytest.raises(TypeError, match="`result` must be a PPCResult"):
        plot_ppc_statistic(0.5, title="t", statistic_label="T")


def _ppc_idata(rng, n=30, draws=50):
    y = rng.normal(size=n)
    y_rep = rng.normal(size=(2, draws, n))
    return az.from_dict(
        {"observed_data": {"y": y}, "posterior_predictive": {"y": y_rep}},
        dims={"y": ["obs"]},
    )


def test_plot_ppc_density_draws_replicates_mean_and_data(rng):
    idata = _ppc_idata(rng)
    _, ax = plt.subplots()
    assert plot_ppc_density(idata, "y", n_lines=10, ax=ax) is ax
    # 10 replicate lines, the legend proxy, the mean of the densities and the data
    assert len(ax.get_lines()) == 13
    mean_line, data_line = ax.get_lines()[-2:]
    assert np.all(mean_line.get_ydata() >= 0) and np.all(data_line.get_ydata() >= 0)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == [
        "replicated data y_rep (10 draws)",
        "mean of the y_rep densities",
        "observed data y",
    ]
    assert plot_ppc_density(idata, "y", n_lines=1) is not None  # makes its own axes


def test_plot_ppc_density_validates(rng):
    idata = _ppc_idata(rng, draws=5)
    with pytest.raises(ValueError, match="must hold 'z'"):
        plot_ppc_density(idata, "z")
    with pytest.raises(ValueError, match="`n_lines` must be an integer from 1 to 10"):
        plot_ppc_density(idata, "y", n_lines=11)
    with pytest.raises(ValueError, match="`n_lines` must be an integer from 1 to 10"):
        plot_ppc_density(idata, "y", n_lines=0)
    with pytest.raises(TypeError, match="`n_lines` must be an integer"):
        plot_ppc_density(idata, "y", n_lines=2.5)


# --- LOO --------------------------------------------------------------------------------------
