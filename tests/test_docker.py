"""The course's container: static checks that always run, and `make docker` itself (marked docker).

`make docker` (scripts/docker.sh) builds the image from a fresh clone, runs the preflight and one
fast notebook inside it with no network, and cleans up. It downloads about 3 GB and takes tens of
minutes, so it runs only when asked for: ``pytest -m docker tests/test_docker.py`` (as root, or
with a Docker daemon already running and the base image present).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests._notebooks import ROOT

DOCKERFILE = ROOT / "Dockerfile"
SCRIPT = ROOT / "scripts" / "docker.sh"
#: Python 3 of each Debian release the base image could be built from (debootstrap).
DEBIAN_PYTHON = {"bookworm": (3, 11), "trixie": (3, 13)}
#: The Python versions the lock is made for (course_tools.doctor checks the same).
PYTHONS = {(3, 12), (3, 13)}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments left out."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), " ".join(rest.split())))
    return out


def script_release() -> str:
    """The Debian release scripts/docker.sh builds the base image from, as it reads it."""
    result = subprocess.run(
        ["bash", str(SCRIPT), "release"], capture_output=True, text=True, timeout=30, check=True
    )
    return result.stdout.strip()


def test_base_image_is_the_debootstrapped_release_with_a_course_python():
    froms = [args for word, args in dockerfile_instructions() if word == "FROM"]
    assert len(froms) == 1, froms
    match = re.fullmatch(r"debian:([a-z]+)-slim", froms[0])
    assert match, f"the base must be debian:<release>-slim (scripts/docker.sh builds it): {froms}"
    release = match.group(1)
    assert script_release() == release
    assert DEBIAN_PYTHON.get(release) in PYTHONS, (
        f"Debian {release} ships Python {DEBIAN_PYTHON.get(release)}; the lock needs 3.12 or 3.13"
    )


def test_image_installs_the_lock_with_make_env_before_the_sources():
    steps = dockerfile_instructions()
    copies = [i for i, (word, args) in enumerate(steps) if word == "COPY"]
    env_runs = [i for i, (word, args) in enumerate(steps) if word == "RUN" and "make env" in args]
    lock_copy = next(i for i in copies if "requirements.lock" in steps[i][1].split())
    sources_copy = next(i for i in copies if steps[i][1].split()[-2:] == [".", "."])
    assert len(env_runs) == 2, "make env installs the lock, then again the course's own package"
    assert lock_copy < env_runs[0] < sources_copy < env_runs[1]
    # The first `make env` sees only what its target depends on, so a change to the notebooks,
    # helpers or README reuses the installed environment (the 7.5 GB layer).
    assert set(steps[lock_copy][1].split()[1:-1]) == {
        "Makefile",
        "pyproject.toml",
        "requirements.lock",
    }
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -r requirements.lock" in makefile
    assert "make student" in steps[env_runs[1]][1]


def test_image_runs_as_a_user_and_serves_lab_with_its_token_login():
    steps = dockerfile_instructions()
    users = [args for word, args in steps if word == "USER"]
    assert users and users[-1] not in {"root", "0"}
    cmd = json.loads(next(args for word, args in steps if word == "CMD"))
    lab = cmd[-1]
    assert "jupyter lab student" in lab and "--port=8888" in lab
    assert "token" not in lab.lower() and "password" not in lab.lower(), (
        "the image keeps Jupyter's token login; never turn it off in the image"
    )
    assert ("EXPOSE", "8888") in steps


def test_dockerignore_keeps_local_state_out_and_the_sources_in():
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", "_build", ".git", "student"} <= patterns
    needed = ["Makefile", "pyproject.toml", "requirements.lock", "README.md", "scripts", "helpers"]
    needed += ["notebooks", "tests"]
    assert not patterns & set(needed)
    assert not any(p.startswith("!") or p in {"*", "**"} for p in patterns)


def test_devcontainer_builds_the_dockerfile_and_runs_the_preflight():
    folder = ROOT / ".devcontainer"
    config = json.loads((folder / "devcontainer.json").read_text())
    assert (folder / config["build"]["dockerfile"]).resolve() == DOCKERFILE
    assert (folder / config["build"]["context"]).resolve() == ROOT
    assert 8888 in config["forwardPorts"]
    assert "make doctor" in config["postCreateCommand"]
    # make, run in the editor's workspace, uses the image's environment, not a new .venv there.
    venv = config["containerEnv"]["MAKEFLAGS"].removeprefix("VENV=")
    assert f"VIRTUAL_ENV={venv}" in DOCKERFILE.read_text()


def test_make_docker_runs_the_script_which_cleans_up_after_itself():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^docker: .*## .*\n\t.*scripts/docker\.sh$", makefile, re.M)
    assert re.search(r"^\.PHONY: .*\bdocker\b", makefile, re.M)
    text = SCRIPT.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text and "trap cleanup EXIT" in text
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)


def _daemon_running() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=60).returncode == 0


@pytest.mark.docker
def test_make_docker_builds_the_image_and_passes_inside_it(request):
    markexpr = request.config.getoption("markexpr") or ""
    if not re.search(r"(?<!not )\bdocker\b", markexpr):
        pytest.skip("builds a ~7 GB image; run with `pytest -m docker tests/test_docker.py`")
    daemon_before = _daemon_running()
    result = subprocess.run(
        ["make", "--no-print-directory", "docker"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3 * 3600,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-5000:]
    # The preflight, inside: every check passed and none failed.
    assert re.search(r"^All \d+ checks passed", out, re.M), out[-5000:]
    assert not re.search(r"^FAIL ", out, re.M)
    assert "make docker: PASSED: the preflight inside the container" in out
    # The notebook, inside: nbmake ran it and it passed.
    assert re.search(r"^1 passed\b", out, re.M), out[-5000:]
    assert "make docker: PASSED: notebooks/01_distributions.ipynb inside the container" in out
    size = re.search(r"^make docker: image \S+: [\d.]+ GB \((\d+) bytes\)", out, re.M)
    assert size and int(size.group(1)) > 1e9, "the image holds the whole environment"
    # Cleanup: a daemon it started is stopped; its containers are gone.
    assert _daemon_running() == daemon_before
    if daemon_before:
        names = subprocess.run(
            ["docker", "ps", "-a", "--format", "{{.Names}}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "course-docker-" not in names
