"""Tests of helpers.compare: the fit-comparison tables and the stopwatch."""

import arviz as az
import numpy as np
import pandas as pd
import pytest

from helpers.compare import Stopwatch, agreement_table, compare_methods, ess_per_second_table


def _fake_idata(rng, scale, diverging):
    draws = rng.normal(size=(2, 200))
    slow = np.cumsum(draws, axis=1) * scale if scale else draws  # a random walk mixes badly
    idata = az.from_dict(
        {
            "posterior": {"a": slow, "b": rng.normal(size=(2, 200))},
            "sample_stats": {"diverging": np.arange(400).reshape(2, 200) < diverging},
        }
    )
    idata.posterior.attrs["sampling_time"] = 2.0
    return idata


def test_stopwatch_measures_and_requires_with():
    with Stopwatch() as clock:
        sum(range(10))
    assert 0 <= clock.seconds < 5
    with pytest.raises(RuntimeError, match="must be used as a context manager"):
        Stopwatch().__exit__(None, None, None)


def test_ess_per_second_table(rng):
    good, bad = _fake_idata(rng, 0, 0), _fake_idata(rng, 1.0, 3)
    table = ess_per_second_table({"good": good, "bad": bad}, seconds={"good": 1.0, "bad": 4.0})
    assert table.loc["bad", "divergences"] == 3 and table.loc["good", "divergences"] == 0
    assert table.loc["good", "bulk ESS / s"] > table.loc["bad", "bulk ESS / s"]
    assert table.loc["good", "bulk ESS / s"] == pytest.approx(table.loc["good", "min bulk ESS"])
    assert table.loc["good", "sampler seconds"] == 2.0
    only_b = ess_per_second_table({"bad": bad}, seconds={"bad": 1.0}, var_names=["b"])
    assert only_b.loc["bad", "min bulk ESS"] > table.loc["bad", "min bulk ESS"]


def test_ess_per_second_table_rejects_bad_input(rng):
    idata = _fake_idata(rng, 0, 0)
    with pytest.raises(TypeError, match="`idatas` must be a mapping from fit name to fit"):
        ess_per_second_table([idata], seconds={"a": 1.0})
    with pytest.raises(TypeError, match="`seconds` must be a mapping"):
        ess_per_second_table({"a": idata}, seconds=[1.0])
    with pytest.raises(ValueError, match="`idatas` must be a mapping with at least one fit"):
        ess_per_second_table({}, seconds={})
    with pytest.raises(ValueError, match=r"`seconds` must be keyed like `idatas` \['a'\]"):
        ess_per_second_table({"a": idata}, seconds={"b": 1.0})
    with pytest.raises(TypeError, match=r"`idatas\['a'\]` must be a fit \(DataTree\)"):
        ess_per_second_table({"a": 1}, seconds={"a": 1.0})
    with pytest.raises(ValueError, match=r"`seconds\['a'\]` must be a number > 0"):
        ess_per_second_table({"a": idata}, seconds={"a": 0.0})


def test_compare_methods_known_values(rng):
    ref = rng.normal(size=(20_000, 2))
    shifted = rng.normal(size=(20_000, 2)) * np.array([1.0, 0.5]) + np.array([0.5, 0.0])
    table = compare_methods(ref, {"ref": ref, "off": shifted}, seconds={"ref": 2.0, "off": 1.0})
    assert list(table.columns) == [
        "time (s)",
        "max |mean error| / sd",
        "min sd ratio",
        "max sd ratio",
    ]
    assert table.loc["ref", "max |mean error| / sd"] == 0
    assert table.loc["off", "max |mean error| / sd"] == pytest.approx(0.5, abs=0.03)
    assert table.loc["off", "min sd ratio"] == pytest.approx(0.5, abs=0.02)
    assert table.loc["off", "max sd ratio"] == pytest.approx(1.0, abs=0.02)
    assert table.loc["off", "time (s)"] == 1.0


@pytest.mark.parametrize(
    ("reference", "candidates", "seconds", "error", "message"),
    [
        (np.zeros(5), {"a": np.zeros((5, 1))}, {"a": 1.0}, ValueError, "`reference` must be a 2-D"),
        (np.ones((5, 2)), {}, {}, ValueError, "`candidates` must be a mapping with at least one"),
        (
            np.ones((5, 2)),
            [np.ones((5, 2))],
            {"a": 1.0},
            TypeError,
            "`candidates` must be a mapping",
        ),
        (
            np.ones((5, 2)),
            {"a": np.ones((5, 3))},
            {"a": 1.0},
            ValueError,
            r"`candidates\['a'\]` must be an array of shape \(n, 2\)",
        ),
        (
            np.ones((5, 2)),
            {"a": np.ones((5, 2))},
            {"a": -1.0},
            ValueError,
            r"`seconds\['a'\]` must be a number >= 0",
        ),
        (np.ones((5, 2)), {"a": np.ones((5, 2))}, {"b": 1.0}, ValueError, "keyed like"),
    ],
)
def test_compare_methods_rejects_bad_input(reference, candidates, seconds, error, message):
    with pytest.raises(error, match=message):
        compare_methods(reference, candidates, seconds=seconds)


def test_agreement_table_errors_in_sd_units():
    ref = pd.DataFrame({"mean": [0.0, 1.0], "sd": [2.0, 0.5]}, index=["a", "b"])
    fit = pd.Series([1.0, 0.5], index=["b", "a"])  # order does not matter
    table = agreement_table({"x": fit}, ref, seconds={"x": 3.0})
    assert table.loc["a", "x error (sd)"] == pytest.approx(0.25)
    assert table.loc["b", "x error (sd)"] == pytest.approx(0.0)
    assert table.loc["wall time (s)", "x mean"] == 3.0


def test_agreement_table_errors():
    ref = pd.DataFrame({"mean": [0.0], "sd": [1.0]}, index=["a"])
    fit = pd.Series([0.0], index=["a"])
    with pytest.raises(TypeError, match="`means` must be a mapping"):
        agreement_table([fit], ref, seconds={"x": 1.0})
    with pytest.raises(ValueError, match="`reference` must be a DataFrame with columns mean, sd"):
        agreement_table({"x": fit}, ref[["mean"]], seconds={"x": 1.0})
    with pytest.raises(ValueError, match="`seconds` must be keyed like `means`"):
        agreement_table({"x": fit}, ref, seconds={"y": 1.0})
    with pytest.raises(ValueError, match="indexed like `reference`"):
        agreement_table({"x": pd.Series([0.0], index=["b"])}, ref, seconds={"x": 1.0})
    with pytest.raises(ValueError, match="must be a number > 0"):
        agreement_table({"x": fit}, ref, seconds={"x": 0.0})
