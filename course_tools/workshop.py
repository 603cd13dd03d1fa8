"""The workshop's live paths: which cells an instructor runs, per block and emphasis.

``book/workshop.yml`` names, for each block and emphasis (``pymc`` or ``pyro``), the notebooks,
the live sections of each (their headings as they appear, without the ``#`` marks) and the
talking time in minutes. In the notebooks, the cells to run live carry the tag ``live-pymc``
and/or ``live-pyro``. A block's live path in one notebook is

- the notebook's setup cell (its first code cell: always live, never tagged), then
- every cell tagged ``live-<emphasis>`` whose section is one the block names for that notebook,

in notebook order. Markdown cells tagged live give the slides their story; only code runs.

The live path must be self-contained: :func:`missing_dependencies` reads each live code cell's
names and reports any that the path does not define first (the latest definition before the
cell must itself be on the path). ``scripts/rehearse.py`` runs the paths and times them.

Introduced for the workshop kit (see book/workshop.md).
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml

__all__ = [
    "EMPHASES",
    "LIVE_TAGS",
    "Block",
    "LiveNotebook",
    "cell_sections",
    "headings",
    "live_cells",
    "load_blocks",
    "missing_dependencies",
    "setup_cell_index",
    "slot_minutes",
    "uses_library",
]

ROOT = Path(__file__).resolve().parent.parent
WORKSHOP = ROOT / "book" / "workshop.yml"
NOTEBOOKS = ROOT / "notebooks"
EMPHASES = ("pymc", "pyro")
LIVE_TAGS = {emphasis: f"live-{emphasis}" for emphasis in EMPHASES}
#: Share of a block the live path (machine time plus talk) may fill: 20% stays spare.
MAX_SHARE = 0.8
#: What counts as code in each emphasis's own library.
LIBRARY = {
    "pymc": re.compile(r"\bpm\.\w"),
    "pyro": re.compile(r"\bpyro\.\w|\bpoutine\.\w|\b(MCMC|NUTS|SVI|Predictive)\("),
}
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")


@dataclass(frozen=True)
class LiveNotebook:
    """One notebook of a block's live path: its number and the sections run live."""

    number: str
    sections: tuple[str, ...]

    @property
    def path(self) -> Path:
        found = sorted(NOTEBOOKS.glob(f"{self.number}_*.ipynb"))
        if len(found) != 1:
            raise ValueError(f"notebook {self.number!r}: expected one file, found {found}")
        return found[0]


@dataclass(frozen=True)
class Block:
    """One teaching block of the day, for one emphasis."""

    time: str
    title: str
    emphasis: str
    summary: str
    talk_minutes: float
    notebooks: tuple[LiveNotebook, ...] = field(default_factory=tuple)

    @property
    def minutes(self) -> float:
        return slot_minutes(self.time)

    @property
    def label(self) -> str:
        return self.time.split("-")[0]


