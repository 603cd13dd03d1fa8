"""Latent-variable models: simulators that return their truth, and mixture memberships.

Introduced in notebook 09.

Mixtures, factor models and topic models are simulated here with their hidden structure
returned beside the data (:func:`simulate_mixture`, :func:`simulate_factors`,
:func:`simulate_documents`, which also returns each word's topic), and
:func:`membership_probabilities` gives each point's posterior probability of belonging to each
component. Label switching and rotations (comparing a fit with the truth) live in
:mod:`helpers.identifiability`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng
from helpers.simulation import Simulation, Truth

__all__ = [
    "simulate_mixture",
    "simulate_factors",
    "simulate_documents",
    "membership_probabilities",
]


def _weights(value: Any, name: str = "weights") -> np.ndarray:
    w = validate.array(value, name, ndim=(1, 2))
    if np.any(w < 0) or not np.allclose(w.sum(axis=-1), 1.0, atol=1e-6):
        raise ValueError(
            f"`{name}` must be non-negative and sum to 1 over the last axis; got {value!r}"
        )
    return w


def simulate_mixture(
    n: int, *, weights: ArrayLike, means: ArrayLike, sds: ArrayLike, rng: RngLike = None
) -> Simulation:
    r"""Draw ``n`` points from a one-dimensional Gaussian mixture.

    .. math:: z_i \sim \text{Categorical}(w), \qquad y_i \mid z_i \sim \text{Normal}(\mu_{z_i}, \sigma_{z_i})

    Parameters
    ----------
    n : int
        Number of observations, >= 1.
    weights : array-like, shape (K,)
        Mixture weights, non-negative, summing to 1.
    means, sds : array-like, shape (K,)
        Component means and (positive) standard deviations.
    rng : Generator, int or None
        Source of randomness.

    Returns
    -------
    Simulation
        ``data``: the observations, shape (n,). ``truth``:

        - ``labels`` (numpy.ndarray of int, shape (n,)): the component each observation came
          from (the latent :math:`z_i`);
        - ``weights``, ``means``, ``sds`` (numpy.ndarray, shape (K,)): the true mixture weights,
          component means and component standard deviations.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 1``, the weights are not a probability vector, a standard deviation is not
        positive, or the three parameter arrays differ in length.

    Examples
    --------
    >>> sim = simulate_mixture(5, weights=[0.5, 0.5], means=[0, 10], sds=[1, 1], rng=1)
    >>> sim.data.shape, sorted(set(sim.truth.labels.tolist())) <= [0, 1]
    ((5,), True)
    >>> sim.truth.means.tolist()
    [0.0, 10.0]
    """
    n = validate.integer(n, "n", minimum=1)
    w = _weights(weights)
    mu = validate.array(means, "means", ndim=1)
    sd = validate.array(sds, "sds", ndim=1)
    if w.ndim != 1 or not (w.size == mu.size == sd.size):
        raise ValueError(
            f"`weights`, `means` and `sds` must be 1-D of the same length; got {w.shape}, {mu.shape}, {sd.shape}"
        )
    if np.any(sd <= 0):
        raise ValueError(f"`sds` must be > 0; got {sds!r}")
    gen = make_rng(rng)
    z = gen.choice(w.size, size=n, p=w)
    y = gen.normal(mu[z], sd[z])
    return Simulation(y, Truth(labels=z, weights=w, means=mu, sds=sd))


def simulate_factors(
    n: int, *, loadings: ArrayLike, noise_sd: ArrayLike, rng: RngLike = None
) -> Simulation:
    r"""Draw ``n`` rows from the factor model :math:`x_i = W f_i + \varepsilon_i`.

    .. math:: f_i \sim \text{Normal}(0, I_k), \qquad
              \varepsilon_{ij} \sim \text{Normal}(0, \psi_j), \qquad
              x_i \sim \text{Normal}(0, W W^\top + \operatorname{diag}(\psi))

    Parameters
    ----------
    n : int
        Number of rows, >= 1.
    loadings : array-like, shape (p, k)
        The loading matrix W (k < p).
    noise_sd : float or array-like, shape (p,)
        Standard deviation :math:`\sqrt{\psi_j}` of each variable's own noise, > 0. One number
        means the same for every variable (probabilistic PCA).
    rng : Generator, int or None

    Returns
    -------
    Simulation
        ``data``: the observed variables, shape (n, p). ``truth``:

        - ``factors`` (numpy.ndarray, shape (n, k)): the latent factor scores, standard Normal;
        - ``loadings`` (numpy.ndarray, shape (p, k)): the true loading matrix W;
        - ``noise_sd`` (numpy.ndarray, shape (p,)): the true standard deviation of each
          variable's own noise.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``loadings`` is not 2-D with fewer columns than rows, or ``noise_sd`` is not positive
        or has the wrong length.

    Examples
    --------
    >>> sim = simulate_factors(4, loadings=[[1.0], [0.5], [0.0]], noise_sd=0.1, rng=0)
    >>> sim.data.shape, sim.truth.factors.shape
    ((4, 3), (4, 1))
    """
    n = validate.integer(n, "n", minimum=1)
    w = validate.array(loadings, "loadings", ndim=2)
    p, k = w.shape
    if not 1 <= k < p:
        raise ValueError(f"`loadings` must have shape (p, k) with 1 <= k < p; got {w.shape}")
    psi = validate.array(noise_sd, "noise_sd", ndim=(0, 1))
    if psi.ndim == 0:
        psi = np.full(p, float(psi))
    if psi.shape != (p,):
        raise ValueError(f"`noise_sd` must be a number or have length p={p}; got shape {psi.shape}")
    if np.any(psi <= 0):
        raise ValueError(f"`noise_sd` must be > 0; got {noise_sd!r}")
    gen = make_rng(rng)
    f = gen.standard_normal((n, k))
    x = f @ w.T + gen.standard_normal((n, p)) * psi
    return Simulation(x, Truth(factors=f, loadings=w, noise_sd=np.array(psi, dtype=float)))


def simulate_documents(
    n_docs: int, *, topics: ArrayLike, alpha: float, doc_length: int, rng: RngLike = None
) -> Simulation:
    r"""Draw ``n_docs`` documents of ``doc_length`` words from latent Dirichlet allocation.

    .. math:: \theta_d \sim \text{Dirichlet}(\alpha 1_K), \qquad
              z_{dn} \sim \text{Categorical}(\theta_d), \qquad
              w_{dn} \mid z_{dn} \sim \text{Categorical}(\beta_{z_{dn}})

    Parameters
    ----------
    n_docs : int
        Number of documents, >= 1.
    topics : array-like, shape (K, V)
        The topics :math:`\beta_k`, each row a probability vector over the V words.
    alpha : float
        Concentration of the documents' topic proportions, > 0 (below 1: most documents
        are dominated by one or two topics).
    doc_length : int
        Words per document, >= 1.
    rng : Generator, int or None

    Returns
    -------
    Simulation
        ``data``: how often each vocabulary word occurs in each document, integer counts of
        shape (D, V). ``truth``:

        - ``topic_counts`` (numpy.ndarray of int, shape (D, K, V)): the same counts split by
          the topic each word was drawn from (the latent labels); summed over axis 1 they give
          ``data``;
        - ``proportions`` (numpy.ndarray, shape (D, K)): each document's true topic proportions
          :math:`\theta_d`;
        - ``topics`` (numpy.ndarray, shape (K, V)): the true topics, one distribution over the
          vocabulary per row.

    Raises
    ------
    TypeError
        If ``n_docs`` or ``doc_length`` is not an integer.
    ValueError
        If a count is < 1, ``alpha`` is not a positive number, or a row of ``topics`` is not a
        probability vector.

    Examples
    --------
    >>> docs = simulate_documents(4, topics=[[0.5, 0.5, 0.0], [0.0, 0.1, 0.9]], alpha=0.5,
    ...                           doc_length=10, rng=0)
    >>> docs.data.shape, docs.truth.topic_counts.shape, docs.data.sum(axis=1).tolist()
    ((4, 3), (4, 2, 3), [10, 10, 10, 10])
    """
    n_docs = validate.integer(n_docs, "n_docs", minimum=1)
    doc_length = validate.integer(doc_length, "doc_length", minimum=1)
    beta = _weights(topics, "topics")
    if beta.ndim != 2:
        raise validate.fail_value("topics", "a 2-D array of shape (K, V)", f"shape {beta.shape}")
    alpha = validate.real(alpha, "alpha", positive=True)
    gen = make_rng(rng)
    k, v = beta.shape
    theta = gen.dirichlet(np.full(k, float(alpha)), size=n_docs)
    # words per topic in each document, then the words of each topic
    per_topic = np.stack([gen.multinomial(doc_length, t) for t in theta])
    topic_counts = np.stack(
        [[gen.multinomial(n, beta[j]) for j, n in enumerate(row)] for row in per_topic]
    ).reshape(n_docs, k, v)
    truth = Truth(topic_counts=topic_counts, proportions=theta, topics=beta)
    return Simulation(topic_counts.sum(axis=1), truth)


def membership_probabilities(
    y: ArrayLike, weights: ArrayLike, means: ArrayLike, sds: ArrayLike
) -> np.ndarray:
    r"""Each observation's probability of belonging to each component, given the parameters.

    Bayes' rule for the latent label:

    .. math:: P(z_i = k \mid y_i) = \frac{w_k\, \mathcal N(y_i \mid \mu_k, \sigma_k)}
              {\sum_j w_j\, \mathcal N(y_i \mid \mu_j, \sigma_j)}

    computed on the log scale. Pass posterior draws of the parameters (shape ``(S, K)``) to get
    one table per draw; averaging over draws gives the posterior membership probabilities.

    Parameters
    ----------
    y : array-like, shape (n,)
        Observations.
    weights, means, sds : array-like, shape (K,) or (S, K)
        Parameters (one set, or S draws).

    Returns
    -------
    numpy.ndarray, shape (n, K) or (S, n, K)
        Rows sum to 1.

    Raises
    ------
    ValueError
        If shapes disagree, weights are not probability vectors or a standard deviation is not
        positive.

    Examples
    --------
    >>> membership_probabilities([0.0, 5.0], [0.5, 0.5], [0.0, 5.0], [1.0, 1.0]).round(3)
    array([[1., 0.],
           [0., 1.]])
    """
    y = validate.array(y, "y", ndim=1)
    w = _weights(weights)
    mu = validate.array(means, "means", ndim=(1, 2))
    sd = validate.array(sds, "sds", ndim=(1, 2))
    if not (w.shape == mu.shape == sd.shape):
        raise ValueError(
            f"`weights`, `means` and `sds` must have the same shape; got {w.shape}, {mu.shape}, {sd.shape}"
        )
    if np.any(sd <= 0):
        raise ValueError("`sds` must be > 0")
    yy = y[:, None]  # (n, 1) against (..., 1, K)
    w_, mu_, sd_ = (a[..., None, :] for a in (w, mu, sd))
    with np.errstate(divide="ignore"):
        log_w = np.log(w_)
    log_joint = log_w - 0.5 * ((yy - mu_) / sd_) ** 2 - np.log(sd_) - 0.5 * np.log(2 * np.pi)
    return np.exp(log_joint - special.logsumexp(log_joint, axis=-1, keepdims=True))
