"""Preflight for workshop attendees: is this installation ready for the day?

Run ``make doctor`` (or ``python -m helpers.doctor``). Each check prints PASS or FAIL with the
time it took and what it found; the exit status is non-zero when any check fails. Nothing here
needs a network.

Introduced for the workshop kit (see book/workshop.md).
"""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from course_tools.warm import warm_caches

__all__ = ["CheckResult", "CHECKS", "locked_versions", "run_checks", "main"]

LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"
#: Python versions the lock is resolved and tested for.
PYTHONS = ((3, 12), (3, 13))
#: torch's Linux GPU stack: left out when torch is the CPU build (``make env TORCH=cpu``).
GPU_STACK = re.compile(r"^(nvidia-|cuda-|triton$)")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one preflight check."""

    name: str
    passed: bool
    seconds: float
    detail: str


def check_python() -> str:
    """Python must be 3.12 or 3.13, the versions the lock was resolved for."""
    found = sys.version_info[:2]
    if found not in PYTHONS:
        raise RuntimeError(f"Python 3.12 or 3.13 is required; this is {sys.version.split()[0]}")
    return f"Python {sys.version.split()[0]}"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(lock: Path = LOCK) -> dict[str, str]:
    """The exact pins of ``requirements.lock`` that apply to this platform, by normalised name.

    Lines carry an optional environment marker (``nvidia-cublas==13.1.1.3 ; sys_platform ==
    "linux"``); a pin whose marker does not hold here is left out.

    Raises
    ------
    ValueError
        If a line is not an exact ``name==version`` pin.
    """
    from packaging.requirements import Requirement

    pins = {}
    for line in lock.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        if len(specs) != 1 or specs[0].operator != "==":
            raise ValueError(f"requirements.lock line is not an exact pin: {line!r}")
        if req.marker is None or req.marker.evaluate():
            pins[_norm(req.name)] = specs[0].version
    return pins


def check_versions(lock: Path = LOCK) -> str:
    """Every package in requirements.lock is installed at the locked version.

    With torch's CPU build installed (``make env TORCH=cpu``) its GPU stack is not expected.
    """
    if not lock.exists():
        raise RuntimeError(f"no lock file at {lock}; run the doctor from a clone of the course")
    pins = locked_versions(lock)
    try:
        cpu_torch = version("torch").endswith("+cpu")
    except PackageNotFoundError:
        cpu_torch = False
    wrong = []
    count = 0
    for name, wanted in pins.items():
        if cpu_torch and GPU_STACK.match(name):
            continue
        count += 1
        try:
            have = version(name).split("+")[0]
        except PackageNotFoundError:
            wrong.append(f"{name} missing (want {wanted})")
            continue
        if have != wanted:
            wrong.append(f"{name} {have} (want {wanted})")
    if wrong:
        shown = ", ".join(wrong[:8]) + (f" and {len(wrong) - 8} more" if len(wrong) > 8 else "")
        raise RuntimeError(f"{len(wrong)} of {count} packages differ from the lock: {shown}")
    return f"{count} packages match requirements.lock"


def check_pymc() -> str:
    """PyMC compiles and samples a Beta-Binomial model and matches its exact posterior mean."""
    import warnings

    from helpers.known_warnings import silence_known_warnings

    silence_known_warnings()
    import pymc as pm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "fewer than 4 chains" advice on a toy run
        with pm.Model():
            theta = pm.Beta("theta", 1, 1)
            pm.Binomial("y", n=50, p=theta, observed=20)
            idata = pm.sample(
                draws=300,
                tune=300,
                chains=2,
                cores=1,
                nuts_sampler="pymc",
                random_seed=1,
                progressbar=False,
                compute_convergence_checks=False,
            )
    mean = float(idata.posterior["theta"].mean())
    exact = 21 / 52
    if abs(mean - exact) > 0.03:
        raise RuntimeError(f"posterior mean {mean:.3f} is far from the exact {exact:.3f}")
    import arviz as az

    if type(idata).__name__ != "DataTree":
        raise RuntimeError(f"pm.sample returned a {type(idata).__name__}, not ArviZ 1's DataTree")
    rhat = az.rhat(idata)["theta"].item()
    return (
        f"PyMC {pm.__version__} sampled, ArviZ {az.__version__} read the fit (R-hat {rhat:.3f}); "
        f"posterior mean {mean:.3f} (exact {exact:.3f})"
    )


def check_pyro() -> str:
    """Pyro and torch run SVI steps on a tiny model and the loss falls."""
    import pyro
    import pyro.distributions as dist
    import torch
    from pyro.infer import SVI, Trace_ELBO
    from pyro.infer.autoguide import AutoNormal

    pyro.set_rng_seed(0)
    pyro.clear_param_store()
    data = torch.full((20,), 3.0)

    def model(y):
        mu = pyro.sample("mu", dist.Normal(0.0, 10.0))
        with pyro.plate("n", len(y)):
            pyro.sample("y", dist.Normal(mu, 1.0), obs=y)

    guide = AutoNormal(model)
    svi = SVI(model, guide, pyro.optim.Adam({"lr": 0.1}), Trace_ELBO())
    losses = [svi.step(data) for _ in range(200)]
    if not losses[-1] < losses[0]:
        raise RuntimeError(f"the ELBO loss did not fall ({losses[0]:.1f} -> {losses[-1]:.1f})")
    device = "GPU available" if torch.cuda.is_available() else "CPU only"
    return f"torch {torch.__version__}, pyro {pyro.__version__} ({device}); loss {losses[0]:.0f} -> {losses[-1]:.0f}"


def check_plotting() -> str:
    """Matplotlib draws a figure to PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    if buffer.getbuffer().nbytes < 1000:
        raise RuntimeError("the PNG came out empty")
    return f"matplotlib {matplotlib.__version__} wrote a {buffer.getbuffer().nbytes:,}-byte PNG"


