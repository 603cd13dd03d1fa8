"""Kernel-side timers for `make bench` (scripts/bench.py loads them through an IPython startup file).

They add up, inside a notebook's kernel, the seconds spent

- **compiling**: PyTensor building a function (``FunctionMaker.__init__``: graph rewrites;
  ``FunctionMaker.create``: linking, with the numba backend's code generation) and numba compiling
  (numba's own ``numba:compile`` events, which also catch the lazy compile on a function's first
  call), each counted once however they nest;
- **sampling**: PyMC's ``sample``, ``sample_prior_predictive``, ``sample_posterior_predictive``
  and ``fit`` (ADVI), Pyro's ``MCMC.run`` and ``SVI.step``, minus any compiling inside them;

and write both totals to the JSON file named by ``COURSE_BENCH_OUT`` after every cell. Wrappers are
installed before each cell for the libraries the notebook has imported by then, so a notebook that
never imports PyMC pays nothing. The overhead is a clock read per wrapped call.

Not caught: work in other processes (PyMC's parallel chains compile and sample in worker
processes; that time counts as sampling, since ``pm.sample`` waits for it) and Pyro's own JIT
(``jit_compile=True``), which counts as sampling.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time

TOTALS = {"compile": 0.0, "sampling": 0.0}
_depth = {"compile": 0, "sampling": 0}
_patched: set[str] = set()


def _compile_timer(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if _depth["compile"]:
            return fn(*args, **kwargs)
        _depth["compile"] += 1
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TOTALS["compile"] += time.perf_counter() - start
            _depth["compile"] -= 1

    return wrapper


def _sampling_timer(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if _depth["sampling"] or _depth["compile"]:
            return fn(*args, **kwargs)
        _depth["sampling"] += 1
        start, compiled_before = time.perf_counter(), TOTALS["compile"]
        try:
            return fn(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - start
            TOTALS["sampling"] += elapsed - (TOTALS["compile"] - compiled_before)
            _depth["sampling"] -= 1

    return wrapper


def _patch(owner, name: str, timer) -> None:
    original = getattr(owner, name, None)
    if original is not None and not getattr(original, "_bench_timed", False):
        wrapped = timer(original)
        wrapped._bench_timed = True
        setattr(owner, name, wrapped)


def _numba_listener():
    from numba.core import event

    class CompileListener(event.Listener):
        """Numba compile time outside PyTensor's own compile (events nest: outermost only)."""

        def __init__(self):
            self.depth = 0
            self.start = 0.0

        def on_start(self, ev):
            if self.depth == 0 and not _depth["compile"]:
                self.start = time.perf_counter()
                self.counting = True
            elif self.depth == 0:
                self.counting = False
            self.depth += 1

        def on_end(self, ev):
            self.depth -= 1
            if self.depth == 0 and self.counting:
                TOTALS["compile"] += time.perf_counter() - self.start

    event.register("numba:compile", CompileListener())


def install_available() -> None:
    """Wrap what the notebook has imported so far (called before every cell)."""
    if "pytensor" in sys.modules and "pytensor" not in _patched:
        try:  # PyTensor 3
            from pytensor.compile.maker import FunctionMaker
        except ImportError:  # PyTensor 2
            from pytensor.compile.function.types import FunctionMaker

        _patch(FunctionMaker, "__init__", _compile_timer)
        _patch(FunctionMaker, "create", _compile_timer)
        _patched.add("pytensor")
    if "numba" in sys.modules and "numba" not in _patched:
        _numba_listener()
        _patched.add("numba")
    if "pymc" in sys.modules and "pymc" not in _patched:
        import pymc

        for name in ("sample", "sample_prior_predictive", "sample_posterior_predictive", "fit"):
            _patch(pymc, name, _sampling_timer)
        _patched.add("pymc")
    if "pyro" in sys.modules and "pyro" not in _patched:
        import pyro.infer

        _patch(pyro.infer.MCMC, "run", _sampling_timer)
        _patch(pyro.infer.SVI, "step", _sampling_timer)
        _patched.add("pyro")


def write_totals() -> None:
    """Write the totals so far to ``COURSE_BENCH_OUT`` (after every cell)."""
    out = os.environ.get("COURSE_BENCH_OUT")
    if out:
        with open(out, "w") as f:
            json.dump(TOTALS, f)


def _install_or_note(*_) -> None:
    try:
        install_available()
    except Exception as error:  # noqa: BLE001 - reported by the bench, never breaks a cell
        TOTALS["error"] = f"{type(error).__name__}: {error}"


def load_ipython_extension(ipython) -> None:
    ipython.events.register("pre_run_cell", _install_or_note)
    ipython.events.register("post_run_cell", lambda *_: (_install_or_note(), write_totals()))
