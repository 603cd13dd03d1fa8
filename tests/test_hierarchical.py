import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from helpers.hierarchical import (
    EIGHT_SCHOOLS_EFFECTS,
    EIGHT_SCHOOLS_SE,
    eight_schools,
    exact_summary,
    normal_hierarchical_posterior,
    plot_shrinkage,
    precision_weighted_mean,
)

finite = st.floats(-100, 100, allow_nan=False)
positive = st.floats(0.1, 50, allow_nan=False)


# --- eight schools and complete pooling ---------------------------------------------------
def test_eight_schools_are_the_published_numbers():
    table = eight_schools()
    assert table.index.tolist() == list("ABCDEFGH")
    assert table["effect"].tolist() == [28, 8, -3, 7, -1, 1, 18, 12]
    assert table["se"].tolist() == [15, 10, 16, 11, 9, 11, 10, 18]


def test_precision_weighted_mean_known_value():
    est, se = precision_weighted_mean(EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE)
    assert est == pytest.approx(7.6856, abs=1e-3)  # Gelman et al. (2013), section 5.5: 7.7
    assert se == pytest.approx(4.0722, abs=1e-3)  # and 4.1


@given(st.lists(st.tuples(finite, positive), min_size=1, max_size=10))
def test_precision_weighted_mean_is_between_extremes_and_more_precise(pairs):
    y, s = np.array(pairs).T
    est, se = precision_weighted_mean(y, s)
    assert y.min() - 1e-9 <= est <= y.max() + 1e-9
    assert se <= s.min() + 1e-12


@given(finite, positive)
def test_equal_errors_give_the_plain_mean(shift, sd):
    y = np.array([1.0, 2.0, 6.0]) + shift
    est, se = precision_weighted_mean(y, [sd] * 3)
    assert est == pytest.approx(y.mean())
    assert se == pytest.approx(sd / np.sqrt(3))


@pytest.mark.parametrize(
    ("y", "sigma", "error", "message"),
    [
        ("abc", [1.0], TypeError, "`y` must be an array of numbers"),
        ([object()], [1.0], TypeError, "`y` must be an array of numbers"),
        ([], [], ValueError, "`y` must be"),
        ([[1.0]], [[1.0]], ValueError, "`y` must be"),
        ([np.nan], [1.0], ValueError, "`y` must be an array without NaN"),
        ([1.0], [0.0], ValueError, "`sigma` must be an array of numbers > 0"),
        ([1.0, 2.0], [1.0], ValueError, "same length"),
    ],
)
def test_precision_weighted_mean_rejects_bad_input(y, sigma, error, message):
    with pytest.raises(error, match=message):
        precision_weighted_mean(y, sigma)


# --- exact quadrature ---------------------------------------------------------------------
def test_quadrature_matches_published_classic_values():
    post = normal_hierarchical_posterior(EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE, mu_sd=5)
    assert post.mean("mu") == pytest.approx(4.40, abs=0.01)
    assert post.mean("tau") == pytest.approx(3.60, abs=0.01)


def test_quadrature_matches_brute_force_two_dimensional_integral():
    """Integrate mu and tau numerically (theta analytically) and compare E[mu | y]."""
    y, s = np.array(EIGHT_SCHOOLS_EFFECTS), np.array(EIGHT_SCHOOLS_SE)

    def joint(mu, tau):
        like = np.prod(stats.norm.pdf(y, mu, np.sqrt(s**2 + tau**2)))
        return like * stats.norm.pdf(mu, 0, 20) * stats.halfcauchy.pdf(tau, scale=5)

    opts = {"epsabs": 1e-14}
    z, _ = integrate.dblquad(joint, 0, 200, -80, 80, **opts)
    m, _ = integrate.dblquad(lambda mu, tau: mu * joint(mu, tau), 0, 200, -80, 80, **opts)
    t, _ = integrate.dblquad(lambda mu, tau: tau * joint(mu, tau), 0, 200, -80, 80, **opts)
    post = normal_hierarchical_posterior(y, s, mu_sd=20, tau_scale=5)
    assert post.mean("mu") == pytest.approx(m / z, abs=0.01)
    # tau's tail beyond 200 is cut in the brute force integral; it holds little mass
    assert post.mean("tau") == pytest.approx(t / z, abs=0.05)


