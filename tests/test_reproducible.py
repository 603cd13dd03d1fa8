"""Two fresh-kernel runs of every notebook in fast mode give identical checked numbers, and the
runs leave no files behind in the repository.

The two runs are the nbmake run (`make test-notebooks`, kernel working directory notebooks/)
and the fresh fast book build (kernel working directory a temporary folder, `run_in_temp`).
Each records every value its checks compared (helpers.check, `COURSE_RECORD_DIR`).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests._notebooks import NOTEBOOKS, ROOT
from tests.test_book import RECORDS, site  # noqa: F401 - the fixture builds the site

NBMAKE_RECORDS = ROOT / "_build" / "records" / "nbmake"
STATUS_BEFORE = ROOT / "_build" / "records" / "git-status-before.txt"
ids = [p.stem for p in NOTEBOOKS]


def _load(path):
    assert path.exists(), f"{path} is missing: run `make test` (the nbmake step records it)"
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.book
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_two_runs_record_identical_numbers(site, path):  # noqa: F811
    first = _load(NBMAKE_RECORDS / f"{path.stem}.jsonl")
    second = _load(RECORDS / f"{path.stem}.jsonl")
    assert len(first) >= 3, f"{path.stem}: only {len(first)} checked values recorded"
    assert [r["name"] for r in first] == [r["name"] for r in second], "the checks differ"
    for a, b in zip(first, second, strict=True):
        assert a["value"] == b["value"], (
            f"{path.stem}: {a['name']} differs: {a['value']} vs {b['value']}"
        )


def _git_status() -> set[str]:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.splitlines())


@pytest.mark.book
def test_runs_leave_no_files_in_the_repository(site):  # noqa: F811
    assert STATUS_BEFORE.exists(), "run `make test`: the nbmake step snapshots `git status` first"
    before = set(STATUS_BEFORE.read_text().splitlines())
    new = sorted(_git_status() - before)
    assert not new, f"the notebook runs wrote files outside ignored folders: {new}"


FULL_RECORDS = ROOT / "_build" / "records" / "full"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_full_mode_checks_the_same_things_as_fast_mode(path):
    fast = _load(NBMAKE_RECORDS / f"{path.stem}.jsonl")
    full = _load(FULL_RECORDS / f"{path.stem}.jsonl")
    assert [r["name"] for r in full] == [r["name"] for r in fast]
