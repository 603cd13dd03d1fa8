"""`make bench`: every notebook's run time, cold and warm, in fast and full mode, against its budget.

For each notebook and mode (``COURSE_FAST=1`` fast, ``0`` full) the bench runs the notebook in a
fresh kernel, one notebook at a time (a parallel run would measure contention, not the notebook):

- **cold**: PyTensor's compile directory (``PYTENSOR_FLAGS=base_compiledir=...``, which also
  holds PyTensor's numba cache) and numba's own cache (``NUMBA_CACHE_DIR``) start empty, as on a
  new machine;
- **warm**: the same directories again, as on a learner's second run of the notebook. The
  directories are the notebook's own, ``_build/bench/cache/<mode>/<notebook>``; asking for warm
  alone reuses them, filling them first with an untimed run if there are none.

**Wall time** is the notebook's execution in nbclient (kernel start to last cell), as the site's
footers measure it. **The split** comes from timers inside the kernel (scripts/bench_timers.py,
loaded by an IPython startup file beside the course's guards): compile = PyTensor building
functions (graph rewrites and linking) and numba compiling, counted once however they nest;
sampling = PyMC's sample / predictive sampling / fit and Pyro's ``MCMC.run`` / ``SVI.step``, minus
compiling inside them (Pyro and torch time counts as sampling); other = the rest (imports, NumPy,
plotting, printing, kernel start). The slowest cells (nbclient's per-cell timings) are printed
and kept in the JSON, to show where to look. This is cheap (one clock read per wrapped call) and honest
about its limits: work in PyMC's worker processes and Pyro's JIT count as sampling.

The table (notebook, mode, cold s, warm s, budget s, within budget (warm), compile %, sampling %,
other %, the split of the warm run when there is one) goes to the terminal and to
``book/_generated/bench.json`` and ``bench.md``; a run on a subset updates only its rows. The site
shows the table on the setup page (``{run-times}`` in book/setup.md). The budgets come from each
notebook's ``curriculum.budget_seconds`` metadata. A benchmark, not a test: it never fails on time
(a notebook that raises is reported as failed, and the exit status is 1 only then).

Examples: ``python scripts/bench.py``; ``python scripts/bench.py --notebooks 07,14 --modes fast
--temps warm``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "book" / "_generated"
WORK = ROOT / "_build" / "bench"
MODES = ("fast", "full")
TEMPS = ("cold", "warm")
COLUMNS = (
    "notebook",
    "mode",
    "cold s",
    "warm s",
    "budget s",
    "within budget",
    "compile %",
    "sampling %",
    "other %",
)


def parse_list(text: str, allowed: tuple[str, ...], name: str) -> list[str]:
    """Split a comma-separated option and check every item is allowed."""
    items = [t.strip() for t in text.split(",") if t.strip()]
    bad = [t for t in items if t not in allowed]
    if not items or bad:
        raise ValueError(f"--{name} takes a comma-separated subset of {allowed}; got {text!r}")
    return items


def select_notebooks(spec: str | None, folder: Path = ROOT / "notebooks") -> list[Path]:
    """The notebooks named by two-digit numbers (``"07,14"``), or all of them."""
    paths = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not spec:
        return paths
    wanted = [t.strip().zfill(2) for t in spec.split(",") if t.strip()]
    found = {p.name[:2]: p for p in paths}
    missing = [w for w in wanted if w not in found]
    if missing:
        raise ValueError(f"--notebooks: no notebook numbered {', '.join(missing)}")
    return [found[w] for w in wanted]


def budget_seconds(path: Path, mode: str) -> int | None:
    """The notebook's budget for the mode from its ``curriculum.budget_seconds`` metadata."""
    meta = json.loads(path.read_text()).get("metadata", {}).get("curriculum", {})
    return meta.get("budget_seconds", {}).get(mode)


def split_shares(wall: float, compile_s: float, sampling_s: float) -> tuple[float, float, float]:
    """Percentages of the wall time spent compiling, sampling and on everything else.

    The timers run inside the kernel, so their sum cannot exceed the wall time except by clock
    jitter; any excess is clipped so the three shares add up to 100.

    >>> split_shares(100.0, 20.0, 50.0)
    (20.0, 50.0, 30.0)
    """
    if wall <= 0:
        raise ValueError(f"wall must be positive; got {wall}")
    compile_s, sampling_s = max(compile_s, 0.0), max(sampling_s, 0.0)
    scale = min(1.0, wall / (compile_s + sampling_s)) if compile_s + sampling_s > 0 else 1.0
    c, s = 100 * compile_s * scale / wall, 100 * sampling_s * scale / wall
    return round(c, 1), round(s, 1), round(100 - c - s, 1)


