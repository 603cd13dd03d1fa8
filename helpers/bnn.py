"""Bayesian neural networks and PyMC with deep-learning components: data and tested pieces.

Introduced in notebook 11.

The module holds what notebook 11 checks its inline code against, and the simulators whose truth
its checks use: a 1-D regression with a gap in the inputs (:func:`simulate_gap_data`, with the true
mean :func:`gap_truth`), the coverage of central predictive intervals
(:func:`interval_coverage`), and a PyTensor ``Op`` that calls a PyTorch function, with its
gradient from torch's autograd (:class:`TorchOp`, written out in notebook 11, section 3).

torch and PyTensor are imported inside the functions that need them, so importing this module is
cheap and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng
from helpers.simulation import Simulation, Truth

__all__ = [
    "GAP",
    "SPAN",
    "gap_truth",
    "simulate_gap_data",
    "interval_coverage",
    "TorchOp",
]

#: The inputs the gap data never contains: (-1, 1).
GAP: tuple[float, float] = (-1.0, 1.0)
#: The range the gap data's inputs come from, outside the gap: [-3, 3].
SPAN: tuple[float, float] = (-3.0, 3.0)


def gap_truth(x: ArrayLike) -> np.ndarray:
    """The true mean of the gap data, f(x) = sin(1.2 x) + 0.2 x.

    Parameters
    ----------
    x : array-like
        Inputs.

    Returns
    -------
    numpy.ndarray
        f at each input, as floats.

    Examples
    --------
    >>> gap_truth([0.0]).tolist()
    [0.0]
    """
    x = validate.array(x, "x")
    return np.sin(1.2 * x) + 0.2 * x


def simulate_gap_data(n: int, *, noise_sd: float = 0.15, rng: RngLike = None) -> Simulation:
    """Simulate a 1-D regression whose inputs leave a gap: x uniform on [-3, -1] and [1, 3].

    Each input falls on either side with probability 1/2, and y = f(x) + noise with f from
    :func:`gap_truth` and Normal(0, ``noise_sd``) noise.

    Parameters
    ----------
    n : int
        Number of points, >= 1.
    noise_sd : float, default 0.15
        Standard deviation of the noise, > 0.
    rng : Generator, int or None
        Source of randomness.

    Returns
    -------
    Simulation
        ``data``: columns ``x`` (inputs) and ``y`` (outputs), one row per point. ``truth``:
        ``mean`` (numpy.ndarray, shape (n,)), the true mean :func:`gap_truth` at each input, and
        ``noise_sd`` (float), as passed.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer or ``noise_sd`` is not a positive finite number.

    Examples
    --------
    >>> sim = simulate_gap_data(5, rng=0)
    >>> x = sim.data["x"].to_numpy()
    >>> bool(np.all((np.abs(x) >= 1) & (np.abs(x) <= 3))), sim.truth.noise_sd
    (True, 0.15)
    """
    n = validate.integer(n, "n", minimum=1)
    noise_sd = validate.real(noise_sd, "noise_sd", positive=True)
    gen = make_rng(rng)
    side = gen.choice([-1.0, 1.0], size=int(n))
    x = side * gen.uniform(GAP[1], SPAN[1], size=int(n))
    mean = gap_truth(x)
    y = mean + gen.normal(0.0, float(noise_sd), size=int(n))
    return Simulation(pd.DataFrame({"x": x, "y": y}), Truth(mean=mean, noise_sd=noise_sd))


def interval_coverage(draws: ArrayLike, y: ArrayLike, ci_prob: float) -> float:
    """Share of observations inside their central predictive interval.

    Parameters
    ----------
    draws : array-like, shape (n_draws, n)
        Posterior predictive draws, one column per observation.
    y : array-like, shape (n,)
        The observations.
    ci_prob : float
        Probability of the central interval, in (0, 1): its ends are the (1 - ci_prob) / 2 and
        (1 + ci_prob) / 2 quantiles of each column.

    Returns
    -------
    float
        The share of observations inside their interval (ends included).

    Raises
    ------
    ValueError
        If ``ci_prob`` is not in (0, 1), ``draws`` is not 2-D with at least 2 draws, or the shapes
        do not match.

    Examples
    --------
    >>> draws = np.random.default_rng(0).normal(size=(4000, 2000))
    >>> y = np.random.default_rng(1).normal(size=2000)
    >>> round(interval_coverage(draws, y, 0.9), 1)
    0.9
    """
    ci_prob = validate.ci_prob(ci_prob)
    draws = validate.array(draws, "draws", ndim=2)
    if draws.shape[0] < 2:
        raise validate.fail_value("draws", "an array of shape (n_draws >= 2, n)", draws.shape)
    y = validate.array(y, "y", shape=(draws.shape[1],))
    low, high = np.quantile(draws, [(1 - ci_prob) / 2, (1 + ci_prob) / 2], axis=0)
    return float(np.mean((y >= low) & (y <= high)))


def _op_base() -> type:
    from pytensor.graph.op import Op

    return Op


class TorchOp(_op_base()):  # type: ignore[misc]
    """A PyTensor ``Op`` that evaluates a PyTorch function of one float64 vector.

    Written out in notebook 11, section 3. ``perform`` runs ``fn`` in torch; ``pullback`` returns a
    second ``Op`` that computes the vector-Jacobian product with ``torch.autograd``, so NUTS in
    PyMC can differentiate through the wrapped function. Compile graphs that hold it with
    ``mode="CVM"``: PyTensor's default Numba back end runs Python ``Op``s only in object mode,
    and warns.

    Parameters
    ----------
    fn : callable
        Maps a 1-D float64 torch tensor to a 1-D float64 torch tensor, differentiably.

    Raises
    ------
    TypeError
        If ``fn`` is not callable.

    Examples
    --------
    >>> import pytensor.tensor as pt
    >>> import torch
    >>> square = TorchOp(lambda theta: theta**2)
    >>> theta = pt.dvector("theta")
    >>> at = {theta: np.array([1.0, 3.0])}
    >>> square(theta).eval(at, mode="CVM").tolist()  # the C back end calls Python Ops
    [1.0, 9.0]
    >>> pt.grad(square(theta).sum(), theta).eval(at, mode="CVM").tolist()
    [2.0, 6.0]
    """

    __props__ = ("fn",)

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = validate.function(fn, "fn")

    def make_node(self, theta: Any) -> Any:
        import pytensor.tensor as pt
        from pytensor.graph.basic import Apply

        theta = pt.as_tensor_variable(theta).astype("float64")
        return Apply(self, [theta], [pt.dvector()])

    def perform(self, node: Any, inputs: list, outputs: list) -> None:
        import torch

        with torch.no_grad():
            value = self.fn(torch.as_tensor(inputs[0], dtype=torch.float64))
        outputs[0][0] = value.numpy().astype(np.float64)

    def pullback(self, inputs: list, outputs: list, cotangents: list) -> list:
        return [_TorchVJP(self.fn)(inputs[0], cotangents[0])]


class _TorchVJP(_op_base()):  # type: ignore[misc]
    """g -> g^T J(theta) for ``fn``, computed by torch.autograd (the gradient of TorchOp)."""

    __props__ = ("fn",)

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def make_node(self, theta: Any, g: Any) -> Any:
        import pytensor.tensor as pt
        from pytensor.graph.basic import Apply

        theta = pt.as_tensor_variable(theta).astype("float64")
        g = pt.as_tensor_variable(g).astype("float64")
        return Apply(self, [theta, g], [pt.dvector()])

    def perform(self, node: Any, inputs: list, outputs: list) -> None:
        import torch

        theta = torch.as_tensor(inputs[0], dtype=torch.float64).requires_grad_(True)
        value = self.fn(theta)
        (vjp,) = torch.autograd.grad(value, theta, torch.as_tensor(inputs[1]))
        outputs[0][0] = vjp.numpy().astype(np.float64)
