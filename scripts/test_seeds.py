"""Run every notebook under several seeds and print a notebook x seed table (`make test-seeds`).

A check that passes only on the random stream it was tuned on is a coincidence. This runs each
notebook in fresh kernels, in fast mode, once per seed (``COURSE_SEED``), and the notebooks whose
checks rest on long chains also in full mode for two seeds. Every run goes through nbmake with the
same guards as ``make test`` (network blocked, our own deprecations are errors). The table goes to
the terminal and to ``_build/seeds/seeds.md``; the exit status is 1 when any run failed.

Usage: python scripts/test_seeds.py [--seeds 1 2 3 4 5] [--full-seeds 1 2] [--jobs 2]
       [--full NN NN ...] [--only NN NN ...]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
OUT = ROOT / "_build" / "seeds"
# Notebooks whose checks rest on long chains (R-hat/ESS gates, MCSE-scaled tolerances on NUTS
# output, parameterisation comparisons): also run in full mode.
FULL_DEFAULT = ["03", "04", "05", "07", "09", "12", "14"]


@dataclass(frozen=True)
class Run:
    notebook: str
    mode: str
    seed: int
    ok: bool
    seconds: float
    failure: str


def _failure(output: str) -> str:
    """The line that says why a notebook failed (a check's message, or the exception)."""
    output = re.sub(r"\x1b\[[0-9;]*m", "", output)  # nbmake colours its tracebacks
    for pattern in (r"(CheckFailed: .*)", r"(DiagnosticsError: .*)", r"(\w+Error: .*)"):
        found = re.findall(pattern, output)
        if found:
            return found[-1][:240]
    return output.strip().splitlines()[-1][:240] if output.strip() else "failed"


def run_one(path: Path, mode: str, seed: int, timeout: int) -> Run:
    env = {
        **os.environ,
        "COURSE_FAST": "1" if mode == "fast" else "0",
        "COURSE_QUIET": "1",
        "COURSE_SEED": str(seed),
        "IPYTHONDIR": str(ROOT / "_build" / "ipython"),
    }
    env.pop("COURSE_RECORD_DIR", None)
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbmake",
            f"--nbmake-timeout={timeout}",
            "-p",
            "no:cacheprovider",
            "-q",
            str(path),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    ok = proc.returncode == 0
    return Run(path.name[:2], mode, seed, ok, seconds, "" if ok else _failure(proc.stdout))


def table(runs: list[Run], seeds: dict[str, list[int]]) -> str:
    lines = []
    for mode in ("fast", "full"):
        mode_runs = [r for r in runs if r.mode == mode]
        if not mode_runs:
            continue
        cols = seeds[mode]
        lines.append(f"\n{mode} mode: pass/fail and seconds per seed (COURSE_SEED)\n")
        lines.append("| notebook | " + " | ".join(f"seed {s}" for s in cols) + " |")
        lines.append("|---|" + "---|" * len(cols))
        for nb in sorted({r.notebook for r in mode_runs}):
            cells = []
            for s in cols:
                r = next((r for r in mode_runs if r.notebook == nb and r.seed == s), None)
                cells.append("" if r is None else f"{'pass' if r.ok else 'FAIL'} {r.seconds:.0f} s")
            lines.append(f"| {nb} | " + " | ".join(cells) + " |")
    failed = [r for r in runs if not r.ok]
    if failed:
        lines.append("\nFailures:")
        lines += [f"- {r.notebook} {r.mode} seed {r.seed}: {r.failure}" for r in failed]
    lines.append(f"\n{len(runs) - len(failed)} passed, {len(failed)} failed")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--full-seeds", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--full", nargs="*", default=FULL_DEFAULT, help="notebooks run in full")
    parser.add_argument("--only", nargs="*", default=None, help="restrict to these notebooks")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args(argv)
    if any(s < 0 for s in args.seeds + args.full_seeds):
        parser.error("seeds must be non-negative integers")
    chosen = [p for p in NOTEBOOKS if args.only is None or p.name[:2] in args.only]
    jobs = [(p, "fast", s) for s in args.seeds for p in chosen]
    jobs += [(p, "full", s) for s in args.full_seeds for p in chosen if p.name[:2] in args.full]
    jobs.sort(key=lambda j: j[1] != "full")  # the long full-mode runs first keep workers busy
    print(f"{len(jobs)} notebook runs on {args.jobs} workers", flush=True)
    runs: list[Run] = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_one, p, m, s, args.timeout) for p, m, s in jobs]
        for future in futures:
            run = future.result()
            runs.append(run)
            verdict = "pass" if run.ok else f"FAIL ({run.failure})"
            line = f"  {run.notebook} {run.mode} seed {run.seed}: {verdict} in {run.seconds:.0f} s"
            print(line, flush=True)
    report = table(runs, {"fast": args.seeds, "full": args.full_seeds})
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "seeds.md").write_text(report + "\n")
    print(report)
    return 0 if all(r.ok for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