def row_for(result: dict) -> dict:
    """One table row from a result (cold and/or warm runs of one notebook in one mode)."""
    warm, cold = result.get("warm"), result.get("cold")
    shown = warm or cold
    budget = result.get("budget")
    row = {
        "notebook": result["notebook"],
        "mode": result["mode"],
        "cold s": _seconds(cold),
        "warm s": _seconds(warm),
        "budget s": str(budget) if budget is not None else "?",
    }
    if warm and "error" not in warm and budget is not None:
        row["within budget"] = "yes" if warm["wall"] <= budget else "no"
    else:
        row["within budget"] = "?"
    if shown and "error" not in shown and not math.isnan(shown["compile"] + shown["sampling"]):
        shares = split_shares(shown["wall"], shown["compile"], shown["sampling"])
        for column, share in zip(("compile %", "sampling %", "other %"), shares, strict=True):
            row[column] = f"{share:.0f}"
    else:
        for column in ("compile %", "sampling %", "other %"):
            row[column] = "?"
    return row


def _seconds(run: dict | None) -> str:
    if run is None:
        return ""
    if "error" in run:
        return "failed"
    return f"{run['wall']:.0f}"


def markdown_table(results: list[dict]) -> str:
    """The results as a Markdown table, sorted by notebook then mode (fast before full)."""
    ordered = sorted(results, key=lambda r: (r["notebook"], MODES.index(r["mode"])))
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for result in ordered:
        row = row_for(result)
        lines.append("| " + " | ".join(row[c] for c in COLUMNS) + " |")
    return "\n".join(lines)


def merge(old: list[dict], new: list[dict]) -> list[dict]:
    """Old results updated by new ones (keyed by notebook and mode; a new run replaces the
    old run of the same temperature and keeps the other)."""
    merged = {(r["notebook"], r["mode"]): dict(r) for r in old}
    for r in new:
        key = (r["notebook"], r["mode"])
        base = merged.get(key, {})
        merged[key] = {**base, **r}
    return list(merged.values())


def _ipython_dir() -> Path:
    """An IPython profile with the course's guards and the bench's timers."""
    sys.path.insert(0, str(ROOT))
    from tests.guards import ipython_dir

    folder = ipython_dir(WORK)
    startup = folder / "profile_default" / "startup"
    timers = ROOT / "scripts" / "bench_timers.py"
    (startup / "90-bench-timers.py").write_text(
        "# Written by scripts/bench.py: compile and sampling timers for `make bench`.\n"
        "import runpy as _runpy\n"
        f"_runpy.run_path({str(timers)!r}, run_name='bench_timers')"
        "['load_ipython_extension'](get_ipython())\n"
        "del _runpy\n"
    )
    return folder


def run_notebook(path: Path, mode: str, cache: Path, timeout: int) -> dict:
    """Execute one notebook in a fresh kernel with the given compile cache; time it."""
    import nbformat
    from nbclient import NotebookClient

    (cache / "pytensor").mkdir(parents=True, exist_ok=True)  # also marks the cache as filled
    totals = Path(tempfile.mkstemp(suffix=".json")[1])
    env = {
        "COURSE_FAST": "1" if mode == "fast" else "0",
        "COURSE_QUIET": "1",
        "PYTENSOR_FLAGS": f"base_compiledir={cache / 'pytensor'}",
        "NUMBA_CACHE_DIR": str(cache / "numba"),
        "IPYTHONDIR": str(_ipython_dir()),
        "COURSE_BENCH_OUT": str(totals),
    }
    saved = {k: os.environ.get(k) for k in (*env, "MPLBACKEND", "COURSE_RECORD")}
    os.environ.update(env)
    os.environ.pop("MPLBACKEND", None)
    os.environ.pop("COURSE_RECORD", None)
    nb = nbformat.read(path, as_version=4)
    try:
        with tempfile.TemporaryDirectory() as cwd:
            client = NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": cwd}})
            start = time.perf_counter()
            try:
                client.execute()
            except Exception as error:  # noqa: BLE001 - reported in the table, never raised
                return {"wall": time.perf_counter() - start, "error": str(error)[-2000:]}
            wall = time.perf_counter() - start
        split = json.loads(totals.read_text() or "{}") if totals.exists() else {}
        if "error" in split or not split:
            # the run is timed, but its split is unknown: say so rather than report 0 s
            print(f"  timers did not work in {path.name}: {split.get('error', 'no totals')}")
            return {"wall": wall, "compile": float("nan"), "sampling": float("nan")} | {
                "slowest cells": slowest_cells(nb)
            }
        return {
            "wall": wall,
            "compile": split.get("compile", 0.0),
            "sampling": split.get("sampling", 0.0),
            "slowest cells": slowest_cells(nb),
        }
    finally:
        totals.unlink(missing_ok=True)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def slowest_cells(nb, keep: int = 5) -> list[list]:
    """The notebook's slowest code cells as [index, cell id, seconds], from nbclient's timings."""
    timed = []
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type == "code" and start and end:
            seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
            timed.append([index, cell.get("id", ""), round(seconds, 1)])
    return sorted(timed, key=lambda t: -t[2])[:keep]


