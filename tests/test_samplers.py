"""Tests of helpers.samplers (and helpers.variational): the NumPy samplers on Gaussians with known moments."""

import arviz as az
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.montecarlo import moments_with_mcse
from helpers.samplers import GaussianTarget, hmc, leapfrog, plot_target, random_walk_metropolis
from helpers.variational import mean_field_sd

TARGET = GaussianTarget(np.array([1.0, -2.0]), np.array([[2.0, 0.9], [0.9, 1.0]]))


# --- GaussianTarget ---------------------------------------------------------------------------


def test_gaussian_target_matches_scipy():
    from scipy import stats

    x = np.array([[0.3, -1.0], [2.0, 0.5]])
    expected = stats.multivariate_normal(TARGET.mean, TARGET.cov).logpdf(x)
    np.testing.assert_allclose(TARGET.logp(x), expected)


def test_gaussian_target_gradient_matches_finite_differences():
    x, h = np.array([0.4, -1.3]), 1e-6
    numeric = [(TARGET.logp(x + h * e) - TARGET.logp(x - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(TARGET.grad(x), numeric, rtol=1e-6)


def test_correlated_constructor():
    t = GaussianTarget.correlated(0.5, sds=(2.0, 3.0), mean=(1.0, 0.0))
    np.testing.assert_allclose(t.cov, [[4.0, 3.0], [3.0, 9.0]])
    np.testing.assert_allclose(t.sd, [2.0, 3.0])


@pytest.mark.parametrize(
    ("mean", "cov", "message"),
    [
        ([[0.0]], np.eye(1), "`mean` must be a 1-D array"),
        ([0.0, np.nan], np.eye(2), "`mean` must be an array without NaN"),
        ([0.0, 0.0], np.eye(3), r"`cov` must be an array of shape \(2, 2\)"),
        ([0.0, 0.0], [[1.0, 0.5], [0.4, 1.0]], "`cov` must be a symmetric matrix"),
        ([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], "`cov` must be positive definite"),
    ],
)
def test_gaussian_target_rejects_bad_input(mean, cov, message):
    with pytest.raises(ValueError, match=message):
        GaussianTarget(np.asarray(mean), np.asarray(cov))


@pytest.mark.parametrize(
    ("rho", "error"), [(1.0, ValueError), (-1.5, ValueError), (True, TypeError)]
)
def test_correlated_rejects_bad_rho(rho, error):
    with pytest.raises(error, match="`rho` must be a"):
        GaussianTarget.correlated(rho)


# --- leapfrog -----------------------------------------------------------------------------------


def test_leapfrog_is_exact_enough_and_reversible():
    q0, p0 = np.array([0.5, -1.0]), np.array([0.3, 0.8])
    qs, ps = leapfrog(TARGET.grad, q0, p0, step_size=0.05, n_steps=40)
    energy = -TARGET.logp(qs) + 0.5 * np.sum(ps**2, axis=1)
    assert np.max(np.abs(energy - energy[0])) < 0.01
    # reversibility: integrate back from the end with the momentum flipped
    back_q, back_p = leapfrog(TARGET.grad, qs[-1], -ps[-1], step_size=0.05, n_steps=40)
    np.testing.assert_allclose(back_q[-1], q0, atol=1e-10)
    np.testing.assert_allclose(-back_p[-1], p0, atol=1e-10)


def test_leapfrog_matches_harmonic_oscillator():
    # standard normal: exact solution q(t) = q0 cos t + p0 sin t
    target = GaussianTarget(np.zeros(1), np.eye(1))
    qs, _ = leapfrog(target.grad, [1.0], [0.0], step_size=0.001, n_steps=1000)
    assert qs[-1, 0] == pytest.approx(np.cos(1.0), abs=1e-6)


def test_leapfrog_is_unstable_above_twice_the_smallest_sd():
    target = GaussianTarget.correlated(0.95)
    narrow = np.sqrt(0.05)
    _, stable = leapfrog(target.grad, [1.0, 1.0], [0.5, -0.5], step_size=1.9 * narrow, n_steps=200)
    _, unstable = leapfrog(
        target.grad, [1.0, 1.0], [0.5, -0.5], step_size=2.1 * narrow, n_steps=200
    )
    assert np.abs(stable).max() < 10
    assert np.abs(unstable).max() > 1e3


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"grad_logp": 3}, TypeError, "`grad_logp` must be callable"),
        ({"q": [0.0, 0.0, 0.0]}, ValueError, "`q` and `p` must have the same shape"),
        ({"step_size": 0.0}, ValueError, "`step_size` must be a number > 0"),
        ({"step_size": "big"}, TypeError, "`step_size` must be a real number"),
        ({"n_steps": 0}, ValueError, "`n_steps` must be an integer >= 1"),
    ],
)
def test_leapfrog_rejects_bad_input(kwargs, error, message):
    args = {"grad_logp": TARGET.grad, "q": [0.0, 0.0], "p": [1.0, 0.0], "step_size": 0.1}
    args.update({"n_steps": 5, **kwargs})
    with pytest.raises(error, match=message):
        leapfrog(args.pop("grad_logp"), args.pop("q"), args.pop("p"), **args)


