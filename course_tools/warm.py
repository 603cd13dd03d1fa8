"""Warm the compile caches so that a learner's first notebook does not pay the whole compile.

PyMC compiles every model with PyTensor (numba backend) the first time it meets it, and keeps the
result in PyTensor's compile directory (``~/.pytensor`` unless ``PYTENSOR_FLAGS`` says otherwise;
the numba cache lives inside it, under ``numba/``), which persists between sessions. Compiled
pieces are shared between models that use the same operations, so compiling small models of the
kinds the first notebooks use (a Beta-Binomial A/B test, a regression with ``pm.Data`` and a
measurement-error likelihood, a non-centered hierarchical model, each sampled briefly with the
course's sampler settings and its posterior predictive drawn) fills most of what those notebooks
would otherwise compile themselves. Each warm-up fit is also checked against an exact answer.

``warm_caches()`` is the preflight's last check (``make doctor``); run it alone with
``python -m course_tools.warm``.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np

__all__ = ["warm_caches"]


def _sample(pm, draws: int, rng: np.random.Generator):
    from helpers.budget import get_budget

    kwargs = get_budget(fast=True).sample_kwargs(draws=draws, tune=draws, progressbar=False)
    idata = pm.sample(**kwargs, random_seed=rng, compute_convergence_checks=False)
    pm.sample_posterior_predictive(idata, random_seed=rng, progressbar=False)
    return idata


def warm_caches(draws: int = 200, seed: int = 0) -> str:
    """Compile and briefly sample the kinds of models the first notebooks use.

    Parameters
    ----------
    draws : int, default 200
        Draws and tuning steps per chain of each warm-up fit (at least 100: the A/B fit is
        checked against its exact posterior mean).
    seed : int, default 0
        Seed of the warm-up's random numbers.

    Returns
    -------
    str
        What was compiled and how long it took.

    Raises
    ------
    TypeError
        If ``draws`` or ``seed`` is not an int.
    ValueError
        If ``draws`` is below 100 or ``seed`` is negative.
    RuntimeError
        If the A/B fit misses its exact posterior mean (a broken installation).
    """
    for name, value in (("draws", draws), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"`{name}` must be an int; got {type(value).__name__}")
    if draws < 100:
        raise ValueError(f"`draws` must be at least 100; got {draws}")
    if seed < 0:
        raise ValueError(f"`seed` must be non-negative; got {seed}")
    from helpers.known_warnings import silence_known_warnings

    silence_known_warnings()
    import pymc as pm

    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # short-run advice on a toy fit
        # Notebook 02: a Beta-Binomial A/B test with Deterministic contrasts.
        visitors, clicks = np.array([1000, 1000]), np.array([100, 120])
        with pm.Model(coords={"variant": ["A", "B"]}):
            theta = pm.Beta("theta", alpha=1.0, beta=1.0, dims="variant")
            pm.Binomial("clicks", n=visitors, p=theta, observed=clicks, dims="variant")
            pm.Deterministic("delta", theta[1] - theta[0])
            pm.Deterministic("lift", theta[1] / theta[0] - 1)
            ab = _sample(pm, draws, rng)
        # Notebook 03: a regression on pm.Data with a per-row measurement-error likelihood.
        n, k = 60, 3
        x = rng.normal(size=(n, k))
        m = rng.integers(50, 500, size=n)
        share = np.clip(0.25 + x @ np.array([0.03, -0.02, 0.01]), 0.01, 0.99)
        y = rng.binomial(m, share) / m
        with pm.Model(coords={"feature": range(k), "account": range(n)}):
            xd = pm.Data("X", x, dims=("account", "feature"))
            md = pm.Data("messages", m.astype(float), dims="account")
            yd = pm.Data("observed_share", y, dims="account")
            alpha = pm.Normal("alpha", 0.25, 0.15)
            beta = pm.Normal("beta", 0.0, 0.05, dims="feature")
            sigma = pm.HalfNormal("sigma", 0.05)
            mu = pm.Deterministic("mu", alpha + xd @ beta, dims="account")
            p = pm.math.clip(mu, 0.001, 0.999)
            se = pm.math.sqrt(p * (1 - p) / md)
            pm.Normal("share", mu, pm.math.sqrt(sigma**2 + se**2), observed=yd, dims="account")
            _sample(pm, draws, rng)
        # Notebook 05: the non-centered eight-schools model.
        effects = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
        errors = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
        with pm.Model(coords={"school": range(8)}):
            mu = pm.Normal("mu", 0.0, 20.0)
            tau = pm.HalfCauchy("tau", 5.0)
            z = pm.Normal("z", 0.0, 1.0, dims="school")
            school = pm.Deterministic("theta", mu + tau * z, dims="school")
            pm.Normal("y", school, errors, observed=effects, dims="school")
            _sample(pm, draws, rng)
    # The A/B fit against its exact Beta posterior mean, within 5 Monte Carlo standard errors
    # (the effective sample size of the run sets the error; the check fails on a broken sampler).
    import arviz as az

    exact = (1 + clicks) / (2 + visitors)
    post = ab.posterior["theta"]
    mean = post.mean(("chain", "draw")).to_numpy()
    sd = post.std(("chain", "draw")).to_numpy()
    ess = az.ess(ab, var_names=["theta"])["theta"].to_numpy()
    tolerance = 5 * sd / np.sqrt(ess)
    if np.any(np.abs(mean - exact) > tolerance):
        raise RuntimeError(
            f"the warm-up A/B fit's posterior means {mean.round(4)} miss the exact "
            f"{exact.round(4)} by more than 5 Monte Carlo standard errors"
        )
    return (
        f"compiled and sampled 3 model kinds (A/B, regression, hierarchical) in "
        f"{time.perf_counter() - start:.0f} s; the A/B fit matches its exact posterior"
    )


if __name__ == "__main__":
    print(warm_caches())
    sys.exit(0)