def _tau_posterior_by_quad(y, s, *, mu_sd=20.0, tau_scale=5.0):
    """Posterior mean and CDF of tau by adaptive 1-D quadrature, independently of the helper.

    p(tau | y) is proportional to HalfCauchy(tau; tau_scale) x N(y; 0, diag(s^2 + tau^2) +
    mu_sd^2 11'): theta and mu integrated out analytically, the Gaussian evaluated as a dense
    covariance with a Cholesky factor (the helper uses the determinant lemma on a u-grid).
    """
    y, s = np.asarray(y, dtype=float), np.asarray(s, dtype=float)

    def log_post(tau):
        cov = np.diag(s**2 + tau**2) + mu_sd**2
        chol = np.linalg.cholesky(cov)
        z = np.linalg.solve(chol, y)
        log_like = -0.5 * (z @ z) - np.sum(np.log(np.diag(chol))) - 0.5 * y.size * np.log(2 * np.pi)
        return stats.halfcauchy.logpdf(tau, scale=tau_scale) + log_like

    scan = np.concatenate([[0.0], np.logspace(-3, 5, 200)])
    values = [log_post(t) for t in scan]
    mode, top = scan[int(np.argmax(values))], max(values)

    def density(tau):
        return np.exp(log_post(tau) - top)

    def integral(f, upper=np.inf):
        pieces = [(0.0, min(mode, upper)), (min(mode, upper), upper)]
        out = [
            integrate.quad(f, a, b, epsabs=0, epsrel=1e-10, limit=200) for a, b in pieces if b > a
        ]
        return sum(v for v, _ in out), sum(e for _, e in out)

    z, z_err = integral(density)
    m, m_err = integral(lambda t: t * density(t))
    mean = m / z
    mean_err = mean * (m_err / m + z_err / z)  # quad's own error estimates, propagated

    def cdf(t):
        return integral(density, upper=t)[0] / z

    return mean, mean_err, cdf


def _midpoint_error(y, s, grid_size, **kwargs):
    """A bound on the error in E[tau | y] of the u-grid midpoint rule with ``grid_size`` points.

    Richardson: if the error of G points is c / G^2, it is (4 / 3) |E_G - E_2G|. That holds only
    once the grid resolves the posterior of u = (2 / pi) arctan(tau / tau_scale); a posterior
    of tau far out in the half-Cauchy's tail (groups 100 apart with small sigmas) is a few cells
    wide in u at G = 200, where the c' / G^4 term has the other sign and a similar size. For
    pairs [(0, 1), (0, 6), (0, 22), (100, 30), (-98, 26)] the errors at G = 200, 400, 800, 1600
    are 6.0e-7, 4.1e-7, 1.06e-7, 2.65e-8: the first ratio is 1.5, not 4, so (4 / 3) |E_G - E_2G|
    (2.5e-7) understated the error. So use Richardson only where its premise is observed: double
    the grid until successive differences shrink by a factor 4, at K points, and bound
    |E_G - E| <= |E_G - E_K| + |E_K - E|, the first term exact, the second (4 / 3) |E_K - E_2K|.
    With an error a / G^2 + b / G^4 the ratio of successive differences is
    4 (1 + 1.25 x) / (1 + 0.3125 x), x = b / (a K^2); accepting 3 to 5 means -0.25 < x < 0.29,
    where (4 / 3) |E_K - E_2K| is (1 + 1.25 x) / (1 + x) times E_K's error, within 10% of it;
    the callers' factor 2 covers that.
    If six doublings never show the factor 4 (differences down at rounding), the finest pair
    (2^8 times finer than G) is used as it is.
    """

    def mean_tau(g):
        return normal_hierarchical_posterior(y, s, grid_size=g, **kwargs).mean("tau")

    means = [mean_tau(grid_size * 2**k) for k in range(3)]
    k = 0
    while k < 6:
        d1, d2 = means[k] - means[k + 1], means[k + 1] - means[k + 2]
        if d2 != 0 and 3 <= d1 / d2 <= 5:
            break
        k += 1
        means.append(mean_tau(grid_size * 2 ** (k + 2)))
    return abs(means[0] - means[k]) + 4 / 3 * abs(means[k] - means[k + 1])


def test_quadrature_tau_marginal_matches_adaptive_quadrature():
    y, s = [1.0, -1.0], [1.0, 1.0]
    post = normal_hierarchical_posterior(y, s, grid_size=500)
    mean, mean_err, cdf = _tau_posterior_by_quad(y, s)
    # twice the bound on the grid's error (about 1e-5 here) plus quad's own error
    tol = 2 * _midpoint_error(y, s, 500) + mean_err
    assert post.mean("tau") == pytest.approx(mean, abs=tol)
    for t in (0.5, 1.0, 3.0, 10.0):
        # The grid puts each cell's mass on its midpoint, so its CDF at t misses at most the
        # mass of the cell containing t, which is one of the two cells either side of t: their
        # two weights together bound the error (with room for the cell masses' own O(h^2) error).
        g = np.searchsorted(post.tau, t)
        cell_mass = post.weights[g - 1] + post.weights[g]
        assert post.weights[post.tau <= t].sum() == pytest.approx(cdf(t), abs=cell_mass)
    # theta_j | y lies between y_j and the pooled mean: shrinkage, never beyond
    theta = post.mean("theta")
    assert -1 < theta[1] < 0 < theta[0] < 1
    assert 0 <= post.prob_theta_above(0, 0.0) <= 1
    # every new group is above -1e6: exact up to rounding of the weighted sum (default rel 1e-6)
    assert post.prob_new_above(-1e6) == pytest.approx(1.0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(finite, positive), min_size=2, max_size=8))