# --- samplers -----------------------------------------------------------------------------------


def test_hmc_beats_random_walk_per_evaluation():
    target = GaussianTarget.correlated(0.95)
    h = hmc(target.logp, target.grad, [0.0, 0.0], n_draws=1000, step_size=0.2, n_steps=12, rng=1)
    r = random_walk_metropolis(target.logp, [0.0, 0.0], n_draws=12_000, step_size=0.45, rng=1)
    ess_h = min(float(az.ess(h.draws[None, :, i])) for i in range(2))
    ess_r = min(float(az.ess(r.draws[None, :, i])) for i in range(2))
    assert ess_h / (h.n_grad + h.n_logp) > 3 * ess_r / r.n_logp


@pytest.mark.parametrize("sampler", ["hmc", "rwm"])
def test_samplers_are_reproducible(sampler, rng):
    def run(seed):
        if sampler == "hmc":
            return hmc(
                TARGET.logp,
                TARGET.grad,
                [0.0, 0.0],
                n_draws=50,
                step_size=0.2,
                n_steps=5,
                rng=seed,
            ).draws
        return random_walk_metropolis(
            TARGET.logp, [0.0, 0.0], n_draws=50, step_size=0.5, rng=seed
        ).draws

    np.testing.assert_array_equal(run(7), run(7))
    assert not np.array_equal(run(7), run(8))
    assert run(np.random.default_rng(7)).shape == (50, 2)


def test_hmc_without_jitter_is_the_plain_transition_of_notebook_07():
    # the order of random draws per iteration (momentum, then the acceptance uniform) is the
    # contract notebook 07 checks its hand-written transition against
    gen, q, draws = np.random.default_rng(11), np.array([0.5, 0.5]), []
    for _ in range(30):
        p0 = gen.standard_normal(2)
        qs, ps = leapfrog(TARGET.grad, q, p0, step_size=0.2, n_steps=6)
        h0 = -TARGET.logp(q) + 0.5 * p0 @ p0
        h1 = -TARGET.logp(qs[-1]) + 0.5 * ps[-1] @ ps[-1]
        if np.log(gen.uniform()) < h0 - h1:
            q = qs[-1]
        draws.append(q)
    res = hmc(
        TARGET.logp,
        TARGET.grad,
        [0.5, 0.5],
        n_draws=30,
        step_size=0.2,
        n_steps=6,
        jitter=0.0,
        rng=11,
    )
    np.testing.assert_allclose(res.draws, draws, rtol=0, atol=1e-12)


def test_random_walk_is_the_plain_transition_of_notebook_07():
    gen, x, draws = np.random.default_rng(12), np.array([0.0, 0.0]), []
    for _ in range(200):
        proposal = x + 0.7 * gen.standard_normal(2)
        if np.log(gen.uniform()) < TARGET.logp(proposal) - TARGET.logp(x):
            x = proposal
        draws.append(x)
    res = random_walk_metropolis(TARGET.logp, [0.0, 0.0], n_draws=200, step_size=0.7, rng=12)
    np.testing.assert_array_equal(res.draws, draws)


def test_hmc_rejects_everything_when_unstable():
    target = GaussianTarget.correlated(0.95)
    res = hmc(
        target.logp,
        target.grad,
        [0.0, 0.0],
        n_draws=50,
        step_size=0.8,
        n_steps=30,
        jitter=0.0,
        rng=0,
    )
    assert res.accept_rate < 0.1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"logp": None}, TypeError, "`logp` must be callable"),
        ({"x0": [[0.0]]}, ValueError, "`x0` must be a 1-D array"),
        ({"n_draws": 0}, ValueError, "`n_draws` must be an integer >= 1"),
        ({"jitter": 1.0}, ValueError, r"`jitter` must be a number in \[0, 1\)"),
        ({"step_size": -1.0}, ValueError, "`step_size` must be a number > 0"),
        ({"rng": "seed"}, TypeError, "`rng` must be a numpy.random.Generator"),
    ],
)
def test_hmc_rejects_bad_input(kwargs, error, message):
    args = {
        "logp": TARGET.logp,
        "grad_logp": TARGET.grad,
        "x0": [0.0, 0.0],
        "n_draws": 5,
        "step_size": 0.1,
        "n_steps": 3,
        **kwargs,
    }
    with pytest.raises(error, match=message):
        hmc(args.pop("logp"), args.pop("grad_logp"), args.pop("x0"), **args)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"logp": 1.0}, TypeError, "`logp` must be callable"),
        ({"step_size": np.inf}, ValueError, "`step_size` must be a finite number"),
        ({"step_size": 0.0}, ValueError, "`step_size` must be a number > 0"),
        ({"n_draws": 2.5}, TypeError, "`n_draws` must be an integer"),
    ],
)
def test_random_walk_rejects_bad_input(kwargs, error, message):
    args = {"logp": TARGET.logp, "x0": [0.0, 0.0], "n_draws": 5, "step_size": 0.1, **kwargs}
    with pytest.raises(error, match=message):
        random_walk_metropolis(args.pop("logp"), args.pop("x0"), **args)


