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
RECORDS = ROOT / "_build" / "records" / "book"


@pytest.fixture(scope="module")
def site() -> Path:
    """The fresh fast-mode build (`-W --keep-going`) of the book; return its HTML folder.

    `make test` builds it beside the nbmake run and sets COURSE_BOOK_BUILT=1; run alone, this
    fixture builds it from scratch itself.
    """
    if os.environ.get("COURSE_BOOK_BUILT") == "1":
        log = OUT / "build.log"
        assert log.exists() and HTML.is_dir(), (
            "COURSE_BOOK_BUILT=1 but no fast build in _build/fast"
        )
        assert "build succeeded" in log.read_text(), (
            f"the fast book build failed:\n{log.read_text()[-6000:]}"
        )
        return HTML
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.rmtree(RECORDS, ignore_errors=True)
    shutil.rmtree(ROOT / "_build" / "pytensor" / "book", ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(COURSE_FAST="1", COURSE_QUIET="1", COURSE_RECORD_DIR=str(RECORDS))
    # As `make book-fast`: the notebooks run in parallel into the execution cache first
    # (scripts/execute_notebooks.py), then the build renders them from it.
    fill = [
        sys.executable,
        str(ROOT / "scripts" / "execute_notebooks.py"),
        "--cache",
        str(OUT / "_build" / ".jupyter_cache"),
        "--record-dir",
        str(RECORDS),
        "--compiledir-root",
        str(ROOT / "_build" / "pytensor" / "book"),
    ]
    filled = subprocess.run(fill, env=env, capture_output=True, text=True, timeout=3600)
    OUT.mkdir(parents=True, exist_ok=True)
    if filled.returncode != 0:
        (OUT / "build.log").write_text(filled.stdout + filled.stderr)
    assert filled.returncode == 0, f"a notebook failed:\n{(filled.stdout + filled.stderr)[-6000:]}"
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
    log = filled.stdout + filled.stderr + result.stdout + result.stderr
    OUT.mkdir(parents=True, exist_ok=True)
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
    # sampler logs stay off the page (COURSE_QUIET=1, helpers/budget.py); warnings would show
    for log in ("Initializing NUTS", "Multiprocess sampling", "Sequential sampling", "NUTS: ["):
        assert log not in html, f"{page.name} shows the sampler log line {log!r}"


def test_landing_and_setup_pages(site):
    assert (site / "index.html").exists()
    assert (site / "book" / "setup.html").exists()
    assert (site / "book" / "references.html").exists()


def test_learning_path_is_generated_from_metadata(site):
    import nbformat

    html = (site / "book" / "intro.html").read_text()
    html = html.split('id="the-learning-path"', 1)[1].split("</table>", 1)[0]
    for path in NOTEBOOKS:
        meta = nbformat.read(path, as_version=4).metadata["curriculum"]
        assert f"../notebooks/{path.stem}.html" in html, (
            f"{path.stem} missing from the learning path"
        )
        row = html.split(f"../notebooks/{path.stem}.html", 1)[1].split("</tr>", 1)[0]
        assert f"<p>{meta['level']}</p>" in row and f"<p>{meta['minutes']}</p>" in row
    assert "prerequisites.png" in (site / "book" / "intro.html").read_text()
    assert (site / "_images" / "prerequisites.png").stat().st_size > 5000


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_page_footer_has_run_time_and_versions(site, path):
    html = (site / "notebooks" / f"{path.stem}.html").read_text()
    footer = re.search(
        r"This page was executed in (\w+) mode in (\d+) s on [\d-]+, with Python [\d.]+, (.*?)\.</p>",
        html,
    )
    assert footer, f"{path.stem}: no run-information footer"
    assert footer.group(1) == "fast"
    assert "pymc 6." in footer.group(3) and "arviz 1." in footer.group(3)


def test_workshop_agenda_shows_measured_run_times(site):
    html = (site / "book" / "workshop.html").read_text()
    assert "08:00-08:30" in html and "15:45-17:00" in html and "Lunch" in html
    for path in NOTEBOOKS:
        number = path.name[:2]
        if f">{number}</span></a> (" in html:
            assert re.search(rf">{number}</span></a> \((\d+) s\)", html), f"{number}: no run time"
    assert "@@RUNTIME" not in html and "not measured" not in html


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_solution_and_its_self_check_share_one_closed_toggle(site, path):
    html = (site / "notebooks" / f"{path.stem}.html").read_text()
    toggles = re.findall(r'<details class="course-solution">(.*?)</details>', html, re.S)
    solutions = len(re.findall(r'class="cell tag_solution', html))
    assert solutions >= 3 and len(toggles) == solutions, (path.stem, solutions, len(toggles))
    for toggle in toggles:
        assert "tag_solution" in toggle and "tag_self-check" in toggle
    # the browser test checks that nothing inside them shows before a click
    assert "<details open" not in html


def test_no_launch_buttons_to_hosted_kernels(site):
    # a hosted kernel would not have the locked environment or `helpers` (see _config.yml)
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert "mybinder.org" not in html and "colab.research.google.com" not in html, page.name


def test_math_is_served_locally(site):
    assert (site / "_static" / "mathjax" / "tex-chtml.js").exists()
    html = (site / "notebooks" / "01_distributions.html").read_text()
    assert 'src="../_static/mathjax/tex-chtml.js' in html
    assert "cdn.jsdelivr.net/npm/mathjax" not in html


def test_glossary_and_references(site):
    assert "Partial pooling" in (site / "book" / "glossary.html").read_text()
    refs = (site / "book" / "references.html").read_text()
    assert "Gigerenzer" in refs and "McElreath" in refs


def test_setup_page_shows_the_bench_table_or_says_none_was_measured(site):
    html = (site / "book" / "setup.html").read_text()
    section = html.split('id="run-times"', 1)[1].split("<section", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", section).split())  # `make bench` is two spans
    if (ROOT / "book" / "_generated" / "bench.json").exists():
        assert "<table" in section and "within budget" in text
    else:
        assert "No run times were measured" in text and "make bench" in text
