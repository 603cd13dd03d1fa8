"""Deep probabilistic models in Pyro: a variational autoencoder and a normalizing flow.

Introduced in notebook 10.

The module holds the parts of notebook 10 that are plumbing rather than lesson: loading and
splitting the 8x8 digits that ship with scikit-learn, the encoder and decoder networks, the VAE's
model and guide, a mini-batch SVI training loop that keeps a history, a per-digit ELBO, the two
moons data with its exact density, and a spline flow with its maximum-likelihood fit.

The digits are *counts*: each pixel is the number of "on" cells (0 to 16) in a 4x4 block of a
32x32 bitmap, so the decoder's likelihood is Binomial(16, p) per pixel, a proper distribution for
the data rather than the Bernoulli-on-grey-levels shortcut.

torch, Pyro and scikit-learn are imported inside the functions that need them, so importing this
module is cheap and changes nothing.
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from helpers.seeding import RngLike, child_seed, make_rng

__all__ = [
    "PIXEL_MAX",
    "DigitsData",
    "TrainingHistory",
    "FlowFit",
    "default_device",
    "load_digits_data",
    "scale_pixels",
    "make_encoder",
    "make_decoder",
    "VAE",
    "train_vae",
    "elbo_per_digit",
    "independent_pixels_loglik",
    "make_moons_data",
    "two_moons_logpdf",
    "spline_flow",
    "fit_flow",
]

#: Largest pixel value of scikit-learn's digits: the count of "on" cells in a 4x4 block.
PIXEL_MAX: int = 16


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer; got {value!r}")
    return int(value)


def _positive_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"`{name}` must be a positive number; got {value!r}")
    if not np.isfinite(float(value)):
        raise ValueError(f"`{name}` must be finite; got {value!r}")
    return float(value)


def _tensor_2d(x: Any, name: str, columns: int | None = None) -> Any:
    import torch

    if not isinstance(x, torch.Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor; got {type(x).__name__}")
    if x.ndim != 2 or x.shape[0] < 1 or (columns is not None and x.shape[1] != columns):
        want = f"(n, {columns})" if columns is not None else "(n, d)"
        raise ValueError(f"`{name}` must have shape {want} with n >= 1; got {tuple(x.shape)}")
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
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real):
        raise ValueError(f"`test_fraction` must be a number in (0, 1); got {test_fraction!r}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"`test_fraction` must be in (0, 1); got {test_fraction!r}")
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


def scale_pixels(x: Any) -> Any:
    """Scale pixel counts from 0..16 to 0..1, the range the encoder is fed.

    Examples
    --------
    >>> import torch
    >>> scale_pixels(torch.tensor([[0.0, 8.0, 16.0]])).tolist()
    [[0.0, 0.5, 1.0]]
    """
    return _tensor_2d(x, "x") / PIXEL_MAX


def make_encoder(n_pixels: int = 64, latent_dim: int = 2, hidden: int = 256) -> Any:
    """The encoder network x -> (loc, scale) of q(z | x), a diagonal Normal.

    Parameters
    ----------
    n_pixels, latent_dim, hidden : int
        Input size, latent dimension and width of the two hidden layers.

    Returns
    -------
    torch.nn.Module
        Called on scaled pixels of shape (n, n_pixels), it returns ``(loc, scale)``, each of
        shape (n, latent_dim), with ``scale > 0``.

    Raises
    ------
    ValueError
        If a size is not a positive integer.

    Examples
    --------
    >>> import torch
    >>> loc, scale = make_encoder(64, 2, 32)(torch.zeros(5, 64))
    >>> tuple(loc.shape), bool((scale > 0).all())
    ((5, 2), True)
    """
    import torch
    from torch import nn

    n_pixels, latent_dim, hidden = (
        _positive_int(n_pixels, "n_pixels"),
        _positive_int(latent_dim, "latent_dim"),
        _positive_int(hidden, "hidden"),
    )

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(
                nn.Linear(n_pixels, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU()
            )
            self.loc = nn.Linear(hidden, latent_dim)
            self.raw_scale = nn.Linear(hidden, latent_dim)

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            h = self.body(x)
            return self.loc(h), nn.functional.softplus(self.raw_scale(h)) + 1e-4

    return Encoder()


def make_decoder(latent_dim: int = 2, n_pixels: int = 64, hidden: int = 256) -> Any:
    """The decoder network z -> logits of the per-pixel Binomial(16, p) likelihood.

    Returns
    -------
    torch.nn.Module
        Called on latents of shape (n, latent_dim), it returns logits of shape (n, n_pixels).

    Raises
    ------
    ValueError
        If a size is not a positive integer.

    Examples
    --------
    >>> import torch
    >>> tuple(make_decoder(2, 64, 32)(torch.zeros(3, 2)).shape)
    (3, 64)
    """
    from torch import nn

    latent_dim, n_pixels, hidden = (
        _positive_int(latent_dim, "latent_dim"),
        _positive_int(n_pixels, "n_pixels"),
        _positive_int(hidden, "hidden"),
    )
    return nn.Sequential(
        nn.Linear(latent_dim, hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, n_pixels),
    )


class VAE:
    """A variational autoencoder for pixel counts: Pyro model and amortised guide.

    Model: :math:`z_i \\sim N(0, I)`, :math:`x_{ij} \\mid z_i \\sim \\mathrm{Binomial}(16,
    \\sigma(f_\\theta(z_i)_j))`. Guide: :math:`z_i \\mid x_i \\sim N(\\mu_\\phi(x_i),
    \\mathrm{diag}\\,\\sigma_\\phi(x_i)^2)`, one encoder shared by every digit.

    Parameters
    ----------
    n_pixels, latent_dim, hidden : int
        Sizes of the networks (see :func:`make_encoder`, :func:`make_decoder`).
    device : torch.device, optional
        Where the networks live; :func:`default_device` by default.

    Raises
    ------
    ValueError
        If a size is not a positive integer.

    Examples
    --------
    >>> import torch
    >>> vae = VAE(latent_dim=2, hidden=16, device="cpu")
    >>> tuple(vae.encode(torch.zeros(4, 64))[0].shape), tuple(vae.decode(torch.zeros(4, 2)).shape)
    ((4, 2), (4, 64))
    """

    def __init__(
        self, n_pixels: int = 64, latent_dim: int = 2, hidden: int = 256, *, device: Any = None
    ) -> None:
        import torch

        self.device = default_device() if device is None else torch.device(device)
        self.latent_dim = _positive_int(latent_dim, "latent_dim")
        self.encoder = make_encoder(n_pixels, latent_dim, hidden).to(self.device)
        self.decoder = make_decoder(latent_dim, n_pixels, hidden).to(self.device)

    def model(self, x: Any) -> None:
        """p(x, z): a standard Normal prior on z and a Binomial(16, p) likelihood per pixel."""
        import pyro
        import pyro.distributions as dist

        pyro.module("decoder", self.decoder)
        with pyro.plate("digits", x.shape[0]):
            prior = dist.Normal(x.new_zeros(self.latent_dim), 1.0)
            z = pyro.sample("z", prior.expand([x.shape[0], self.latent_dim]).to_event(1))
            logits = self.decoder(z)
            pyro.sample("x", dist.Binomial(PIXEL_MAX, logits=logits).to_event(1), obs=x)

    def guide(self, x: Any) -> None:
        """q(z | x): the encoder maps each digit to the mean and sd of its own Normal."""
        import pyro
        import pyro.distributions as dist

        pyro.module("encoder", self.encoder)
        with pyro.plate("digits", x.shape[0]):
            loc, scale = self.encoder(scale_pixels(x))
            pyro.sample("z", dist.Normal(loc, scale).to_event(1))

    def encode(self, x: Any) -> tuple[Any, Any]:
        """The mean and sd of q(z | x) for pixel counts ``x`` (no gradients)."""
        import torch

        with torch.no_grad():
            return self.encoder(scale_pixels(_tensor_2d(x, "x")).to(self.device))

    def decode(self, z: Any) -> Any:
        """Expected pixel counts 16 * sigmoid(logits) for latents ``z`` (no gradients)."""
        import torch

        z = _tensor_2d(z, "z", self.latent_dim)
        with torch.no_grad():
            return PIXEL_MAX * torch.sigmoid(self.decoder(z.to(self.device)))

    def n_parameters(self) -> int:
        """Number of weights in the encoder (the guide's parameters, shared by every digit)."""
        return int(sum(p.numel() for p in self.encoder.parameters()))


def elbo_per_digit(vae: VAE, x: Any, *, num_samples: int = 1) -> Any:
    """Monte Carlo ELBO of each digit, log p(x, z) - log q(z | x) averaged over draws of z.

    Computed from Pyro traces of the guide and of the model replayed on the guide's draws, so it
    is exactly the quantity ``Trace_ELBO`` optimises, split digit by digit.

    Parameters
    ----------
    vae : VAE
    x : torch.Tensor
        Pixel counts, shape (n, 64).
    num_samples : int, default 1
        Draws of z per digit.

    Returns
    -------
    torch.Tensor
        Shape (n,), in nats; draws come from torch's (seeded) generator.

    Raises
    ------
    TypeError
        If ``vae`` is not a :class:`VAE` or ``x`` not a tensor.
    ValueError
        If ``x`` is not 2-D or ``num_samples`` is not a positive integer.

    Examples
    --------
    >>> import torch
    >>> vae = VAE(hidden=16, device="cpu")
    >>> tuple(elbo_per_digit(vae, torch.full((3, 64), 4.0)).shape)
    (3,)
    """
    import torch
    from pyro import poutine

    if not isinstance(vae, VAE):
        raise TypeError(f"`vae` must be a helpers.deep.VAE; got {type(vae).__name__}")
    x = _tensor_2d(x, "x").to(vae.device)
    num_samples = _positive_int(num_samples, "num_samples")
    total = torch.zeros(x.shape[0], device=vae.device)
    with torch.no_grad():
        for _ in range(num_samples):
            guide_trace = poutine.trace(vae.guide).get_trace(x)
            model_trace = poutine.trace(poutine.replay(vae.model, trace=guide_trace)).get_trace(x)
            model_trace.compute_log_prob()
            guide_trace.compute_log_prob()
            log_joint = model_trace.nodes["x"]["log_prob"] + model_trace.nodes["z"]["log_prob"]
            total += log_joint - guide_trace.nodes["z"]["log_prob"]
    return total / num_samples


@dataclass
class TrainingHistory:
    """What :func:`train_vae` records.

    Attributes
    ----------
    train_elbo : list of float
        Per-digit ELBO averaged over each epoch's mini-batches (epochs 1, 2, ...).
    test_elbo : list of float
        Per-digit ELBO of the held-out digits before training (index 0) and after each epoch.
    seconds : float
        Wall-clock training time.
    """

    train_elbo: list[float] = field(default_factory=list)
    test_elbo: list[float] = field(default_factory=list)
    seconds: float = 0.0


def train_vae(
    vae: VAE,
    x_train: Any,
    x_test: Any,
    *,
    epochs: int,
    batch_size: int = 64,
    lr: float = 1e-3,
    rng: RngLike = None,
    progressbar: bool = False,
) -> TrainingHistory:
    """Fit a :class:`VAE` by SVI with ``Trace_ELBO`` on shuffled mini-batches.

    Clears Pyro's parameter store first (so a second VAE does not pick up the first one's
    weights). Each step's loss is the negative ELBO of the mini-batch; dividing by the batch size
    gives the per-digit ELBO the history records.

    Parameters
    ----------
    vae : VAE
    x_train, x_test : torch.Tensor
        Pixel counts, shape (n, 64).
    epochs : int
        Passes over the training digits (take it from the run budget).
    batch_size : int, default 64
    lr : float, default 1e-3
        Adam's learning rate.
    rng : Generator, int or None
        Shuffles the mini-batches. The draws of z come from torch: seed it with
        :func:`helpers.seed_torch` first.
    progressbar : bool, default False
        Show a tqdm bar over epochs with the latest ELBOs.

    Returns
    -------
    TrainingHistory

    Raises
    ------
    TypeError
        If ``vae`` is not a :class:`VAE` or the data are not tensors.
    ValueError
        If a size or the learning rate is not positive, or the data have the wrong shape.

    Examples
    --------
    >>> from helpers import seed_torch
    >>> data = load_digits_data(rng=0, device="cpu")
    >>> seed_torch(0)
    >>> vae = VAE(hidden=32, device="cpu")
    >>> history = train_vae(vae, data.x_train[:256], data.x_test[:64], epochs=3, rng=0)
    >>> len(history.train_elbo), len(history.test_elbo), history.test_elbo[-1] > history.test_elbo[0]
    (3, 4, True)
    """
    import pyro
    import torch
    from pyro.infer import SVI, Trace_ELBO
    from tqdm.auto import tqdm

    if not isinstance(vae, VAE):
        raise TypeError(f"`vae` must be a helpers.deep.VAE; got {type(vae).__name__}")
    n_pixels = int(vae.decoder[-1].out_features)
    x_train = _tensor_2d(x_train, "x_train", n_pixels).to(vae.device)
    x_test = _tensor_2d(x_test, "x_test", n_pixels).to(vae.device)
    epochs = _positive_int(epochs, "epochs")
    batch_size = _positive_int(batch_size, "batch_size")
    lr = _positive_float(lr, "lr")
    rng = make_rng(rng)

    pyro.clear_param_store()
    svi = SVI(vae.model, vae.guide, pyro.optim.Adam({"lr": lr}), loss=Trace_ELBO())
    history = TrainingHistory()
    history.test_elbo.append(float(elbo_per_digit(vae, x_test).mean()))
    start = time.perf_counter()
    bar = tqdm(range(epochs), desc="VAE epochs", disable=not progressbar)
    for _ in bar:
        order = torch.as_tensor(rng.permutation(x_train.shape[0]), device=vae.device)
        total = 0.0
        for batch in order.split(batch_size):
            total += svi.step(x_train[batch])  # negative ELBO of the mini-batch
        history.train_elbo.append(-total / x_train.shape[0])
        history.test_elbo.append(float(elbo_per_digit(vae, x_test).mean()))
        bar.set_postfix(train=f"{history.train_elbo[-1]:.1f}", test=f"{history.test_elbo[-1]:.1f}")
    history.seconds = time.perf_counter() - start
    return history


def independent_pixels_loglik(x_train: Any, x_test: Any) -> np.ndarray:
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

    train, test = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    for name, arr in (("x_train", train), ("x_test", test)):
        if arr.ndim != 2 or arr.shape[0] < 1:
            raise ValueError(f"`{name}` must be 2-D with at least one row; got shape {arr.shape}")
        if np.any((arr < 0) | (arr > PIXEL_MAX)):
            raise ValueError(f"`{name}` must hold pixel counts in 0..{PIXEL_MAX}")
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

    n, noise = _positive_int(n, "n"), _positive_float(noise, "noise")
    points, _ = make_moons(n_samples=n, noise=noise, random_state=child_seed(make_rng(rng)))
    return points


def two_moons_logpdf(points: Any, *, noise: float = 0.1, grid_size: int = 1000) -> np.ndarray:
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

    x = np.asarray(points, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"`points` must have shape (n, 2); got {x.shape}")
    noise, grid_size = _positive_float(noise, "noise"), _positive_int(grid_size, "grid_size")
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


@dataclass
class FlowFit:
    """A fitted normalizing flow.

    Attributes
    ----------
    flow : pyro.distributions.TransformedDistribution
        Has ``log_prob`` and ``sample`` like any distribution.
    modules : torch.nn.ModuleList
        The transforms' networks (their parameters are what was fitted).
    loss : list of float
        Mean negative log-likelihood of the training points at each step, in nats.
    seconds : float
    """

    flow: Any
    modules: Any
    loss: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def log_prob(self, points: Any) -> np.ndarray:
        """Log-density of each point under the flow, in nats (no gradients)."""
        import torch

        x = torch.as_tensor(np.asarray(points), dtype=torch.float32)
        with torch.no_grad():
            out = self.flow.log_prob(x).numpy().astype(float)
        self.flow.clear_cache()
        return out


def spline_flow(
    input_dim: int = 2,
    *,
    layers: int = 2,
    count_bins: int = 16,
    hidden: int = 32,
    bound: float = 4.0,
) -> tuple[Any, Any]:
    """A flow of neural spline coupling layers on a standard Normal base.

    Each layer is ``pyro.distributions.transforms.spline_coupling`` (a monotone rational-quadratic
    spline of one half of the coordinates whose knots a small network computes from the other
    half), followed by a swap of the halves so that every coordinate gets transformed.

    Parameters
    ----------
    input_dim : int, default 2
    layers : int, default 2
        Coupling layers.
    count_bins : int, default 16
        Spline segments per coordinate.
    hidden : int, default 32
        Width of the two hidden layers of each coupling layer's network.
    bound : float, default 4.0
        The splines act on [-bound, bound]; outside they are the identity.

    Returns
    -------
    (TransformedDistribution, torch.nn.ModuleList)

    Raises
    ------
    ValueError
        If a setting is not positive, or ``input_dim < 2``.

    Examples
    --------
    >>> import torch
    >>> flow, modules = spline_flow(2, layers=1)
    >>> tuple(flow.sample((5,)).shape), tuple(flow.log_prob(torch.zeros(3, 2)).shape)
    ((5, 2), (3,))
    """
    import pyro.distributions as dist
    import pyro.distributions.transforms as T
    import torch

    input_dim = _positive_int(input_dim, "input_dim")
    if input_dim < 2:
        raise ValueError(f"`input_dim` must be >= 2 for a coupling flow; got {input_dim}")
    layers, count_bins = _positive_int(layers, "layers"), _positive_int(count_bins, "count_bins")
    hidden = _positive_int(hidden, "hidden")
    bound = _positive_float(bound, "bound")
    base = dist.Normal(torch.zeros(input_dim), torch.ones(input_dim)).to_event(1)
    couplings = [
        T.spline_coupling(
            input_dim, count_bins=count_bins, bound=bound, hidden_dims=[hidden, hidden]
        )
        for _ in range(layers)
    ]
    reverse = torch.arange(input_dim - 1, -1, -1)
    transforms: list[Any] = []
    for coupling in couplings:
        transforms += [coupling, T.Permute(reverse)]
    return dist.TransformedDistribution(base, transforms), torch.nn.ModuleList(couplings)


def fit_flow(
    flow: Any,
    modules: Any,
    x_train: Any,
    *,
    steps: int,
    lr: float = 1e-2,
    progressbar: bool = False,
) -> FlowFit:
    """Fit a flow by maximum likelihood: Adam on the mean negative log-density of the data.

    A flow's density is exact (change of variables), so no ELBO is needed; the training points
    are used as one full batch.

    Parameters
    ----------
    flow, modules
        What :func:`spline_flow` returns.
    x_train : array-like, shape (n, d)
    steps : int
        Optimisation steps (take them from the run budget).
    lr : float, default 1e-2
    progressbar : bool, default False

    Returns
    -------
    FlowFit

    Raises
    ------
    ValueError
        If ``x_train`` is not 2-D or a setting is not positive.

    Examples
    --------
    >>> from helpers import seed_torch
    >>> seed_torch(0)
    >>> flow, modules = spline_flow(2, layers=1)
    >>> fit = fit_flow(flow, modules, make_moons_data(200, rng=0), steps=30)
    >>> fit.loss[-1] < fit.loss[0]
    True
    """
    import torch
    from tqdm.auto import tqdm

    data = np.asarray(x_train, dtype=float)
    if data.ndim != 2 or data.shape[0] < 1:
        raise ValueError(f"`x_train` must have shape (n, d) with n >= 1; got {data.shape}")
    steps, lr = _positive_int(steps, "steps"), _positive_float(lr, "lr")
    x = torch.as_tensor(data, dtype=torch.float32)
    optimizer = torch.optim.Adam(modules.parameters(), lr=lr)
    fit = FlowFit(flow, modules)
    start = time.perf_counter()
    bar = tqdm(range(steps), desc="flow steps", disable=not progressbar)
    for _ in bar:
        optimizer.zero_grad()
        loss = -flow.log_prob(x).mean()
        loss.backward()
        optimizer.step()
        flow.clear_cache()
        fit.loss.append(loss.item())
    fit.seconds = time.perf_counter() - start
    return fit
