"""Rehearse the workshop for one emphasis: run each block's live cells and time them.

    python scripts/rehearse.py --emphasis pymc          # or: make rehearse EMPHASIS=pymc

For each block of ``book/workshop.yml`` in order, each of its notebooks runs in a fresh kernel
with exactly its live path (the setup cell, then the cells tagged ``live-<emphasis>`` in the
sections the block names; see ``course_tools/workshop.py``). A live cell that reads a name only a
non-live cell defines stops the rehearsal before anything runs; one that fails stops it loudly.

Machine time is the sum of the cells' execution times in the run budget of ``COURSE_FAST``:
full mode (``COURSE_FAST=0``, the default here) is what an instructor runs. The table block x
(machine time s, talk min, block min, spare %) is printed and written to
``_build/rehearsal-<emphasis>.md``, with the per-cell times in ``_build/rehearsal-<emphasis>.json``;
the executed live paths (markdown included) go to ``_build/rehearsal/<emphasis>/`` for the slides.
Exit status 1 when a block leaves less than 20% of its slot spare.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from course_tools import workshop  # noqa: E402


def _seconds(cell: nbformat.NotebookNode) -> float:
    stamps = cell.get("metadata", {}).get("execution", {})
    start, end = stamps.get("iopub.execute_input"), stamps.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def live_notebook(nb: nbformat.NotebookNode, cells: list[int]) -> nbformat.NotebookNode:
    """A notebook holding just the live path (outputs cleared), keeping the cells' ids."""
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    for i in cells:
        cell = nbformat.from_dict(nb.cells[i])
        cell.metadata["course_source_index"] = i
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        out.cells.append(cell)
    return out


def run_block(entry: dict, emphasis: str, folder: Path, timeout: int) -> dict:
    """Execute each notebook's live path of one block in a fresh kernel; return the timings."""
    block = entry["block"]
    result = {"time": block.time, "title": block.title, "notebooks": [], "seconds": 0.0}
    for item in entry["items"]:
        number, nb, cells = item["notebook"].number, item["nb"], item["cells"]
        problems = workshop.missing_dependencies(nb, cells)
        if problems:
            raise SystemExit(
                f"notebook {number}, block {block.time} ({emphasis}): the live path is not "
                "self-contained:\n  " + "\n  ".join(problems)
            )
        live = live_notebook(nb, cells)
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as cwd:
            client = NotebookClient(
                live,
                timeout=timeout,
                kernel_name="python3",
                resources={"metadata": {"path": cwd}},
                record_timing=True,
            )
            try:
                client.execute()
            except Exception as err:
                raise SystemExit(
                    f"notebook {number}, block {block.time} ({emphasis}): a live cell failed:\n{err}"
                ) from None
        wall = time.perf_counter() - start
        per_cell = [
            {"cell": c.metadata["course_source_index"], "seconds": round(_seconds(c), 2)}
            for c in live.cells
            if c.cell_type == "code"
        ]
        seconds = sum(c["seconds"] for c in per_cell)
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(live, folder / f"{block.label.replace(':', '')}-{number}.ipynb")
        result["notebooks"].append(
            {
                "notebook": number,
                "seconds": round(seconds, 1),
                "wall": round(wall, 1),
                "cells": per_cell,
            }
        )
        result["seconds"] += seconds
        print(
            f"  {block.time} notebook {number}: {len(per_cell)} code cells, {seconds:.0f} s",
            flush=True,
        )
    result["seconds"] = round(result["seconds"], 1)
    result["talk"] = block.talk_minutes
    result["minutes"] = block.minutes
    used = result["seconds"] / 60 + block.talk_minutes
    result["spare"] = round(100 * (1 - used / block.minutes), 1)
    return result


def table(emphasis: str, mode: str, rows: list[dict]) -> str:
    lines = [
        f"Rehearsal, {emphasis} emphasis, {mode} mode (live cells only, fresh kernel per notebook)",
        "",
        "| block | notebooks | machine time (s) | talk (min) | block (min) | spare (%) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        numbers = ", ".join(n["notebook"] for n in r["notebooks"])
        lines.append(
            f"| {r['time']} | {numbers} | {r['seconds']:.0f} | {r['talk']:.0f} | "
            f"{r['minutes']:.0f} | {r['spare']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emphasis", choices=workshop.EMPHASES, required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "_build")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args(argv)
    os.environ.setdefault("COURSE_FAST", "0")
    os.environ.setdefault("COURSE_QUIET", "1")
    os.environ.pop("MPLBACKEND", None)
    fast = os.environ["COURSE_FAST"].lower() in {"1", "true", "yes", "on"}
    mode = "fast" if fast else "full"
    if "IPYTHONDIR" not in os.environ:  # the test runs' network guard, in every kernel
        from tests.guards import ipython_dir

        os.environ["IPYTHONDIR"] = str(ipython_dir(ROOT))
    plan = workshop.plan(args.emphasis)
    for entry in plan:  # every path is checked before anything runs
        for item in entry["items"]:
            problems = workshop.missing_dependencies(item["nb"], item["cells"])
            if problems:
                print(
                    f"notebook {item['notebook'].number}: " + "; ".join(problems), file=sys.stderr
                )
                return 2
    print(f"Rehearsing the {args.emphasis} emphasis in {mode} mode", flush=True)
    folder = args.out / "rehearsal" / args.emphasis
    rows = [run_block(entry, args.emphasis, folder, args.timeout) for entry in plan]
    text = table(args.emphasis, mode, rows)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"rehearsal-{args.emphasis}.md").write_text(text)
    record = {
        "emphasis": args.emphasis,
        "mode": mode,
        "max_share": workshop.MAX_SHARE,
        "blocks": rows,
    }
    (args.out / f"rehearsal-{args.emphasis}.json").write_text(json.dumps(record, indent=1) + "\n")
    print("\n" + text)
    short = [r for r in rows if r["spare"] < 100 * (1 - workshop.MAX_SHARE)]
    if short:
        print(f"{len(short)} block(s) leave less than 20% spare: {[r['time'] for r in short]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