# found by hypothesis: a posterior of tau narrow in u, where (4 / 3) |E_200 - E_400| understated
# the grid's error (see _midpoint_error)
@example(pairs=[(0, 1), (0, 6), (0, 22), (100, 30), (-98, 26)])
def test_quadrature_probabilities_and_shrinkage_properties(pairs):
    y, s = np.array(pairs).T
    post = normal_hierarchical_posterior(y, s, grid_size=200)
    assert np.isfinite(post.weights).all()
    mean, mean_err, _ = _tau_posterior_by_quad(y, s)
    # E[tau | y] against adaptive quadrature: twice the bound on the 200-point grid's error
    # (Richardson where its premise is observed), plus quad's error, plus 1e-9 relative for
    # rounding in either computation
    tol = 2 * _midpoint_error(y, s, 200) + mean_err + 1e-9 * mean
    assert post.mean("tau") == pytest.approx(mean, abs=tol)
    for j in range(len(y)):
        assert 0 <= post.prob_theta_above(j, 0.0) <= 1
    assert post.mean("tau") > 0
    theta = post.mean("theta")
    assert theta.min() >= min(y.min(), 0) - 1e-6 and theta.max() <= max(y.max(), 0) + 1e-6


def test_quadrature_rejects_bad_input():
    y, s = EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE
    with pytest.raises(ValueError, match="`mu_sd` must be a number > 0"):
        normal_hierarchical_posterior(y, s, mu_sd=0)
    with pytest.raises(TypeError, match="`tau_scale` must be a real number"):
        normal_hierarchical_posterior(y, s, tau_scale="5")
    with pytest.raises(ValueError, match="`grid_size` must be an integer >= 100"):
        normal_hierarchical_posterior(y, s, grid_size=10)
    post = normal_hierarchical_posterior(y, s, grid_size=100)
    with pytest.raises(ValueError, match="`name` must be 'mu', 'tau' or 'theta'"):
        post.mean("sigma")
    with pytest.raises(ValueError, match="`group` must be an integer from 0 to 7"):
        post.prob_theta_above(8, 0.0)
    with pytest.raises(TypeError, match="`group` must be an integer"):
        post.prob_theta_above(1.5, 0.0)


# --- plots and tables ---------------------------------------------------------------------
def test_shrinkage_plot_draws_points_and_line():
    ax = plot_shrinkage([3.0, -1.0], [1.0, 0.5], complete=0.7, labels=["x", "y"], sizes=[10, 20])
    assert len(ax.collections) == 2  # the two columns of points
    assert any(line.get_ydata()[0] == 0.7 for line in ax.get_lines())
    assert [t.get_text() for t in ax.texts] == ["x", "y"]


def test_shrinkage_plot_rejects_bad_input():
    with pytest.raises(ValueError, match="`separate` and `pooled` must have the same length"):
        plot_shrinkage([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="`labels` must have 2 entries"):
        plot_shrinkage([1.0, 2.0], [1.0, 2.0], labels=["a"])
    with pytest.raises(ValueError, match="`sizes` must have 2 entries"):
        plot_shrinkage([1.0, 2.0], [1.0, 2.0], sizes=[1.0])


def test_exact_summary_matches_mean_and_sampled_sd(rng):
    post = normal_hierarchical_posterior(EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE, mu_sd=5)
    table = exact_summary(post, list("ABCDEFGH"))
    assert table.loc["mu", "mean"] == pytest.approx(post.mean("mu"))
    assert table.loc["theta[C]", "mean"] == pytest.approx(post.mean("theta")[2])
    idx = rng.choice(post.tau.size, size=200_000, p=post.weights)
    mu = rng.normal(post.mu_mean[idx], np.sqrt(post.mu_var[idx]))
    assert table.loc["mu", "sd"] == pytest.approx(mu.std(), rel=0.01)
    assert table.loc["tau", "sd"] == pytest.approx(post.tau[idx].std(), rel=0.02)


def test_exact_summary_errors():
    post = normal_hierarchical_posterior(EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE)
    with pytest.raises(TypeError, match="HierarchicalQuadrature"):
        exact_summary(object(), ["a"])
    with pytest.raises(ValueError, match="`labels` must have 8 entries"):
        exact_summary(post, ["a", "b"])
