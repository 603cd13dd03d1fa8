"""A fresh fast-mode build of the site, failing on any warning, and checks of its pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests._notebooks import NOTEBOOKS, ROOT

pytestmark = pytest.mark.book

OUT = ROOT / "_build" / "fast"
HTML = OUT / "_build" / "html"


@pytest.fixture(scope="module")
def site() -> Path:
    """Build the book from scratch in fast mode (`-W --keep-going`) and return the HTML folder."""
    shutil.rmtree(OUT, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(COURSE_FAST="1", COURSE_QUIET="1")
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [
        str(jb),
        "build",
        str(ROOT),
        "--path-output",
        str(OUT),
        "--all",
        "-W",
        "-n",
        "--keep-going",
    ]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    log = result.stdout + result.stderr
    (OUT / "build.log").parent.mkdir(parents=True, exist_ok=True)
    (OUT / "build.log").write_text(log)
    assert result.returncode == 0, f"jupyter-book build failed:\n{log[-6000:]}"
    return HTML


def test_fast_and_full_caches_are_apart(site):
    assert (OUT / "_build" / ".jupyter_cache").is_dir()
    assert not (ROOT / "_build" / "html").is_relative_to(OUT)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_page_has_outputs_and_figures(site, path):
    page = site / "notebooks" / f"{path.stem}.html"
    assert page.exists(), f"no page for {path.name}"
    html = page.read_text()
    assert "cell_output" in html, f"{page.name} shows no executed output"
    assert re.search(r"<img[^>]+\.png", html), f"{page.name} has no figure"
    assert "Traceback" not in html, f"{page.name} shows a traceback"
    assert "\u2713" in html, f"{page.name} shows no passing check"


def test_landing_and_setup_pages(site):
    assert (site / "index.html").exists()
    assert (site / "book" / "setup.html").exists()
    assert (site / "book" / "references.html").exists()
