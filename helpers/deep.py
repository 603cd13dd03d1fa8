"""Data, baselines and scoring for the deep probabilistic models of notebook 10.

Introduced in notebook 10.

The VAE (encoder, decoder, model, guide, training loop) and the spline flow (its layers and its
maximum-likelihood fit) are the lessons of notebook 10 and are written out there, in executed
cells. This module holds what is not the lesson: loading and splitting the 8x8 digits that ship
with scikit-learn, a per-datum ELBO of any Pyro model and guide, the exact log-likelihood of the
independent-pixel baseline, and the two moons data with their exact density.

The digits are *counts*: each pixel is the number of "on" cells (0 to 16) in a 4x4 block of a
32x32 bitmap, so notebook 10's decoder uses a Binomial(16, p) likelihood per pixel, a proper
distribution for the data rather than the Bernoulli-on-grey-levels shortcut.

torch, Pyro and scikit-learn are imported inside the functions that need them, so importing this
module is cheap and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from helpers import _validate as validate
from helpers.seeding import RngLike, child_seed, make_rng

if TYPE_CHECKING:
    from torch import Tensor

__all__ = [
    "PIXEL_MAX",
    "DigitsData",
    "default_device",
    "load_digits_data",
    "elbo_per_digit",
    "independent_pixels_loglik",
    "make_moons_data",
    "two_moons_logpdf",
]

#: Largest pixel value of scikit-learn's digits: the count of "on" cells in a 4x4 block.
PIXEL_MAX: int = 16


def _tensor_2d(x: Any, name: str, columns: int | None = None) -> Any:
    import torch

    validate.instance(x, name, torch.Tensor, "a torch.Tensor")
    if x.ndim != 2 or x.shape[0] < 1 or (columns is not None and x.shape[1] != columns):
        want = f"(n, {columns})" if columns is not None else "(n, d)"
        raise validate.fail_value(name, f"a tensor of shape {want} with n >= 1", tuple(x.shape))
    return x


def default_device() -> Any:
    """The device to train on: the first CUDA GPU when one is present, else the CPU.

    Examples
    --------
    >>> default_device().type in ("cpu", "cuda")
    True
    """
    import torch

    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@dataclass(frozen=True)
class DigitsData:
    """The 8x8 digits split into a training and a held-out set.

    Attributes
    ----------
    x_train, x_test : torch.Tensor
        Pixel counts (0 to 16) as float32, shape (n, 64), on ``device``.
    y_train, y_test : numpy.ndarray
        The digit each image shows (0 to 9); used only to colour plots and to score the latent
        space, never for training.
    """

    x_train: Any
    x_test: Any
    y_train: np.ndarray
    y_test: np.ndarray

    @property
    def n_pixels(self) -> int:
        """Pixels per image (64)."""
        return int(self.x_train.shape[1])


def load_digits_data(
    test_fraction: float = 0.2, *, rng: RngLike = None, device: Any = None
) -> DigitsData:
    """Load scikit-learn's 1,797 handwritten digits and split them, stratified by digit.

    Parameters
    ----------
    test_fraction : float, default 0.2
        Share of the images held out, in (0, 1).
    rng : Generator, int or None
        Decides the split.
    device : torch.device, optional
        Where the tensors live; :func:`default_device` by default.

    Returns
    -------
    DigitsData

    Raises
    ------
    ValueError
        If ``test_fraction`` is not in (0, 1).

    Examples
    --------
    >>> data = load_digits_data(rng=0, device="cpu")
    >>> tuple(data.x_train.shape), tuple(data.x_test.shape), float(data.x_train.max())
    ((1437, 64), (360, 64), 16.0)
    """
    test_fraction = validate.probability(test_fraction, "test_fraction", open_interval=True)
    import torch
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data,
        digits.target,
        test_size=float(test_fraction),
        stratify=digits.target,
        random_state=child_seed(make_rng(rng)),
    )
    device = default_device() if device is None else torch.device(device)

    def as_tensor(a: np.ndarray) -> Any:
        return torch.as_tensor(a, dtype=torch.float32, device=device)

    return DigitsData(as_tensor(x_train), as_tensor(x_test), y_train, y_test)


def elbo_per_digit(
    model: Callable[..., Any], guide: Callable[..., Any], x: Tensor, *, n_draws: int = 1
) -> Any:
    """Monte Carlo ELBO of each row of ``x``: log p(x_i, z_i) - log q(z_i | x_i), averaged.

    Written for the VAE of notebook 10 (section 3), but it works for any Pyro ``model(x)`` and
    ``guide(x)`` whose sample sites all sit inside one ``pyro.plate`` over the rows of ``x``.
    It traces the guide, replays the model on the guide's draws and sums each site's log-density
    row by row, so it is exactly the quantity ``Trace_ELBO`` optimises, split datum by datum.

    Parameters
    ----------
    model, guide : callable
        Pyro model and guide, each called as ``f(x)``.
    x : torch.Tensor
        The data, shape (n, d); one ELBO per row.
    n_draws : int, default 1
        Draws of the latents per row.

    Returns
    -------
    torch.Tensor
        Shape (n,), in nats; draws come from torch's (seeded) generator.

    Raises
    ------
    TypeError
        If ``x`` is not a tensor.
    ValueError
        If ``x`` is not 2-D, ``n_draws`` is not a positive integer, or a sample site's
        log-density is not one number per row (a site outside the plate over the rows).

    Examples
    --------
    A conjugate model whose guide is the exact posterior: the ELBO is then log p(x) for every
    draw, here log N(x; 0, 2).

    >>> import pyro, torch, pyro.distributions as dist
    >>> def model(x):
    ...     with pyro.plate("rows", x.shape[0]):
    ...         z = pyro.sample("z", dist.Normal(0.0, 1.0))
    ...         pyro.sample("x", dist.Normal(z, 1.0), obs=x[:, 0])
    >>> def guide(x):
    ...     with pyro.plate("rows", x.shape[0]):
    ...         pyro.sample("z", dist.Normal(x[:, 0] / 2, 0.5**0.5))
    >>> x = torch.tensor([[0.0], [2.0]])
    >>> elbo_per_digit(model, guide, x).numpy().round(4)
    array([-1.2655, -2.2655], dtype=float32)
    """
    import torch
    from pyro import poutine
    from pyro.poutine.util import site_is_subsample

    validate.function(model, "model")
    validate.function(guide, "guide")
    x = _tensor_2d(x, "x")
    n_draws = validate.integer(n_draws, "n_draws", minimum=1)
    dtype = x.dtype if x.is_floating_point() else torch.get_default_dtype()
    total = torch.zeros(x.shape[0], dtype=dtype, device=x.device)
    with torch.no_grad():
        for _ in range(n_draws):
            guide_trace = poutine.trace(guide).get_trace(x)
            model_trace = poutine.trace(poutine.replay(model, trace=guide_trace)).get_trace(x)
            for trace, sign in ((model_trace, 1.0), (guide_trace, -1.0)):
                trace.compute_log_prob()
                for name, site in trace.nodes.items():
                    if site["type"] != "sample" or site_is_subsample(site):
                        continue  # params and the plates' own sites carry no density
                    log_prob = site["log_prob"]
                    if log_prob.shape != (x.shape[0],):
                        raise ValueError(
                            f"site {name!r} has log-density of shape {tuple(log_prob.shape)}; "
                            f"expected one per row of `x`, ({x.shape[0]},): put every sample "
                            "site inside a pyro.plate over the rows"
                        )
                    total += sign * log_prob
    return total / n_draws


def independent_pixels_loglik(x_train: ArrayLike, x_test: ArrayLike) -> np.ndarray:
    """Held-out log-likelihood of the no-latent baseline: independent Binomial(16, p_j) pixels.

    Each pixel's p_j is its maximum-likelihood estimate on the training digits (shrunk by half a
    count towards 1/2 so that a pixel never seen "on" does not get probability zero).

    Parameters
    ----------
    x_train, x_test : torch.Tensor or array-like
        Pixel counts, shape (n, d), with the same d.

    Returns
    -------
    numpy.ndarray
        The log-likelihood of each held-out digit, in nats.

    Raises
    ------
    ValueError
        If the arrays are not 2-D with the same number of columns, or hold values outside 0..16.

    Examples
    --------
    >>> import numpy as np
    >>> independent_pixels_loglik(np.full((4, 2), 8.0), np.full((1, 2), 8.0)).round(3)
    array([-3.255])
    """
    from scipy import stats

    train = validate.array(x_train, "x_train", ndim=2, min_size=1)
    test = validate.array(x_test, "x_test", ndim=2, min_size=1)
    for name, arr in (("x_train", train), ("x_test", test)):
        if np.any((arr < 0) | (arr > PIXEL_MAX)):
            raise validate.fail_value(
                name, f"pixel counts in 0..{PIXEL_MAX}", f"range {arr.min():g}..{arr.max():g}"
            )
    if train.shape[1] != test.shape[1]:
        raise ValueError(
            f"`x_train` and `x_test` must have the same number of columns; "
            f"got {train.shape[1]} and {test.shape[1]}"
        )
    p = (train.sum(axis=0) + 0.5) / (PIXEL_MAX * train.shape[0] + 1.0)
    return stats.binom(PIXEL_MAX, p).logpmf(np.rint(test)).sum(axis=1)


def make_moons_data(n: int, *, noise: float = 0.1, rng: RngLike = None) -> np.ndarray:
    """Draw ``n`` points of scikit-learn's two moons (labels dropped).

    Examples
    --------
    >>> make_moons_data(100, rng=0).shape
    (100, 2)
    """
    from sklearn.datasets import make_moons

    n, noise = validate.integer(n, "n", minimum=1), validate.real(noise, "noise", positive=True)
    points, _ = make_moons(n_samples=n, noise=noise, random_state=child_seed(make_rng(rng)))
    return points


def two_moons_logpdf(points: ArrayLike, *, noise: float = 0.1, grid_size: int = 1000) -> np.ndarray:
    """The exact log-density of the two-moons distribution, by quadrature over the arcs.

    ``make_moons`` places a point at angle t, uniform on [0, pi], on the upper arc (cos t, sin t)
    or on the lower arc (1 - cos t, 1/2 - sin t) with probability 1/2 each, then adds
    N(0, noise^2) to each coordinate. The density is therefore the average of that Gaussian over
    both arcs, computed here with the midpoint rule in t.

    Parameters
    ----------
    points : array-like, shape (n, 2)
    noise : float, default 0.1
        The sd that was passed to ``make_moons``.
    grid_size : int, default 1000
        Midpoints in t per arc.

    Returns
    -------
    numpy.ndarray
        Shape (n,), in nats.

    Raises
    ------
    ValueError
        If ``points`` is not of shape (n, 2) or a setting is not positive.

    Examples
    --------
    >>> two_moons_logpdf([[0.0, 1.0]]).round(3)
    array([-0.453])
    """
    from scipy.special import logsumexp

    x = validate.array(points, "points", shape=(None, 2))
    noise, grid_size = (
        validate.real(noise, "noise", positive=True),
        validate.integer(grid_size, "grid_size", minimum=1),
    )
    t = (np.arange(grid_size) + 0.5) * np.pi / grid_size
    arcs = np.concatenate(
        [np.column_stack([np.cos(t), np.sin(t)]), np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])]
    )
    out = np.empty(len(x))
    for start in range(0, len(x), 2048):  # blocks keep the (points x arc nodes) array small
        block = x[start : start + 2048]
        sq = (block**2).sum(axis=1)[:, None] + (arcs**2).sum(axis=1)[None, :] - 2 * block @ arcs.T
        log_kernel = -np.maximum(sq, 0.0) / (2 * noise**2)
        out[start : start + 2048] = logsumexp(log_kernel, axis=1)
    return out - np.log(2 * np.pi * noise**2) - np.log(len(arcs))
