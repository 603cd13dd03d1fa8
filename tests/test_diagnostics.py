"""The diagnostics helper on known-good and known-bad inference data (built without sampling)."""

import arviz as az
import numpy as np
import pytest

from helpers.diagnostics import DiagnosticsError, Thresholds, diagnose


def _idata(posterior, diverging=None, energy=None):
    groups = {"posterior": posterior}
    stats = {}
    if diverging is not None:
        stats["diverging"] = diverging
    if energy is not None:
        stats["energy"] = energy
    if stats:
        groups["sample_stats"] = stats
    return az.from_dict(groups)


def test_healthy_iid_draws_pass(rng):
    idata = _idata(
        {"mu": rng.normal(size=(4, 1000)), "beta": rng.normal(size=(4, 1000, 3))},
        diverging=np.zeros((4, 1000), dtype=bool),
        energy=rng.normal(size=(4, 1000)),
    )
    report = diagnose(idata)
    assert report.ok, report.problems
    assert report.per_parameter.shape == (4, 4)
    assert bool(report.table()["ok"].all())
    report.raise_if_bad()
    assert "healthy" in str(report)


def test_chains_stuck_in_different_places_fail_rhat(rng):
    draws = rng.normal(size=(4, 1000)) + np.array([0.0, 0.0, 3.0, 3.0])[:, None]
    report = diagnose(_idata({"mu": draws}))
    assert not report.ok
    assert any("R-hat" in p for p in report.problems)
    with pytest.raises(DiagnosticsError, match="R-hat"):
        report.raise_if_bad()


def test_autocorrelated_chains_fail_ess(rng):
    walk = np.cumsum(rng.normal(size=(4, 1000)), axis=1) * 0.05
    report = diagnose(_idata({"mu": walk}))
    assert any("bulk ESS" in p for p in report.problems)


def test_divergences_and_bfmi_are_counted(rng):
    diverging = np.zeros((4, 500), dtype=bool)
    diverging[0, :7] = True
    energy = np.cumsum(rng.normal(size=(4, 500)), axis=1)  # slow energy: low BFMI
    report = diagnose(_idata({"mu": rng.normal(size=(4, 500))}, diverging, energy))
    assert report.divergences == 7
    assert any("7 divergent" in p for p in report.problems)
    assert any("BFMI" in p for p in report.problems)


def test_thresholds_can_be_relaxed(rng):
    diverging = np.zeros((4, 500), dtype=bool)
    diverging[0, 0] = True
    idata = _idata({"mu": rng.normal(size=(4, 500))}, diverging)
    assert diagnose(idata, thresholds=Thresholds(max_divergences=1)).ok


def test_bad_input_is_rejected(rng):
    with pytest.raises(TypeError, match="`idata` must be an ArviZ DataTree"):
        diagnose({"mu": 1})
    with pytest.raises(ValueError, match="at least 2 chains"):
        diagnose(_idata({"mu": rng.normal(size=(1, 100))}))
    with pytest.raises(TypeError, match="`thresholds` must be a Thresholds"):
        diagnose(_idata({"mu": rng.normal(size=(2, 100))}), thresholds={"rhat_max": 1.1})
    with pytest.raises(ValueError, match="log_likelihood"):
        diagnose(_idata({"mu": rng.normal(size=(2, 100))}), loo=True)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"rhat_max": 0.9}, ValueError, "`rhat_max` must be a number >= 1"),
        ({"ess_per_chain": 0}, ValueError, "`ess_per_chain` must be a number > 0"),
        ({"max_divergences": -1}, ValueError, "`max_divergences` must be an integer >= 0"),
        ({"max_divergences": 1.0}, TypeError, "`max_divergences` must be an integer"),
        ({"bfmi_min": True}, TypeError, "`bfmi_min` must be a real number"),
    ],
)
def test_thresholds_validate(kwargs, error, message):
    with pytest.raises(error, match=message):
        Thresholds(**kwargs)


def _with_loglik(rng, influential: bool):
    """Posterior and log-likelihood without sampling; one observation can be made influential."""
    n = 30
    y = rng.normal(size=n)
    mu = 0.05 * rng.normal(size=(4, 500, 1))
    loglik = -0.5 * (y - mu) ** 2
    if influential:
        # observation 0 is explained by a few draws only: importance weights with a heavy tail
        loglik[..., 0] = -0.5 * (40 * rng.normal(size=(4, 500))) ** 2
    return az.from_dict({"posterior": {"mu": mu[..., 0]}, "log_likelihood": {"y": loglik}})


