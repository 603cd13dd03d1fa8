"""The workshop's live paths (book/workshop.yml, cells tagged live-pymc / live-pyro).

Static (every run): each block of both emphases runs code in its own library, every section
workshop.yml names exists and holds live cells, every live cell belongs to a named section, the
tags are valid and each live path is self-contained.

The fit (``slow``, run by ``make test-full``): each block's live path, timed by the rehearsal in
full mode (what an instructor runs), plus its talk time leaves at least 20% of the slot spare.
Full mode is too slow to run twice inside ``make test`` (the notebooks already run there in fast
mode, and per-cell times are not kept by nbmake or the book build), so the timing lives with the
other full-mode checks; a rehearsal record already in ``_build`` newer than its inputs is reused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from course_tools import workshop
from tests._notebooks import NOTEBOOKS, ROOT

EMPHASES = workshop.EMPHASES
VALID_LIVE_TAGS = set(workshop.LIVE_TAGS.values())


def _blocks(emphasis):
    return workshop.load_blocks(emphasis)


@pytest.mark.parametrize("emphasis", EMPHASES)
def test_every_block_runs_its_own_library_live(emphasis):
    for entry in workshop.plan(emphasis):
        code = [
            item["nb"].cells[i].source
            for item in entry["items"]
            for i in item["cells"][1:]  # the setup cell's imports do not count
            if item["nb"].cells[i].cell_type == "code"
        ]
        assert any(workshop.uses_library(src, emphasis) for src in code), (
            f"block {entry['block'].time} has no live {emphasis} code in the {emphasis} emphasis"
        )


@pytest.mark.parametrize("emphasis", EMPHASES)
def test_named_sections_exist_and_hold_live_cells(emphasis):
    for entry in workshop.plan(emphasis):
        for item in entry["items"]:
            nb, number = item["nb"], item["notebook"].number
            where = workshop.cell_sections(nb)
            for section in item["notebook"].sections:
                assert section in workshop.headings(nb), (
                    f"{number}: no heading {section!r} (block {entry['block'].time})"
                )
                live = [i for i in item["cells"][1:] if where[i] == section]
                assert live, f"{number}: section {section!r} has no {emphasis}-live cell"


@pytest.mark.parametrize("emphasis", EMPHASES)
def test_every_live_cell_is_in_a_named_section(emphasis):
    tag = workshop.LIVE_TAGS[emphasis]
    named: dict[str, set[str]] = {}
    for block in _blocks(emphasis):
        for item in block.notebooks:
            named.setdefault(item.number, set()).update(item.sections)
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        where = workshop.cell_sections(nb)
        for i, cell in enumerate(nb.cells):
            if tag in workshop.tags(cell):
                assert where[i] in named.get(path.name[:2], set()), (
                    f"{path.name} cell {i} is tagged {tag} but its section {where[i]!r} "
                    "is in no block of workshop.yml"
                )


def test_live_tags_are_valid():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        setup = workshop.setup_cell_index(nb)
        for i, cell in enumerate(nb.cells):
            tags = workshop.tags(cell)
            live = {t for t in tags if t.startswith("live")}
            assert live <= VALID_LIVE_TAGS, f"{path.name} cell {i}: unknown tag {live}"
            if live:
                assert i != setup, f"{path.name}: the setup cell is always live; do not tag it"
                assert not {"solution", "self-check"} & set(tags), (
                    f"{path.name} cell {i}: a solution or self-check is never run live"
                )


@pytest.mark.parametrize("emphasis", EMPHASES)
def test_live_paths_are_self_contained(emphasis):
    for entry in workshop.plan(emphasis):
        for item in entry["items"]:
            assert workshop.missing_dependencies(item["nb"], item["cells"]) == []


def test_dependency_check_catches_a_missing_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np"),
        nbformat.v4.new_code_cell("data = np.arange(3)"),
        nbformat.v4.new_code_cell("total = data.sum()\nprint(total)"),
    ]
    assert workshop.missing_dependencies(nb, [0, 1, 2]) == []
    problems = workshop.missing_dependencies(nb, [0, 2])
    assert problems == ["live cell 2 reads `data`, defined in cell 1, which is not live"]


def test_slot_minutes_rejects_bad_times():
    assert workshop.slot_minutes("10:00-11:30") == 90
    with pytest.raises(ValueError, match="`time` must look like"):
        workshop.slot_minutes("10-11")
    with pytest.raises(ValueError, match="`time` must end after it starts"):
        workshop.slot_minutes("11:00-10:00")
    with pytest.raises(ValueError, match="`emphasis` must be one of"):
        workshop.load_blocks("stan")


def test_library_detection():
    assert workshop.uses_library("pm.sample()", "pymc")
    assert workshop.uses_library("pyro.sample('x', d)", "pyro")
    assert not workshop.uses_library("import pyro", "pyro")
    assert not workshop.uses_library("np.mean(x)", "pymc")


def _fresh_record(emphasis):
    """The rehearsal record in _build if it is full mode and newer than its inputs."""
    record = ROOT / "_build" / f"rehearsal-{emphasis}.json"
    if not record.exists():
        return None
    inputs = [workshop.WORKSHOP, *NOTEBOOKS, ROOT / "scripts" / "rehearse.py"]
    data = json.loads(record.read_text())
    if data["mode"] != "full" or record.stat().st_mtime < max(p.stat().st_mtime for p in inputs):
        return None
    return data


@pytest.mark.slow
@pytest.mark.parametrize("emphasis", EMPHASES)
def test_live_paths_fit_their_slots_with_20_percent_spare(emphasis):
    data = _fresh_record(emphasis)
    if data is None:
        env = {**os.environ, "COURSE_FAST": "0", "COURSE_QUIET": "1"}
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "rehearse.py"), "--emphasis", emphasis],
            env=env,
            cwd=ROOT,
            check=False,
            timeout=3600,
        )
        data = json.loads((ROOT / "_build" / f"rehearsal-{emphasis}.json").read_text())
    assert data["mode"] == "full"
    blocks = {b.time: b for b in _blocks(emphasis)}
    assert [row["time"] for row in data["blocks"]] == list(blocks)
    for row in data["blocks"]:
        block = blocks[row["time"]]
        used = row["seconds"] / 60 + block.talk_minutes
        assert used <= workshop.MAX_SHARE * block.minutes, (
            f"{emphasis} block {row['time']}: {row['seconds']:.0f} s live + "
            f"{block.talk_minutes:.0f} min talk = {used:.1f} min, more than 80% of "
            f"{block.minutes:.0f} min"
        )
