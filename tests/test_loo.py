"""Tests of helpers.loo."""

import arviz as az
import numpy as np
import pytest

from helpers.loo import compare_loo, loo_pointwise


def _loo_idata(rng, loc, n=40):
    """Fake fits with exact Normal(loc, 1) log-likelihoods for the same data (no sampling)."""
    y = rng.normal(size=n)
    mu = loc + 0.05 * rng.normal(size=(2, 300, 1))
    loglik = -0.5 * (y - mu) ** 2 - 0.5 * np.log(2 * np.pi)
    return az.from_dict({"posterior": {"mu": mu[..., 0]}, "log_likelihood": {"y": loglik}})


def test_compare_loo_ranks_the_better_model_and_adds_k(rng):
    g = np.random.default_rng(3)
    good, bad = _loo_idata(g, 0.0), _loo_idata(np.random.default_rng(3), 2.0)
    table = compare_loo({"bad": bad, "good": good})
    assert table.index[0] == "good"
    assert {"max_k", "n_high_k"} <= set(table.columns)
    assert (table["n_high_k"] >= 0).all()


def test_compare_loo_keeps_unrounded_numbers(rng):
    # ArviZ 1's compare rounds elpd to the precision its SE allows unless told not to
    import warnings

    good, bad = _loo_idata(rng, 0.0), _loo_idata(rng, 0.7)
    table = compare_loo({"good": good, "bad": bad})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exact = az.loo(bad).elpd
    assert table.loc["bad", "elpd"] == pytest.approx(exact, rel=1e-12)


def test_compare_loo_counts_a_nan_pareto_k_as_high(rng):
    # one observation explained by a few draws only: ArviZ 1 gives k = NaN for it
    good = _loo_idata(np.random.default_rng(3), 0.0)
    bad = _loo_idata(np.random.default_rng(3), 0.0)
    bad["log_likelihood"]["y"][..., 0] = -0.5 * (40 * rng.normal(size=(2, 300))) ** 2
    assert np.isnan(loo_pointwise(bad)["pareto_k"].iloc[0])
    table = compare_loo({"good": good, "bad": bad})
    assert table.loc["bad", "max_k"] == np.inf
    assert table.loc["bad", "n_high_k"] >= 1
    assert table.loc["good", "n_high_k"] == 0


def test_loo_pointwise_shape(rng):
    frame = loo_pointwise(_loo_idata(rng, 0.0))
    assert list(frame.columns) == ["elpd_loo_i", "pareto_k"] and len(frame) == 40
    assert np.isfinite(frame.to_numpy()).all()


def test_loo_helpers_validate(rng):
    no_ll = az.from_dict({"posterior": {"mu": rng.normal(size=(2, 50))}})
    with pytest.raises(ValueError, match="at least two"):
        compare_loo({"a": _loo_idata(rng, 0.0)})
    with pytest.raises(ValueError, match=r"`models\['b'\]` has no log_likelihood"):
        compare_loo({"a": _loo_idata(rng, 0.0), "b": no_ll})
    with pytest.raises(ValueError, match="must have a log_likelihood group"):
        loo_pointwise(no_ll)