def check_data() -> str:
    """The data sets the course uses ship inside installed packages."""
    from importlib.resources import files

    import pandas as pd
    from sklearn.datasets import load_digits

    summary = pd.read_csv(files("lifetimes") / "datasets" / "cdnow_customers_summary.csv")
    digits = load_digits()
    if len(summary) != 2357 or digits.data.shape != (1797, 64):
        raise RuntimeError("the bundled data sets have unexpected sizes")
    return "CDNOW (2,357 customers) and the 8x8 digits (1,797 images) load offline"


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("Python version", check_python),
    ("locked package versions", check_versions),
    ("PyMC compiles and samples", check_pymc),
    ("Pyro and torch run SVI", check_pyro),
    ("plotting", check_plotting),
    ("bundled data", check_data),
    ("compile caches warmed", warm_caches),
]


def run_checks(checks: list[tuple[str, Callable[[], str]]] | None = None) -> list[CheckResult]:
    """Run each check, catching its failure, and time it."""
    results = []
    for name, func in CHECKS if checks is None else checks:
        start = time.perf_counter()
        try:
            detail, passed = func(), True
        except Exception as err:  # noqa: BLE001 - a preflight reports every failure, whatever it is
            detail, passed = f"{type(err).__name__}: {err}", False
        results.append(CheckResult(name, passed, time.perf_counter() - start, detail))
    return results


def main(argv: list[str] | None = None) -> int:
    """Print one line per check and return 0 when all pass, 1 otherwise."""
    print("Course preflight: checking this installation (no network needed)\n")
    results = run_checks()
    for r in results:
        print(f"{'PASS' if r.passed else 'FAIL'}  {r.name:<28} {r.seconds:6.1f} s  {r.detail}")
    failed = [r for r in results if not r.passed]
    total = sum(r.seconds for r in results)
    if failed:
        print(
            f"\n{len(failed)} of {len(results)} checks failed ({total:.0f} s). See book/setup.md, Troubleshooting."
        )
        return 1
    print(f"\nAll {len(results)} checks passed in {total:.0f} s: you are ready for the workshop.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