def slot_minutes(time: str) -> float:
    """Length in minutes of a ``"HH:MM-HH:MM"`` slot.

    Examples
    --------
    >>> slot_minutes("08:30-09:45")
    75.0
    """
    match = re.fullmatch(r"(\d\d):(\d\d)-(\d\d):(\d\d)", time)
    if match is None:
        raise ValueError(f"`time` must look like 'HH:MM-HH:MM'; got {time!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    minutes = float((h2 * 60 + m2) - (h1 * 60 + m1))
    if minutes <= 0:
        raise ValueError(f"`time` must end after it starts; got {time!r}")
    return minutes


def load_blocks(emphasis: str, path: Path = WORKSHOP) -> list[Block]:
    """The teaching blocks of ``book/workshop.yml`` for one emphasis, in order (breaks left out)."""
    if emphasis not in EMPHASES:
        raise ValueError(f"`emphasis` must be one of {EMPHASES}; got {emphasis!r}")
    agenda = yaml.safe_load(Path(path).read_text())
    blocks = []
    for raw in agenda["blocks"]:
        if raw.get("break"):
            continue
        plan = raw[emphasis]
        blocks.append(
            Block(
                time=raw["time"],
                title=raw["title"],
                emphasis=emphasis,
                summary=plan["summary"],
                talk_minutes=float(plan["talk"]),
                notebooks=tuple(
                    LiveNotebook(str(item["notebook"]), tuple(item["sections"]))
                    for item in plan["live"]
                ),
            )
        )
    return blocks


def headings(nb: nbformat.NotebookNode) -> list[str]:
    """Every heading of the notebook's markdown cells, without the ``#`` marks, in order."""
    found = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                match = _HEADING.match(line)
                if match:
                    found.append(match.group(2))
    return found


def cell_sections(nb: nbformat.NotebookNode) -> list[str | None]:
    """The section each cell belongs to: the last heading at or before it."""
    current: str | None = None
    sections = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                match = _HEADING.match(line)
                if match:
                    current = match.group(2)
        sections.append(current)
    return sections


def setup_cell_index(nb: nbformat.NotebookNode) -> int:
    """Index of the setup cell: the notebook's first code cell."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            return i
    raise ValueError("the notebook has no code cell")


def tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def live_cells(nb: nbformat.NotebookNode, emphasis: str, sections: tuple[str, ...]) -> list[int]:
    """Indices of the live path: the setup cell, then the tagged cells of ``sections``."""
    tag = LIVE_TAGS[emphasis]
    where = cell_sections(nb)
    setup = setup_cell_index(nb)
    chosen = [setup]
    for i, cell in enumerate(nb.cells):
        if i != setup and tag in tags(cell) and where[i] in sections:
            chosen.append(i)
    return chosen


def _names(source: str) -> tuple[set[str], set[str]]:
    """Names a cell defines and names it reads before (or without) defining them."""
    tree = ast.parse(source)
    defined: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            defined.add(node.id)
        elif isinstance(node, ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            defined.add(node.name)  # its parameters are local: counted as defined here
            defined.update(a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg))
        elif isinstance(node, ast.Lambda):
            defined.update(a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                defined.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            defined.add(node.name)
    used = {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    return defined, used - defined - set(dir(builtins))


def missing_dependencies(nb: nbformat.NotebookNode, chosen: list[int]) -> list[str]:
    """What the live path reads but does not define first, one message per name.

    A name a live cell reads must be defined by the latest earlier cell that defines it, and
    that cell must be live: otherwise the live path would run on a different value or fail.
    """
    problems = []
    chosen_set = set(chosen)
    definitions: list[set[str]] = []
    for cell in nb.cells:
        definitions.append(_names(cell.source)[0] if cell.cell_type == "code" else set())
    for i in chosen:
        cell = nb.cells[i]
        if cell.cell_type != "code":
            continue
        for name in sorted(_names(cell.source)[1]):
            source = next((j for j in range(i - 1, -1, -1) if name in definitions[j]), None)
            if source is None:
                continue  # a builtin-like name from the kernel (display, get_ipython, ...)
            if source not in chosen_set:
                problems.append(
                    f"live cell {i} reads `{name}`, defined in cell {source}, which is not live"
                )
    return problems


def uses_library(source: str, emphasis: str) -> bool:
    """Whether code calls the emphasis's own library (``pm.`` for PyMC, Pyro's API for Pyro)."""
    return bool(LIBRARY[emphasis].search(source))


def plan(emphasis: str) -> list[dict[str, Any]]:
    """Each block with its notebooks' live cell indices (a convenience for the rehearsal)."""
    out = []
    for block in load_blocks(emphasis):
        items = []
        for item in block.notebooks:
            nb = nbformat.read(item.path, as_version=4)
            items.append(
                {"notebook": item, "nb": nb, "cells": live_cells(nb, emphasis, item.sections)}
            )
        out.append({"block": block, "items": items})
    return out
