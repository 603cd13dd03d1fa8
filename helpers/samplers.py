"""Hand-written samplers and a Gaussian target to check them on.

Introduced in notebook 07.

Two small, readable MCMC samplers in NumPy, written to teach rather than to compete with PyMC or
Pyro: a random-walk Metropolis sampler and Hamiltonian Monte Carlo with a leapfrog integrator
and a unit mass matrix. Notebook 07 writes each of them out (random-walk Metropolis in
section 2, leapfrog and one HMC transition in section 3), checks its own version against the
one here, and then uses these for the longer runs. A Gaussian target with known moments
(:class:`GaussianTarget`) lets a notebook check them against the truth; the mean-field
approximation of the same target lives in :mod:`helpers.variational`.

References
----------
Neal, R. M. (2011). MCMC using Hamiltonian dynamics. In *Handbook of Markov Chain Monte Carlo*.
Betancourt, M. (2017). A conceptual introduction to Hamiltonian Monte Carlo. arXiv:1701.02434.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng

__all__ = [
    "GaussianTarget",
    "SamplerResult",
    "leapfrog",
    "hmc",
    "random_walk_metropolis",
    "plot_target",
]

LogDensity = Callable[[np.ndarray], float]
Gradient = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class GaussianTarget:
    """A multivariate Normal target density with known moments, for testing samplers.

    Parameters
    ----------
    mean : array-like, shape (d,)
    cov : array-like, shape (d, d)
        Symmetric positive definite.

    Raises
    ------
    ValueError
        If the shapes disagree or ``cov`` is not symmetric positive definite.

    Examples
    --------
    >>> target = GaussianTarget.correlated(rho=0.9)
    >>> target.sd.tolist()
    [1.0, 1.0]
    >>> target.grad(np.array([1.0, 0.0])).round(2).tolist()
    [-5.26, 4.74]
    """

    mean: np.ndarray
    cov: np.ndarray

    def __post_init__(self) -> None:
        mean = validate.array(self.mean, "mean", ndim=1, min_size=1)
        cov = validate.array(self.cov, "cov", shape=(mean.size, mean.size))
        if not np.allclose(cov, cov.T):
            raise validate.fail_value("cov", "a symmetric matrix", "an asymmetric one")
        if np.any(np.linalg.eigvalsh(cov) <= 0):
            raise ValueError("`cov` must be positive definite")
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "cov", cov)
        object.__setattr__(self, "_precision", np.linalg.inv(cov))
        sign, logdet = np.linalg.slogdet(cov)
        object.__setattr__(self, "_norm", -0.5 * (mean.size * np.log(2 * np.pi) + logdet))

    @classmethod
    def correlated(
        cls, rho: float, sds: tuple[float, float] = (1.0, 1.0), mean: tuple[float, float] = (0, 0)
    ) -> GaussianTarget:
        """A 2-D Normal with correlation ``rho`` (in (-1, 1)) and standard deviations ``sds``.

        Raises
        ------
        ValueError
            If ``rho`` is not strictly between -1 and 1.
        """
        rho = validate.real(rho, "rho", low=-1, high=1)
        if abs(rho) == 1:
            raise validate.fail_value("rho", "a number strictly between -1 and 1", rho)
        s = validate.array(sds, "sds", shape=(2,), positive=True)
        cov = np.array([[s[0] ** 2, rho * s[0] * s[1]], [rho * s[0] * s[1], s[1] ** 2]])
        return cls(np.asarray(mean, dtype=float), cov)

    @property
    def precision(self) -> np.ndarray:
        """The inverse covariance matrix."""
        return self._precision  # type: ignore[attr-defined]

    @property
    def sd(self) -> np.ndarray:
        """Marginal standard deviations."""
        return np.sqrt(np.diag(self.cov))

    def logp(self, x: np.ndarray) -> np.ndarray:
        """Log density at ``x`` (shape (d,) or (..., d))."""
        z = np.asarray(x, dtype=float) - self.mean
        return self._norm - 0.5 * np.einsum("...i,ij,...j->...", z, self.precision, z)  # type: ignore[attr-defined]

    def grad(self, x: np.ndarray) -> np.ndarray:
        """Gradient of the log density at ``x``: ``-Sigma^{-1} (x - mu)``."""
        return -(np.asarray(x, dtype=float) - self.mean) @ self.precision


@dataclass(frozen=True)
class SamplerResult:
    """What a hand-written sampler returns.

    Attributes
    ----------
    draws : numpy.ndarray, shape (n_draws, d)
    accept_rate : float
        Share of proposals accepted.
    n_grad : int
        Gradient evaluations spent (0 for random-walk Metropolis).
    n_logp : int
        Log-density evaluations spent.
    """

    draws: np.ndarray
    accept_rate: float
    n_grad: int
    n_logp: int


def leapfrog(
    grad_logp: Gradient, q: ArrayLike, p: ArrayLike, *, step_size: float, n_steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """Integrate Hamilton's equations with the leapfrog scheme (unit mass matrix).

    With potential energy ``U(q) = -log p(q)`` and kinetic energy ``|p|^2 / 2``, each step is a
    half step in momentum, a full step in position and another half step in momentum (the two
    half steps between positions are merged, so each step costs one gradient).

    Written out in notebook 07, section 3.

    Parameters
    ----------
    grad_logp : callable
        ``grad_logp(q)``, the gradient of the log density.
    q, p : array-like, shape (d,)
        Start position and momentum.
    step_size : float
        The step size epsilon, > 0.
    n_steps : int
        Number of leapfrog steps L, >= 1.

    Returns
    -------
    positions, momenta : numpy.ndarray, shape (n_steps + 1, d)
        The whole trajectory, start included; the last rows are the proposal.

    Raises
    ------
    ValueError, TypeError
        If an argument is malformed.

    Examples
    --------
    >>> target = GaussianTarget(np.zeros(1), np.eye(1))
    >>> qs, ps = leapfrog(target.grad, [1.0], [0.0], step_size=0.1, n_steps=3)
    >>> qs.shape
    (4, 1)
    """
    validate.function(grad_logp, "grad_logp")
    q = validate.array(q, "q", ndim=1, min_size=1).copy()
    p = validate.array(p, "p", ndim=1, min_size=1).copy()
    if q.shape != p.shape:
        raise ValueError(f"`q` and `p` must have the same shape; got {q.shape} and {p.shape}")
    eps = validate.real(step_size, "step_size", positive=True)
    n_steps = validate.integer(n_steps, "n_steps", minimum=1)
    positions, momenta = [q.copy()], [p.copy()]
    p = p + 0.5 * eps * grad_logp(q)  # half step in momentum
    for step in range(n_steps):
        q = q + eps * p  # full step in position
        g = grad_logp(q)
        last = step == n_steps - 1
        p = p + (0.5 if last else 1.0) * eps * g  # full step, or the final half step
        positions.append(q.copy())
        # between full steps the momentum is half a step ahead; report it synchronised
        momenta.append(p.copy() if last else p - 0.5 * eps * g)
    return np.array(positions), np.array(momenta)


def hmc(
    logp: LogDensity,
    grad_logp: Gradient,
    x0: ArrayLike,
    *,
    n_draws: int,
    step_size: float,
    n_steps: int,
    jitter: float = 0.2,
    rng: RngLike = None,
) -> SamplerResult:
    """Hamiltonian Monte Carlo with a unit mass matrix and a Metropolis correction.

    Each iteration draws a momentum ``p ~ Normal(0, I)``, runs ``n_steps`` leapfrog steps and
    accepts the end point with probability ``min(1, exp(H_start - H_end))`` where
    ``H(q, p) = -log p(q) + |p|^2 / 2``. The random numbers of one iteration are drawn in the
    order momentum, step-size jitter (only when ``jitter > 0``), acceptance uniform; with
    ``jitter=0`` each iteration is exactly the transition written out in notebook 07,
    section 3.

    Parameters
    ----------
    logp, grad_logp : callable
        Log density and its gradient.
    x0 : array-like, shape (d,)
        Starting point.
    n_draws : int
        Number of iterations (draws returned).
    step_size : float
        Leapfrog step size epsilon.
    n_steps : int
        Leapfrog steps per iteration L; the path length is ``step_size * n_steps``.
    jitter : float, default 0.2
        Each iteration uses a step size drawn uniformly from ``step_size * (1 +/- jitter)``,
        which breaks the periodic orbits a fixed path length can fall into. In [0, 1).
    rng : Generator, int or None, keyword-only

    Returns
    -------
    SamplerResult

    Raises
    ------
    ValueError, TypeError
        If an argument is malformed.

    Examples
    --------
    >>> target = GaussianTarget(np.zeros(2), np.eye(2))
    >>> res = hmc(target.logp, target.grad, [0.0, 0.0], n_draws=50, step_size=0.3, n_steps=5, rng=0)
    >>> res.draws.shape, res.n_grad
    ((50, 2), 250)
    """
    validate.function(logp, "logp")
    validate.function(grad_logp, "grad_logp")
    q = validate.array(x0, "x0", ndim=1, min_size=1).copy()
    n_draws = validate.integer(n_draws, "n_draws", minimum=1)
    eps = validate.real(step_size, "step_size", positive=True)
    n_steps = validate.integer(n_steps, "n_steps", minimum=1)
    jitter = validate.real(jitter, "jitter", low=0, high=1)
    if jitter == 1:
        raise validate.fail_value("jitter", "a number in [0, 1)", jitter)
    gen = make_rng(rng)
    draws = np.empty((n_draws, q.size))
    accepted = 0
    current_logp = float(logp(q))
    for i in range(n_draws):
        p0 = gen.standard_normal(q.size)
        eps_i = eps * (1 + jitter * gen.uniform(-1, 1)) if jitter > 0 else eps
        qs, ps = leapfrog(grad_logp, q, p0, step_size=eps_i, n_steps=n_steps)
        q_new, p_new = qs[-1], ps[-1]
        new_logp = float(logp(q_new))
        # H = U + K with U = -log p: accept with probability exp(H_start - H_end)
        log_ratio = (new_logp - 0.5 * p_new @ p_new) - (current_logp - 0.5 * p0 @ p0)
        if np.log(gen.uniform()) < log_ratio:
            q, current_logp = q_new, new_logp
            accepted += 1
        draws[i] = q
    return SamplerResult(draws, accepted / n_draws, n_draws * n_steps, n_draws + 1)


def random_walk_metropolis(
    logp: LogDensity, x0: ArrayLike, *, n_draws: int, step_size: float, rng: RngLike = None
) -> SamplerResult:
    """Random-walk Metropolis with an isotropic Normal proposal.

    Proposes ``x' = x + step_size * z`` with ``z ~ Normal(0, I)`` and accepts with probability
    ``min(1, p(x') / p(x))``. Each iteration draws ``z`` and then the acceptance uniform, so the
    chain is exactly the one written out in notebook 07, section 2, for the same generator.

    Parameters
    ----------
    logp : callable
        Log density.
    x0 : array-like, shape (d,)
    n_draws : int
    step_size : float
        Proposal standard deviation, > 0.
    rng : Generator, int or None, keyword-only

    Returns
    -------
    SamplerResult
        With ``n_grad = 0``.

    Raises
    ------
    ValueError, TypeError
        If an argument is malformed.

    Examples
    --------
    >>> target = GaussianTarget(np.zeros(2), np.eye(2))
    >>> res = random_walk_metropolis(target.logp, [0.0, 0.0], n_draws=100, step_size=1.0, rng=0)
    >>> res.draws.shape, 0 < res.accept_rate < 1
    ((100, 2), True)
    """
    validate.function(logp, "logp")
    x = validate.array(x0, "x0", ndim=1, min_size=1).copy()
    n_draws = validate.integer(n_draws, "n_draws", minimum=1)
    step = validate.real(step_size, "step_size", positive=True)
    gen = make_rng(rng)
    draws = np.empty((n_draws, x.size))
    current = float(logp(x))
    accepted = 0
    for i in range(n_draws):
        proposal = x + step * gen.standard_normal(x.size)
        proposed = float(logp(proposal))
        if np.log(gen.uniform()) < proposed - current:
            x, current = proposal, proposed
            accepted += 1
        draws[i] = x
    return SamplerResult(draws, accepted / n_draws, 0, n_draws + 1)


def plot_target(
    logp: Callable[[np.ndarray], Any], *, extent: float = 3.5, ax: Any = None, levels: int = 8
) -> Any:
    """Draw the contours of a 2-D log density (on a square grid) and return the axes.

    Parameters
    ----------
    logp : callable
        Vectorised log density: ``logp(points)`` with points of shape (..., 2).
    extent : float, default 3.5
        The grid spans ``[-extent, extent]`` on both axes.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    levels : int, default 8
        Number of contour levels.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        If ``logp`` is not callable or ``extent``/``levels`` are not positive.

    Examples
    --------
    >>> ax = plot_target(GaussianTarget.correlated(rho=0.5).logp)
    >>> ax.get_aspect()
    1.0
    """
    import matplotlib.pyplot as plt

    validate.function(logp, "logp")
    half = validate.real(extent, "extent", positive=True)
    levels = validate.integer(levels, "levels", minimum=1)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    grid = np.linspace(-half, half, 201)
    xx, yy = np.meshgrid(grid, grid)
    density = np.exp(logp(np.stack([xx, yy], axis=-1)))
    ax.contour(xx, yy, density, levels=levels, colors="0.6", linewidths=0.8)
    ax.set_aspect("equal")
    return ax
