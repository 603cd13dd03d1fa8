"""The notebook 03 self-checks: reference answers pass, plausible wrong answers fail."""

import arviz as az
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import check
from helpers.exercises import exercise_ids, nb03
from helpers.regression import prediction_table
from tests.test_exercises import assert_expected_is_right, assert_teaches


@pytest.fixture
def idata(rng):
    """A small fake posterior with the notebook's variable names and dims."""
    n_chain, n_draw = 2, 500
    beta = rng.normal([0.03, -0.02, 0.04, -0.015], 0.003, size=(n_chain, n_draw, 4))
    return az.from_dict(
        {
            "posterior": {
                "alpha": rng.normal(0.25, 0.003, size=(n_chain, n_draw)),
                "beta": beta,
                "sigma": np.abs(rng.normal(0.025, 0.002, size=(n_chain, n_draw))),
            }
        },
        coords={"feature": ["centrality", "response_time", "burstiness", "reciprocity"]},
        dims={"beta": ["feature"]},
    )


def test_ids():
    assert exercise_ids("03") == ["03-1", "03-2", "03-3", "03-4"]


def test_03_1():
    p = 13 / 82
    check.exercise("03-1", np.sqrt(p * (1 - p) / 80))
    assert_teaches("03-1", np.sqrt(0.15 * 0.85 / 80))  # unsmoothed share
    with pytest.raises(check.AnswerMalformed, match="expects one number .* a list of 2 items"):
        check.exercise("03-1", [0.04, 0.05])


def test_03_2(idata):
    draws = idata.posterior["beta"].sel(feature="burstiness")
    check.exercise("03-2", float((draws > 0.04).mean()), idata=idata)
    assert_teaches("03-2", float((draws > 0.03).mean()), idata=idata)
    assert assert_expected_is_right("03-2", idata=idata) == float((draws > 0.04).mean())


def test_03_3(rng):
    rows = pd.DataFrame({"messages": [20, 30, 40, 500], "share": [0.1, 0.5, 0.2, 0.3]})
    table = prediction_table(rng.normal(0.2, 0.1, size=(4000, 4)))
    few = rows["messages"] < 50
    inside = (rows["share"] >= table["2.5%"]) & (rows["share"] <= table["97.5%"])
    right = float(inside[few].mean())
    check.exercise("03-3", right, table=table, rows=rows)
    assert_teaches("03-3", float(inside.mean()), table=table, rows=rows)  # all rows
    assert assert_expected_is_right("03-3", table=table, rows=rows) == right


def test_exact_tail_matches_simulation(idata, rng):
    exact = nb03.exact_tail_probability(idata)
    n = 400_000
    post = az.extract(idata)
    pick = rng.integers(0, post.sizes["sample"], size=n)
    mu = post["alpha"].values + nb03.NEW_ACCOUNT @ post["beta"].values
    theta = np.clip(rng.normal(mu[pick], post["sigma"].values[pick]), 0.001, 0.999)
    simulated = np.mean(rng.binomial(50, theta) >= 18)
    assert simulated == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / n))


def test_03_4(idata, rng):
    post = az.extract(idata)
    theta = (
        post["alpha"].values
        + nb03.NEW_ACCOUNT @ post["beta"].values
        + rng.normal(0, post["sigma"].values)
    )
    answer = float(np.mean(rng.binomial(50, np.clip(theta, 0.001, 0.999)) >= 18))
    check.exercise("03-4", answer, idata=idata)
    # forgetting the account-to-account scatter sigma and the binomial noise: P(mu > 0.36)
    mu = post["alpha"].values + nb03.NEW_ACCOUNT @ post["beta"].values
    wrong = float(np.mean(stats.binom.sf(17, 50, mu) > 0.5))
    assert "18 or more" in assert_teaches("03-4", wrong, idata=idata)
    assert_expected_is_right("03-4", wrong=wrong, idata=idata)