def test_pareto_k_passes_a_well_behaved_fit_quietly(rng, recwarn):
    report = diagnose(_with_loglik(rng, influential=False), loo=True)
    assert report.ok, report.problems
    assert report.pareto_k_max < 0.7
    assert "max Pareto k" in report.table().index
    assert not [w for w in recwarn if "Pareto" in str(w.message)]


def test_pareto_k_nan_from_arviz_counts_as_the_worst_case(rng):
    """ArviZ 1 returns k = NaN, with no warning, where the tail fit fails on an extreme point.

    `max` over an array with a NaN is NaN and `NaN > 0.7` is False, so a helper using them
    would pass this fit; the report must flag it and show k as infinite.
    """
    import warnings

    idata = _with_loglik(rng, influential=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ks = az.loo(idata, pointwise=True).pareto_k.values
    assert np.isnan(ks[0]), "the fixture no longer produces the NaN case this test is about"
    report = diagnose(idata, loo=True)
    assert report.pareto_k_max == np.inf
    assert any("Pareto k inf" in p for p in report.problems), report.problems
    assert not bool(report.table().loc["max Pareto k", "ok"])


def test_pareto_k_flags_an_influential_observation(rng, recwarn):
    report = diagnose(_with_loglik(rng, influential=True), loo=True)
    assert report.pareto_k_max > 0.7
    assert any("Pareto k" in p and "(1 observation)" in p for p in report.problems)
    assert not bool(report.table().loc["max Pareto k", "ok"])
    with pytest.raises(DiagnosticsError, match="LOO unreliable"):
        report.raise_if_bad()
    assert not [w for w in recwarn if "Pareto" in str(w.message)]


def _ar1_chains(rng, *, rho, chains=4, draws=400, params=2000, shift=None):
    """Converged AR(1) chains with stationary N(0, 1) marginals; optionally shift chain 0."""
    e = rng.normal(size=(chains, draws, params))
    x = np.empty_like(e)
    x[:, 0] = e[:, 0]
    for t in range(1, draws):
        x[:, t] = rho * x[:, t - 1] + np.sqrt(1 - rho**2) * e[:, t]
    if shift is not None:
        x[0] += shift
    return _idata({"theta": x})


def test_rhat_gate_fits_the_noise_of_a_fast_budget(rng):
    """Converged 4 x 400 chains with bulk ESS about 550: a fixed 1.01 gate flags healthy
    parameters often; the ESS-aware gate (99.99th percentile of the noise) almost never."""
    report = diagnose(_ar1_chains(rng, rho=0.5))
    per = report.per_parameter
    assert per["ess_bulk"].median() == pytest.approx(550, rel=0.15)
    fixed_gate_alarms = float(np.mean(per["r_hat"] > 1.01))
    assert fixed_gate_alarms > 0.05  # about 11%: the reason for the allowance
    # 2000 converged parameters at a 1e-4 false-alarm rate each: expect 0.2, allow 3
    assert int(np.sum(per["r_hat"] > per["r_hat_limit"])) <= 3
    assert per["r_hat_limit"].between(1.01, 1.04).all()


def test_rhat_gate_is_1_01_with_many_effective_draws(rng):
    report = diagnose(_ar1_chains(rng, rho=0.0, draws=1000, params=50))
    assert np.allclose(report.per_parameter["r_hat_limit"], 1.01)


def test_rhat_gate_flags_chains_that_disagree(rng):
    # one chain off by one posterior SD: R-hat about 1.1 at ESS about 550, always flagged. (Half
    # an SD gives R-hat 1.02-1.05, at the edge of what 4 x 400 draws can tell from noise at a
    # 1e-4 false-alarm rate: the full budget's 1.01 gate is what catches that.)
    report = diagnose(_ar1_chains(rng, rho=0.5, params=200, shift=1.0))
    flagged = report.per_parameter["r_hat"] > report.per_parameter["r_hat_limit"]
    assert int(flagged.sum()) == 200
    assert any("chains disagree" in p for p in report.problems)
    assert not report.ok
