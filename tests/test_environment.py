"""The locked environment: pyproject, requirements.lock and environment.yml agree."""

from __future__ import annotations

import re
import tomllib
import warnings

import yaml
from packaging.requirements import Requirement

from tests._notebooks import ROOT


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock line is not an exact pin: {line!r}"
            pins[_norm(name)] = version
    return pins


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
    assert _lock()["torch"] == "2.13.0"


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
    assert "python=3.11" in env["dependencies"]


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