@settings(max_examples=25, deadline=None)
@given(st.floats(-0.9, 0.9), st.floats(0.05, 0.6), st.integers(0, 2**31 - 2))
def test_hmc_acceptance_is_a_probability_and_draws_are_finite(rho, step, seed):
    target = GaussianTarget.correlated(rho)
    res = hmc(target.logp, target.grad, [0.0, 0.0], n_draws=20, step_size=step, n_steps=5, rng=seed)
    assert 0.0 <= res.accept_rate <= 1.0
    assert np.all(np.isfinite(res.draws))


@settings(max_examples=25, deadline=None)
@given(st.floats(-0.9, 0.9), st.floats(0.01, 0.3), st.integers(1, 30))
def test_leapfrog_energy_error_is_small_for_small_steps(rho, step, n_steps):
    # leapfrog's energy error is O(step^2) and bounded below the stability limit
    target = GaussianTarget.correlated(rho)
    qs, ps = leapfrog(target.grad, [0.5, -0.5], [1.0, 0.2], step_size=step, n_steps=n_steps)
    energy = -target.logp(qs) + 0.5 * np.sum(ps**2, axis=1)
    narrow = np.sqrt(1 - abs(rho))
    assert np.max(np.abs(energy - energy[0])) < 5 * (step / narrow) ** 2 + 1e-9


# --- mean_field_sd ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.floats(-0.99, 0.99), st.floats(0.1, 5), st.floats(0.1, 5))
def test_mean_field_sd_never_exceeds_the_marginal_sd(rho, s1, s2):
    target = GaussianTarget.correlated(rho, sds=(s1, s2))
    mf = mean_field_sd(target.cov)
    assert np.all(mf <= target.sd * (1 + 1e-9))
    assert np.all(mf > 0)


# --- moments_with_mcse --------------------------------------------------------------------------


# --- stack_draws and compare_methods ------------------------------------------------------------


# --- plot_target --------------------------------------------------------------------------------


def test_plot_target_draws_on_given_axes():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert plot_target(TARGET.logp, ax=ax, extent=2.0) is ax
    assert ax.get_xlim() == pytest.approx((-2.0, 2.0))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"logp": 1}, TypeError, "`logp` must be callable"),
        ({"extent": 0.0}, ValueError, "`extent` must be a number > 0"),
        ({"levels": 0}, ValueError, "`levels` must be an integer >= 1"),
    ],
)
def test_plot_target_rejects_bad_input(kwargs, error, message):
    args = {"logp": TARGET.logp, **kwargs}
    with pytest.raises(error, match=message):
        plot_target(args.pop("logp"), **args)


def test_hmc_recovers_known_moments():
    res = hmc(TARGET.logp, TARGET.grad, [0.0, 0.0], n_draws=4000, step_size=0.25, n_steps=10, rng=3)
    mean, mean_se, cov, cov_se = moments_with_mcse(res.draws, TARGET.mean)
    assert np.all(np.abs(mean - TARGET.mean) < 4 * mean_se)
    assert np.all(np.abs(cov - TARGET.cov) < 4 * cov_se)
    assert 0.7 < res.accept_rate <= 1.0
    assert res.n_grad == 40_000


def test_random_walk_recovers_known_moments():
    res = random_walk_metropolis(TARGET.logp, [1.0, -2.0], n_draws=60_000, step_size=0.8, rng=4)
    mean, mean_se, cov, cov_se = moments_with_mcse(res.draws[5000:], TARGET.mean)
    assert np.all(np.abs(mean - TARGET.mean) < 4 * mean_se)
    assert np.all(np.abs(cov - TARGET.cov) < 4 * cov_se)
    assert res.n_grad == 0
