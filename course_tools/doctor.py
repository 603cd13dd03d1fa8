"""Preflight for workshop attendees: is this installation ready for the day?

Run ``make doctor`` (or ``python -m course_tools.doctor``). Each check prints PASS or FAIL with the
time it took and what it found; the exit status is non-zero when any check fails. Nothing here
needs a network.

It also checks that there is room on the disk for the day and that the student copies
(``make student``) are there.

Introduced for the workshop kit (see book/workshop.md).
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from course_tools.warm import warm_caches

__all__ = [
    "CheckResult",
    "CHECKS",
    "MIN_FREE_GB",
    "check_disk",
    "check_student_copies",
    "locked_versions",
    "run_checks",
    "main",
]

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
#: Free space the day needs beside the installed environment, in GB. Measured on the course's
#: machine: a full site build (``make book``) writes about 0.2 GB into ``_build`` and a fast one
#: another 0.15 GB, each run mode's PyTensor/numba compile cache about 0.1 GB, the executed student
#: notebooks with their figures about 0.05 GB; 2 GB holds all of that twice over, so a notebook
#: never fails to save mid-workshop. (Installing the environment itself needs about 7 GB with
#: torch's GPU stack, or about 2.5 GB with ``make env TORCH=cpu``; by the time the doctor runs
#: that space is already used.)
MIN_FREE_GB = 2.0
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


def check_disk(folder: Path = ROOT, min_free_gb: float = MIN_FREE_GB) -> str:
    """At least ``min_free_gb`` GB are free on the disk that holds ``folder``."""
    free = shutil.disk_usage(folder).free / 1e9
    if free < min_free_gb:
        raise RuntimeError(
            f"only {free:.1f} GB free on the disk holding {folder}; the day needs "
            f"{min_free_gb:.0f} GB for build and compile caches and your saved notebooks"
        )
    return f"{free:.0f} GB free at {folder} (the day needs {min_free_gb:.0f} GB)"


def check_student_copies(
    student: Path = ROOT / "student", notebooks: Path = ROOT / "notebooks"
) -> str:
    """Every course notebook has its student copy in ``student``."""
    wanted = sorted(p.name for p in Path(notebooks).glob("[0-9][0-9]_*.ipynb"))
    if not wanted:
        raise RuntimeError(f"no course notebooks in {notebooks}; run the doctor from the clone")
    missing = [name for name in wanted if not (Path(student) / name).exists()]
    if missing:
        shown = ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else "")
        raise RuntimeError(
            f"{len(missing)} of {len(wanted)} student copies are missing from {student} "
            f"({shown}); run `make student`"
        )
    return f"all {len(wanted)} student copies are in {student}"


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("Python version", check_python),
    ("locked package versions", check_versions),
    ("PyMC compiles and samples", check_pymc),
    ("Pyro and torch run SVI", check_pyro),
    ("plotting", check_plotting),
    ("bundled data", check_data),
    ("free disk", check_disk),
    ("student copies", check_student_copies),
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--student",
        type=Path,
        default=None,
        help="folder of the student copies (default: student/ in the clone)",
    )
    args = parser.parse_args([] if argv is None else argv)
    checks = CHECKS
    if args.student is not None:
        checks = [
            (
                name,
                (lambda: check_student_copies(args.student))
                if func is check_student_copies
                else func,
            )
            for name, func in CHECKS
        ]
    print("Course preflight: checking this installation (no network needed)\n")
    results = run_checks(checks)
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
    sys.exit(main(sys.argv[1:]))
