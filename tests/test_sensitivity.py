"""Tests of helpers.sensitivity: Sobol' indices against the Ishigami function's exact values."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from SALib.test_functions import Ishigami

from helpers.sensitivity import (
    ishigami_indices,
    plot_sobol,
    power_of_two,
    run_sobol,
    second_order_table,
    sobol_table,
)

NORMAL2 = {
    "num_vars": 2,
    "names": ["a", "b"],
    "dists": ["norm", "norm"],
    "bounds": [[0, 1], [0, 1]],
}
ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}


def test_ishigami_indices_literature_values():
    table = ishigami_indices()
    np.testing.assert_allclose(table["S1"], [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(table["ST"], [0.5576, 0.4424, 0.2437], atol=1e-4)
    # the variance decomposition is complete: S1 + S2 + S3 + S13 = 1
    assert table["S1"].sum() + table.attrs["S13"] == pytest.approx(1.0)


def test_ishigami_indices_by_brute_force(rng):
    """Var(E[f | x2]) from a direct conditional-mean computation matches S2 = a^2/8 / V."""
    a, b = 5.0, 0.2
    x = rng.uniform(-np.pi, np.pi, size=(400_000, 3))
    total_var = Ishigami.evaluate(x, A=a, B=b).var()
    # E[f | x2] = a sin^2 x2 + const, so its variance is a^2 Var(sin^2 x2) = a^2 / 8
    assert ishigami_indices(a, b).loc["x2", "S1"] == pytest.approx(a**2 / 8 / total_var, rel=0.02)


def test_ishigami_indices_validation():
    with pytest.raises(TypeError, match="`a` must be a real number"):
        ishigami_indices("7")
    with pytest.raises(TypeError, match="`b` must be a real number"):
        ishigami_indices(7.0, True)


@given(st.floats(0, 20), st.floats(0, 1))
def test_ishigami_indices_properties(a, b):
    table = ishigami_indices(a, b)
    assert np.all(table["S1"] >= 0) and np.all(table["S1"] <= table["ST"] + 1e-12)
    assert table["S1"].sum() <= 1 + 1e-12


def test_run_sobol_recovers_ishigami_and_is_reproducible():
    si = run_sobol(ISHIGAMI, Ishigami.evaluate, 2048, rng=11)
    table = sobol_table(si, ISHIGAMI)
    exact = ishigami_indices()
    assert np.all(np.abs(table["S1"] - exact["S1"]) <= 2 * table["S1_conf"] + 1e-9)
    assert np.all(np.abs(table["ST"] - exact["ST"]) <= 2 * table["ST_conf"] + 1e-9)
    again = sobol_table(run_sobol(ISHIGAMI, Ishigami.evaluate, 2048, rng=11), ISHIGAMI)
    pd.testing.assert_frame_equal(table, again)
    assert "groups" not in ISHIGAMI  # the caller's problem is not modified


def test_run_sobol_without_second_order():
    si = run_sobol(ISHIGAMI, Ishigami.evaluate, 256, rng=1, second_order=False)
    assert "S2" not in si and si["n_runs"] == 256 * 5
    with pytest.raises(ValueError, match="has no 'S2'"):
        second_order_table(si, ISHIGAMI)


def test_run_sobol_validation():
    with pytest.raises(ValueError, match="`n_draws` must be a power of two; got 1000"):
        run_sobol(ISHIGAMI, Ishigami.evaluate, 1000, rng=0)
    with pytest.raises(ValueError, match=r"`model` must return shape \(40,\)"):
        run_sobol(ISHIGAMI, lambda x: x, 8, rng=0, second_order=False)


def test_additive_model_has_no_interactions():
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    si = run_sobol(problem, lambda x: x[:, 0] + 2 * x[:, 1], 1024, rng=2)
    table = sobol_table(si, problem)
    np.testing.assert_allclose(table["S1"], [0.2, 0.8], atol=0.03)
    np.testing.assert_allclose(table["interaction"], 0, atol=0.03)
    assert abs(second_order_table(si, problem)["S2"].iloc[0]) < 0.05


@pytest.mark.parametrize(
    ("result", "message"),
    [
        ({"S1": [0.1, 0.2]}, "must have the key 'S1_conf'"),
        (
            {"S1": [0.1], "S1_conf": [0.1], "ST": [0.1], "ST_conf": [0.1]},
            r"`result\['S1'\]` must have length 2",
        ),
    ],
)
def test_sobol_table_validation(result, message):
    with pytest.raises(ValueError, match=message):
        sobol_table(result, NORMAL2)


def test_second_order_table_shape_validation():
    with pytest.raises(ValueError, match=r"`result\['S2'\]` must have shape \(2, 2\)"):
        second_order_table({"S2": np.zeros((3, 3)), "S2_conf": np.zeros((3, 3))}, NORMAL2)


def test_power_of_two():
    assert [power_of_two(n) for n in (1, 2, 3, 1023, 1024, 20_000)] == [1, 2, 2, 512, 1024, 16384]
    with pytest.raises(ValueError, match="`n` must be an integer >= 1"):
        power_of_two(0)


@given(st.integers(1, 2**40))
def test_power_of_two_property(n):
    p = power_of_two(n)
    assert p <= n < 2 * p and p & (p - 1) == 0


def test_plot_sobol_returns_labelled_axes():
    table = sobol_table(
        {"S1": [0.5, 0.2], "S1_conf": [0.1, 0.1], "ST": [0.6, 0.3], "ST_conf": [0.1, 0.1]}, NORMAL2
    )
    ax = plot_sobol(table, title="t")
    assert ax.get_title() == "t" and ax.get_ylabel()
    with pytest.raises(ValueError, match="missing columns"):
        plot_sobol(table.drop(columns="ST"), title="t")
