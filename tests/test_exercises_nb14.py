import numpy as np
import pandas as pd
import pytest

from helpers import check
from helpers.exercises import exercise_ids, nb14
from helpers.segments import segment_log_odds, simulate_segments
from tests.test_exercises import assert_expected_is_right, assert_teaches

MARKETS = ["US", "DE", "UK", "FR", "NL", "SE", "PL", "IE"]


@pytest.fixture
def log_odds():
    users = [24000, 12000, 6000, 3000, 1500, 800, 400, 200]
    exp = simulate_segments(users, lift_mean=0.08, lift_sd=0.1, names=MARKETS, rng=3)
    return segment_log_odds(exp.data)


def _posterior(log_odds, rng, draws=1000):
    """Exact posterior draws from the quadrature, shaped like a 4-chain fit."""
    import arviz as az

    post = nb14.exact_posterior(log_odds)
    y, s = log_odds["estimate"].to_numpy(), log_odds["se"].to_numpy()
    idx = rng.choice(post.tau.size, size=4 * draws, p=post.weights)
    tau = post.tau[idx]
    mu = rng.normal(post.mu_mean[idx], np.sqrt(post.mu_var[idx]))
    prec = 1 / s**2 + 1 / tau[:, None] ** 2
    theta = rng.normal((y / s**2 + mu[:, None] / tau[:, None] ** 2) / prec, np.sqrt(1 / prec))
    return az.from_dict(
        {
            "posterior": {
                "mu": mu.reshape(4, draws),
                "tau": tau.reshape(4, draws),
                "theta": theta.reshape(4, draws, len(y)),
            }
        },
        coords={"market": list(log_odds.index)},
        dims={"theta": ["market"]},
    )


def test_ids():
    assert exercise_ids("14") == ["14-1", "14-2", "14-3", "14-4"]


def test_12_1(log_odds, rng):
    idata = _posterior(log_odds, rng)
    answer = float((idata.posterior["mu"] > 0.05).mean())
    check.exercise("14-1", answer, idata=idata, log_odds=log_odds)
    wrong = float((idata.posterior["mu"] > 0).mean())
    assert "mu > 0.05" in assert_teaches("14-1", wrong, idata=idata, log_odds=log_odds)
    assert_expected_is_right("14-1", wrong=wrong, idata=idata, log_odds=log_odds)
    with pytest.raises(TypeError, match="log_odds"):
        check.exercise("14-1", answer, idata=idata, log_odds=None)
    with pytest.raises(TypeError, match="posterior has `mu`"):
        check.exercise("14-1", answer, idata=None, log_odds=log_odds)


def test_12_2(log_odds, rng):
    idata = _posterior(log_odds, rng)
    prob = (idata.posterior["theta"] > 0).mean(("chain", "draw"))
    answer = [m for m in MARKETS if float(prob.sel(market=m)) >= 0.9]
    check.exercise("14-2", answer, idata=idata, log_odds=log_odds)
    everything = list(MARKETS)  # every market: the small ones are not 90% sure
    message = assert_teaches("14-2", everything, idata=idata, log_odds=log_odds)
    assert "is not confident" in message
    expected = assert_expected_is_right("14-2", wrong=everything, idata=idata, log_odds=log_odds)
    assert expected == answer
    raw = [m for m, y in zip(MARKETS, log_odds["estimate"], strict=True) if y > 0]
    if set(raw) != set(answer):
        with pytest.raises(check.AnswerIncorrect):
            check.exercise("14-2", raw, idata=idata, log_odds=log_odds)
    with pytest.raises(check.AnswerMalformed, match="a list of names"):
        check.exercise("14-2", 3, idata=idata, log_odds=log_odds)
    with pytest.raises(check.AnswerMalformed, match=r"names \['Mars'\], which are not markets"):
        check.exercise("14-2", ["Mars"], idata=idata, log_odds=log_odds)
    if len(answer) > 1:
        with pytest.raises(check.AnswerIncorrect, match="order"):
            check.exercise("14-2", answer[::-1], idata=idata, log_odds=log_odds)


def test_12_2_rejects_wrong_shape(log_odds, rng):
    idata = _posterior(log_odds.iloc[:7], rng)
    with pytest.raises(TypeError, match="theta by market"):
        check.exercise("14-2", [], idata=idata, log_odds=log_odds)


def test_12_3(log_odds, rng):
    idata = _posterior(log_odds, rng)
    mu = idata.posterior["mu"].values.ravel()
    tau = idata.posterior["tau"].values.ravel()
    answer = float((mu + tau * rng.standard_normal(mu.size) > 0.05).mean())
    check.exercise("14-3", answer, idata=idata, log_odds=log_odds)
    wrong = float((mu > 0.05).mean())
    assert "theta_new > 0.05" in assert_teaches("14-3", wrong, idata=idata, log_odds=log_odds)
    assert_expected_is_right("14-3", wrong=wrong, idata=idata, log_odds=log_odds)


def test_exact_posterior_rejects_bad_table():
    with pytest.raises(TypeError, match="columns estimate and se"):
        nb14.exact_posterior(pd.DataFrame({"estimate": [0.1]}))


def test_12_4_max_pvalue(rng):
    observed = rng.normal(0.08, 0.1, size=8)
    replicated = rng.normal(0.08, 0.15, size=(500, 8))
    right = float(np.mean(replicated.max(axis=1) >= observed.max()))
    check.exercise("14-4", right, observed=observed, replicated=replicated)
    wrong = float(np.mean(replicated.min(axis=1) >= observed.min()))  # the minimum instead
    assert abs(wrong - right) > 1e-3
    assert_teaches("14-4", wrong, observed=observed, replicated=replicated)
    expected = assert_expected_is_right("14-4", observed=observed, replicated=replicated)
    assert expected == right


def test_12_4_rejects_mismatched_shapes(rng):
    with pytest.raises(TypeError, match="replicates"):
        check.exercise("14-4", 0.5, observed=np.zeros(8), replicated=np.zeros((10, 7)))
