"""helpers: the small, tested package every course notebook imports.

The top level holds what every notebook's setup cell needs: the run budget, the seed and
generator, the plot style and the ``check`` module. Topic modules (``helpers.probability``,
``helpers.ab``, ...) are imported where a notebook needs them, so importing ``helpers`` stays
light and changes nothing. The course's tools (the workshop preflight and the student copies)
live in the separate ``course_tools`` package.

One vocabulary: the same idea has the same argument name in every module
(``tests/test_validation_policy.py`` checks ``ci_prob``, ``n_draws`` and ``ax``).

- ``ci_prob``: the probability an interval holds (ArviZ's name), e.g. ``ci_prob=0.95``.
- ``n_draws``: how many random draws a helper makes (Monte Carlo sample size, simulated
  futures, sampler iterations, refutation reruns); an estimate reports it as ``.n_draws``.
  Third-party calls keep their own names (``pm.sample(draws=)``, Pyro's ``num_samples=``), and
  so do :class:`Budget`'s ``draws``, ``tune`` and ``chains``, which go to ``pm.sample``.
- ``n``: how many observations or units a simulator generates: the data's size, not the
  computation's.
- ``rng``: a ``numpy.random.Generator``, an integer seed or None (see :func:`make_rng`).
- ``ax``: a matplotlib Axes to draw on; every ``plot_*`` function takes ``ax=None`` and
  returns the Axes it drew on.

One module per concept (``tests/test_package_map.py`` checks this table against the package):

==========================================================  ==================
concept                                                     module
==========================================================  ==================
run budget: fast and full sizes                             ``budget``
seeds and random generators                                 ``seeding``
plot style and figure labels                                ``style``
narrow filters for third-party warnings                     ``known_warnings``
checks against truth and exercise self-checks               ``check``
exercise checkers, one file per notebook                    ``exercises``
input validation: one policy, one message template          ``_validate``
Monte Carlo estimates, their standard errors, draw matrices ``montecarlo``
fit diagnostics and their thresholds                        ``diagnostics``
comparing fits: accuracy, ESS per second, wall time         ``compare``
simulation results: observed data plus the truth behind it  ``simulation``
Bayes' rule, conjugate and grid posteriors                  ``probability``
A/B tests: Beta posteriors, summary tables, frequentist CIs ``ab``
decisions from Beta posteriors: P(best), expected loss      ``decisions``
regression: shares, predictions, coverage                   ``regression``
workflow: simulated data, posterior predictive checks       ``workflow``
leave-one-out comparison with Pareto k                      ``loo``
hierarchical models: eight schools, quadrature, shrinkage   ``hierarchical``
experiments across segments: simulation, no pooling         ``segments``
customer lifetime value: CDNOW, BG/NBD, Gamma-Gamma         ``clv``
projected customer futures: purchases, spend, cohort value  ``clv_cohort``
MCMC by hand: Gaussian targets, leapfrog, HMC, Metropolis   ``samplers``
variational inference: the mean-field approximation         ``variational``
reliability: limit states, inputs, plain Monte Carlo        ``reliability``
rare events: FORM and importance sampling                   ``rare_events``
sensitivity analysis: Sobol' indices with SALib             ``sensitivity``
latent variable models: mixtures, factors, topics           ``latent``
identifiability: label switching, subspace angles           ``identifiability``
deep generative models with Pyro: VAE, flows                ``deep``
Bayesian neural networks                                    ``bnn``
structural causal models that return their truth            ``causal``
causal graphs: backdoor paths, adjustment sets, DAG plots   ``causal_graphs``
causal estimators: adjusted OLS, double ML, their data      ``causal_estimators``
refuting causal estimates: refuters, confounder sensitivity ``causal_refutation``
instrumental variables: simulators, first stage, 2SLS       ``instruments``
time series: seasonal features, OLS, a simulated launch     ``timeseries``
panels: synthetic control, staggered rollout, TWFE          ``panel``
communicating results: probability statements, forecasts    ``communication``
==========================================================  ==================
"""

from helpers import check
from helpers.budget import Budget, get_budget, is_fast
from helpers.known_warnings import silence_known_warnings
from helpers.seeding import SEED, child_seed, make_rng, seed_torch
from helpers.style import COLORS, label, use_style

__all__ = [
    "Budget",
    "COLORS",
    "SEED",
    "check",
    "child_seed",
    "get_budget",
    "is_fast",
    "label",
    "make_rng",
    "seed_torch",
    "silence_known_warnings",
    "use_style",
]

__version__ = "0.1.0"
