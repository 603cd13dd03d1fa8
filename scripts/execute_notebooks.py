"""Execute the course notebooks in parallel into the site's jupyter-cache, before Sphinx reads them.

Jupyter Book 1 (``execute_notebooks: cache`` in ``_config.yml``) executes every notebook that
has no matching entry in its jupyter-cache one after another, on one core. This script fills
that cache first, several notebooks at a time, exactly as MyST-NB would have: the same reading
of the notebook (so the cache key matches), the same execution call
(``jupyter_cache.executors.utils.single_nb_execution``) with the ``execute`` settings of
``_config.yml`` (timeout, allow_errors, run_in_temp), and the same cache record (the run time
in ``execution_seconds``, which the page footers show). The build that follows then finds every
notebook in the cache and only renders it, so the pages show what they showed before.

Kernels inherit this process's environment (``COURSE_FAST``, ``PYTENSOR_FLAGS``,
``IPYTHONDIR`` with the guards, ...), plus ``COURSE_CORES`` (unless it is set already): the
cores divided by the notebooks running at once, so that PyMC in two full-mode notebooks side by
side on two cores samples its chains in one process each instead of starting two each (four
sampling processes on two cores made the full build slower than running the notebooks one
after another; the draws do not depend on it); with ``--record-dir`` each notebook's kernel records its
checked numbers to ``<dir>/<notebook>.jsonl`` (``COURSE_RECORD``), as the book extension does
when Sphinx executes a notebook itself. With ``--compiledir-root`` each notebook compiles into an
empty PyTensor cache of its own (``<root>/<notebook>``): code loaded from a cache that another
notebook filled can give slightly different draws than freshly compiled code (PyTensor 3's numba
backend; measured on notebooks 04, 11 and 12), so a shared cache would make a notebook's checked
numbers depend on which notebooks ran before it, and in a parallel run that order varies. A notebook that fails is not cached, its error is
printed, and the script exits with status 1 once the running notebooks have finished, so a
failing notebook fails the build (``raise_on_error: true``).

Usage: ``python scripts/execute_notebooks.py --cache _build/.jupyter_cache [--jobs N]
[--record-dir DIR] [--compiledir-root DIR] [notebooks ...]`` (default: every ``notebooks/NN_*.ipynb``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import nullcontext
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def execute_settings(config: Path = ROOT / "_config.yml") -> dict:
    """The ``execute`` settings of the book's configuration that shape a notebook run."""
    execute = yaml.safe_load(config.read_text()).get("execute", {})
    return {
        "timeout": execute.get("timeout", 30),
        "allow_errors": bool(execute.get("allow_errors", False)),
        "run_in_temp": bool(execute.get("run_in_temp", False)),
    }


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def cores_per_notebook(jobs: int, cores: int | None = None) -> int:
    """The cores each of ``jobs`` notebooks running at once may sample in (at least one).

    >>> cores_per_notebook(2, cores=2), cores_per_notebook(2, cores=8), cores_per_notebook(4, cores=2)
    (1, 4, 1)
    """
    return max(1, (default_jobs() if cores is None else cores) // jobs)


def _budget(path: Path) -> int:
    """The notebook's run-time budget in seconds for the selected mode (0 if it has none)."""
    import json

    from helpers.budget import is_fast

    meta = json.loads(Path(path).read_text()).get("metadata", {}).get("curriculum", {})
    return meta.get("budget_seconds", {}).get("fast" if is_fast() else "full", 0)


def _execute(
    path: str, settings: dict, record_dir: str | None, compiledir_root: str | None
) -> dict:
    """Execute one notebook in a fresh kernel (in a worker process); return it and its time.

    Workers never touch the cache: the main process is its only reader and writer (SQLite).
    """
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    nb_path = Path(path).resolve()
    if record_dir:
        Path(record_dir).mkdir(parents=True, exist_ok=True)
        target = Path(record_dir) / f"{nb_path.stem}.jsonl"
        target.unlink(missing_ok=True)
        os.environ["COURSE_RECORD"] = str(target)
    if compiledir_root:
        # an empty compile cache of the notebook's own: its compiled code and hence its
        # draws do not depend on which notebooks ran before it or beside it
        os.environ["PYTENSOR_FLAGS"] = f"base_compiledir={Path(compiledir_root) / nb_path.stem}"
    notebook = nbformat.read(nb_path, as_version=4)
    context = (
        tempfile.TemporaryDirectory()
        if settings["run_in_temp"]
        else nullcontext(str(nb_path.parent))
    )
    with context as cwd:
        result = single_nb_execution(
            notebook,
            cwd=os.path.abspath(cwd),
            allow_errors=settings["allow_errors"],
            timeout=settings["timeout"],
            meta_override=True,
        )
    if result.err is not None:
        return {"path": path, "error": result.exc_string, "time": result.time}
    return {"path": path, "notebook": notebook, "time": result.time}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--cache", required=True, type=Path, help="the jupyter-cache folder")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="notebooks at a time")
    parser.add_argument("--record-dir", help="record checked numbers here (COURSE_RECORD)")
    parser.add_argument(
        "--compiledir-root",
        help="give each notebook an empty PyTensor compile cache <root>/<notebook>",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1; got {args.jobs}")
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        parser.error("no notebooks to execute")
    settings = execute_settings()
    os.environ.setdefault("COURSE_CORES", str(cores_per_notebook(args.jobs)))  # workers inherit it
    args.cache.mkdir(parents=True, exist_ok=True)
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.db import NbProjectRecord

    cache = get_cache(str(args.cache.resolve()))
    start = time.perf_counter()
    todo, stages = [], {}
    for path in paths:
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
            print(f"cached  {Path(path).name}", flush=True)
            continue
        except KeyError:
            pass
        stage = cache.add_nb_to_project(str(Path(path).resolve()))
        NbProjectRecord.remove_tracebacks([stage.pk], cache.db)
        stages[str(path)] = stage
        todo.append(path)
    print(
        f"Executing {len(todo)} notebooks, {args.jobs} at a time, sampling on at most "
        f"{os.environ['COURSE_CORES']} core(s) each, into {args.cache}",
        flush=True,
    )
    failures = []
    # The largest budgets first keeps the cores busy to the end (a short notebook fills the
    # last gap); the order changes no result: each notebook runs in its own fresh kernel.
    pending = sorted(todo, key=_budget)  # popped from the end: largest first
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        running = set()
        while pending or running:
            while pending and len(running) < args.jobs and not failures:
                path = pending.pop()
                running.add(
                    pool.submit(
                        _execute, str(path), settings, args.record_dir, args.compiledir_root
                    )
                )
            if not running:
                break
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                out = future.result()
                name = Path(out["path"]).name
                stage = stages[out["path"]]
                if "error" in out:
                    failures.append(name)
                    NbProjectRecord.set_traceback(stage.uri, out["error"], cache.db)
                    print(f"FAILED  {name} after {out['time']:.1f} s\n{out['error']}", flush=True)
                    continue
                # the record MyST-NB writes when it executes a notebook itself
                cache.cache_notebook_bundle(
                    CacheBundleIn(
                        out["notebook"], stage.uri, data={"execution_seconds": out["time"]}
                    ),
                    check_validity=False,
                    overwrite=True,
                )
                print(f"ran     {name} in {out['time']:.1f} s", flush=True)
    wall = time.perf_counter() - start
    if failures:
        print(f"{len(failures)} notebook(s) failed: {', '.join(failures)} ({wall:.0f} s)")
        return 1
    print(f"All {len(paths)} notebooks are in the cache ({len(todo)} executed, {wall:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