def bench(paths: list[Path], modes: list[str], temps: list[str], timeout: int) -> list[dict]:
    """Run the notebooks; return one result per notebook and mode."""
    results = []
    for mode in modes:
        for path in paths:
            cache = WORK / "cache" / mode / path.stem
            result = {"notebook": path.name[:2], "mode": mode, "budget": budget_seconds(path, mode)}
            if "cold" in temps:
                shutil.rmtree(cache, ignore_errors=True)
                result["cold"] = run_notebook(path, mode, cache, timeout)
                _say(path, mode, "cold", result["cold"], result["budget"])
            if "warm" in temps:
                if not (cache / "pytensor").exists():
                    print(f"{path.name} {mode}: filling the compile cache (untimed)", flush=True)
                    run_notebook(path, mode, cache, timeout)
                result["warm"] = run_notebook(path, mode, cache, timeout)
                _say(path, mode, "warm", result["warm"], result["budget"])
            results.append(result)
    return results


def _say(path: Path, mode: str, temp: str, run: dict, budget: int | None) -> None:
    if "error" in run:
        print(f"{path.name} {mode} {temp}: FAILED after {run['wall']:.0f} s", flush=True)
        print(run["error"], flush=True)
        return
    print(
        f"{path.name} {mode} {temp}: {run['wall']:.1f} s (budget {budget} s; compile "
        f"{run['compile']:.1f} s, sampling {run['sampling']:.1f} s)",
        flush=True,
    )
    slowest = ", ".join(f"cell {i} ({cid}) {sec} s" for i, cid, sec in run["slowest cells"])
    print(f"  slowest cells: {slowest}", flush=True)


def write(results: list[dict], out: Path = OUT) -> str:
    """Merge the results into out/bench.json and write out/bench.md; return the table."""
    out.mkdir(parents=True, exist_ok=True)
    store = out / "bench.json"
    old = json.loads(store.read_text())["results"] if store.exists() else []
    merged = merge(old, results)
    store.write_text(
        json.dumps(
            {
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
                "updated": datetime.now(UTC).strftime("%Y-%m-%d"),
                "results": merged,
            },
            indent=1,
        )
        + "\n"
    )
    table = markdown_table(merged)
    (out / "bench.md").write_text(table + "\n")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", help="two-digit numbers, e.g. 07,14 (default: all)")
    parser.add_argument("--modes", default="fast,full", help="fast,full (default both)")
    parser.add_argument("--temps", default="cold,warm", help="cold,warm (default both)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds one cell may run")
    args = parser.parse_args(argv)
    try:
        paths = select_notebooks(args.notebooks)
        modes = parse_list(args.modes, MODES, "modes")
        temps = parse_list(args.temps, TEMPS, "temps")
    except ValueError as error:
        parser.error(str(error))
    start = time.perf_counter()
    results = bench(paths, modes, temps, args.timeout)
    table = write(results)
    print()
    print(table)
    print(f"\nbench took {time.perf_counter() - start:.0f} s; written to {OUT / 'bench.md'}")
    failed = any("error" in r.get(t, {}) for r in results for t in TEMPS)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
