"""One validation policy across the package (helpers/_validate.py), checked on every public function.

For every public function of every ``helpers`` module the test takes a valid call from the
function's own docstring Examples (the first call of the function there), then replaces one
numeric argument at a time by a bad value chosen from its type hint:

- ``int``: a string, a bool, a float -> TypeError; -1 -> ValueError (every integer argument of
  the package is a count, a size, an index or a seed);
- ``float``: a string, a bool -> TypeError; NaN -> ValueError;
- ``ArrayLike``: a string -> TypeError; an array holding NaN -> ValueError;
- arguments named like a probability (``ci_prob`` ...): 2 -> ValueError.

Each must raise the policy's exception with the template message: "`name` must be ...; got ...".
An argument annotated ``Any`` fails the test unless its name is in ``NOT_NUMERIC`` (with the
reason), so a new numeric argument is covered as soon as it is annotated.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import math
import pkgutil
import re
from typing import Any

import pytest

import helpers

# Modules this policy does not cover, with the reason.
SKIP_MODULES = {
    "check": "exercise checks: their own error types (issue 22, part 2)",
    "doctor": "developer tool, moving to course_tools/",
    "student": "developer tool, moving to course_tools/",
    "exercises": "exercise data and checkers (issue 22, part 2)",
    "causal": "one class (MarketingSCM), no function; its arguments are tested in test_causal.py",
    "simulation": "two classes (Truth, Simulation), no function; tested in test_simulation.py",
}

# Arguments annotated ``Any`` that are not numbers or arrays of numbers, by name.
NOT_NUMERIC = {
    "ax": "a matplotlib Axes",
    "idata": "a fitted DataTree",
    "idatas": "fitted DataTrees",
    "dag": "a networkx DiGraph",
    "problem": "a SALib problem dict",
    "posteriors": "frozen scipy.stats.beta distributions",
    "posterior": "a frozen scipy.stats distribution",
    "first": "a frozen scipy.stats.beta distribution",
    "second": "a frozen scipy.stats.beta distribution",
    "result": "a SALib result",
    "prior": "a callable density",
    "logp": "a callable log density",
    "statistic": "a callable test statistic",
    "model": "a Pyro model (callable)",
    "guide": "a Pyro guide (callable)",
    "model_outcome": "a scikit-learn regressor",
    "model_treatment": "a scikit-learn regressor",
    "models": "a mapping of names to fitted models",
    "candidates": "a mapping of names to (draws, seconds)",
    "device": "a torch device",
    "bgnbd": "a mapping of BG/NBD parameters",
    "gamma_gamma": "a mapping of Gamma-Gamma parameters",
    "index": "row labels",
    "draws": "(latent.relabel_chains) a mapping of names to arrays",
}

# Functions with no numeric argument to test or whose valid call needs a fit; with the reason.
SKIP_FUNCTIONS = {
    "budget.get_budget": "reads the environment; no argument",
    "known_warnings.silence_known_warnings": "no numeric argument",
    "style.use_style": "no numeric argument",
    "seeding.seed_torch": "imports torch; its seed is checked in test_seeding.py",
    "compare.ess_per_second_table": "needs fitted DataTrees",
    "workflow.plot_ppc_density": "needs a fitted DataTree",
    "regression.plot_intervals": "needs a prediction_table of posterior draws",
}

# Integer arguments for which -1 is a valid value.
NEGATIVE_OK = {"axis": "numpy's last axis"}

PROBABILITY_NAMES = {"ci_prob", "prevalence", "sensitivity", "specificity", "test_fraction"}

TEMPLATE = "`{name}` must be .+; got "


class _Captured(Exception):
    """Raised by the recorder to stop a docstring example at the function's first call."""


def _public_functions() -> list[tuple[str, Any]]:
    found = []
    for info in pkgutil.iter_modules(helpers.__path__):
        if info.name.startswith("_") or info.name in SKIP_MODULES:
            continue
        module = importlib.import_module(f"helpers.{info.name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                found.append((f"{info.name}.{name}", obj))
    return found


FUNCTIONS = _public_functions()


def _kind(annotation: str) -> str | None:
    """What the raw annotation string says the argument is."""
    if "RngLike" in annotation:
        return None  # make_rng validates it; tested in test_seeding.py
    if annotation.startswith("Callable"):
        return "function"
    if annotation.startswith(("tuple[int", "Sequence[int")):
        return "int_array"
    if annotation.startswith(("Mapping", "dict")):
        return None  # containers of named values: their entries are checked by name
    if (
        "ArrayLike" in annotation
        or "ndarray" in annotation
        or annotation.startswith(("tuple[", "Sequence[float"))
    ):
        return "array"
    if re.search(r"\bfloat\b", annotation):
        return "real"
    if re.search(r"\bint\b", annotation) and "Sequence" not in annotation:
        return "integer"
    if annotation.strip() == "Any":
        return "any"
    return None


def _valid_call(qualname: str, fn: Any) -> inspect.BoundArguments:
    """The first call of ``fn`` in its docstring Examples, with the arguments bound.

    ``fn`` may be a method (``MarketingSCM.simulate``): the recorder then stands in for it on
    its class while the examples run, and the bound arguments include ``self``.
    """
    module = inspect.getmodule(fn)
    tests = doctest.DocTestFinder(recurse=False).find(fn, globs=vars(module))
    calls: list[inspect.BoundArguments] = []
    owner = None
    if "." in fn.__qualname__:
        owner = getattr(module, fn.__qualname__.split(".")[0])

    def recorder(*args: Any, **kwargs: Any) -> Any:
        calls.append(inspect.signature(fn).bind(*args, **kwargs))
        raise _Captured

    for test in tests:
        namespace = dict(test.globs)
        namespace[fn.__name__] = recorder
        if owner is not None:
            setattr(owner, fn.__name__, recorder)
        try:
            for example in test.examples:
                try:
                    exec(compile(example.source, qualname, "exec"), namespace)  # noqa: S102
                except _Captured:
                    return calls[0]
                except Exception:  # noqa: BLE001, S112 - an expected-exception example
                    continue
        finally:
            if owner is not None:
                setattr(owner, fn.__name__, fn)
    pytest.fail(f"{qualname} has no docstring Example that calls it (add one: the test uses it)")


def _bad_values(name: str, kind: str) -> list[tuple[Any, type[Exception]]]:
    if kind == "function":
        return [("abc", TypeError)]
    if kind == "int_array":
        return [("abc", TypeError), ([2.5], TypeError), ([-1], ValueError)]
    if kind == "integer":
        bad = [("3", TypeError), (True, TypeError), (2.5, TypeError)]
        if name not in NEGATIVE_OK:
            bad.append((-1, ValueError))
    elif kind == "real":
        bad = [("1.0", TypeError), (True, TypeError), (math.nan, ValueError)]
    else:
        bad = [("abc", TypeError), ([math.nan], ValueError)]
    if name in PROBABILITY_NAMES:
        bad.append((2.0, ValueError))
    return bad


CASES = [
    pytest.param(qualname, fn, id=qualname)
    for qualname, fn in FUNCTIONS
    if qualname not in SKIP_FUNCTIONS
]


@pytest.mark.parametrize(("qualname", "fn"), CASES)
def test_numeric_arguments_follow_the_policy(qualname: str, fn: Any) -> None:
    annotations = {
        p.name: fn.__annotations__.get(p.name, "")
        for p in inspect.signature(fn).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    unannotated = [n for n, a in annotations.items() if not a]
    assert not unannotated, f"{qualname}: annotate {unannotated}"
    vague = [n for n, a in annotations.items() if _kind(a) == "any" and n not in NOT_NUMERIC]
    assert not vague, f"{qualname}: {vague} annotated Any; use ArrayLike/float/int or NOT_NUMERIC"
    numeric = {
        n: _kind(a)
        for n, a in annotations.items()
        if _kind(a) in ("integer", "real", "array", "int_array", "function")
    }
    if not numeric:
        return
    valid = _valid_call(qualname, fn)
    problems = []
    for name, kind in numeric.items():
        for bad, error in _bad_values(name, kind):
            arguments = dict(valid.arguments)
            arguments[name] = bad
            bound = inspect.signature(fn).bind_partial()
            bound.arguments.update(arguments)
            try:
                fn(*bound.args, **bound.kwargs)
            except error as err:
                if not re.search(TEMPLATE.format(name=re.escape(name)), str(err)):
                    problems.append(f"{name}={bad!r}: message {str(err)!r} is off the template")
            except Exception as err:  # noqa: BLE001
                problems.append(
                    f"{name}={bad!r}: {type(err).__name__} ({err}), want {error.__name__}"
                )
            else:
                problems.append(f"{name}={bad!r}: accepted, want {error.__name__}")
    assert not problems, f"{qualname}:\n  " + "\n  ".join(problems)


def test_every_module_is_covered_or_skipped_with_a_reason() -> None:
    modules = {m.name for m in pkgutil.iter_modules(helpers.__path__) if not m.name.startswith("_")}
    covered = {q.split(".")[0] for q, _ in FUNCTIONS}
    assert modules - covered - set(SKIP_MODULES) <= {"known_warnings", "style", "budget"}
    assert FUNCTIONS, "no public functions found"


# --- one vocabulary ----------------------------------------------------------------------------

# Names the package used for the probability of an interval before it settled on ArviZ's
# ``ci_prob``; none may come back.
OLD_INTERVAL_NAMES = {"mass", "prob", "level", "z", "hdi_prob"}


def _public_callables() -> list[tuple[str, Any]]:
    found = []
    for qualname, fn in FUNCTIONS:
        found.append((qualname, fn))
    for info in pkgutil.iter_modules(helpers.__path__):
        if info.name.startswith("_") or info.name in SKIP_MODULES:
            continue
        module = importlib.import_module(f"helpers.{info.name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) and obj.__module__ == module.__name__:
                for attr, value in vars(obj).items():
                    if inspect.isfunction(value) and not attr.startswith("_"):
                        found.append((f"{info.name}.{name}.{attr}", value))
    return found


def test_interval_probability_is_called_ci_prob_everywhere() -> None:
    offenders = [
        f"{qualname}({parameter})"
        for qualname, fn in _public_callables()
        for parameter in inspect.signature(fn).parameters
        if parameter in OLD_INTERVAL_NAMES
    ]
    assert not offenders, f"rename to ci_prob: {offenders}"


# Names the package used for a number of random draws before it settled on ``n_draws``; none may
# come back, as a parameter or as a field, whatever its type.
OLD_SAMPLE_COUNT_NAMES = {
    "size",
    "samples",
    "n_samples",
    "num_samples",
    "n_sims",
    "n_simulations",
    "n_sim",
    "num_draws",
    "ndraws",
    "n_mc",
}
# An integer ``n`` is the number of observations or units a data simulator generates (a
# ``simulate*`` or ``make_*`` callable); anywhere else it would be a sample count. An integer
# ``draws`` is a sample count too, except where it is ``pm.sample``'s own per-chain count.
COUNT_NAMES_WITH_A_MEANING = {"n", "draws"}
ALLOWED_COUNT_NAMES = {
    "budget.Budget.draws": "pm.sample's draws per chain, passed through by sample_kwargs()",
    "diagnostics.DiagnosticsReport.draws": "the fit's draws per chain, reported next to chains",
    "sensitivity.power_of_two.n": "arithmetic on any positive integer, not a count of draws",
}


def _is_int(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return re.fullmatch(r"int( \| None)?", str(text)) is not None


def _count_names(module: Any, prefix: str) -> list[tuple[str, str, Any]]:
    """(owner, name, annotation) of every parameter and dataclass field of a module's public API."""
    import dataclasses

    members = []
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        owners = [(f"{prefix}{name}", obj)]
        if inspect.isclass(obj):
            if dataclasses.is_dataclass(obj):
                members += [(f"{prefix}{name}", f.name, f.type) for f in dataclasses.fields(obj)]
            owners += [
                (f"{prefix}{name}.{attr}", value)
                for attr, value in vars(obj).items()
                if inspect.isfunction(value) and not attr.startswith("_")
            ]
        for owner, fn in owners:
            try:
                parameters = inspect.signature(fn).parameters.values()
            except (TypeError, ValueError):  # not callable, or a builtin such as an exception
                continue
            members += [(owner, p.name, p.annotation) for p in parameters]
    return members


def _sample_count_offenders(members: list[tuple[str, str, Any]]) -> list[str]:
    offenders = []
    for owner, name, annotation in members:
        where = f"{owner}.{name}"
        if name in OLD_SAMPLE_COUNT_NAMES:
            offenders.append(where)
        elif name in COUNT_NAMES_WITH_A_MEANING and _is_int(annotation):
            last = owner.split(".")[-1]
            simulator = name == "n" and re.match(r"(simulate|make_)", last) is not None
            if not simulator and where not in ALLOWED_COUNT_NAMES:
                offenders.append(where)
    return offenders


def _package_count_names() -> list[tuple[str, str, Any]]:
    members = []
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        members += _count_names(module, info.name.removeprefix("helpers.") + ".")
    return members


def test_sample_counts_are_called_n_draws_everywhere() -> None:
    members = _package_count_names()
    offenders = sorted(set(_sample_count_offenders(members)))
    assert not offenders, f"rename to n_draws: {offenders}"
    owners = {f"{owner}.{name}" for owner, name, _ in members}
    assert set(ALLOWED_COUNT_NAMES) <= owners, "an allowed name no longer exists: drop it"
    # the walk reaches the renamed helpers, the exercise modules and dataclass fields
    for where in (
        "ab.sample_rates.n_draws",
        "samplers.hmc.n_draws",
        "montecarlo.MCEstimate.n_draws",
        "budget.Budget.n_draws",
        "exercises.nb08.coated_reference.n_draws",
        "clv_cohort.project_cohort.n_draws",
    ):
        assert where in owners, where


def test_the_sample_count_check_rejects_other_names() -> None:
    import dataclasses
    import types

    fake = types.ModuleType("fake")

    def sample_rates(posteriors: Any, *, size: int) -> None: ...

    def estimate(values: Any, n: int) -> None: ...

    def lift_draws(data: Any, *, draws: int) -> None: ...

    def plot_draws(draws: Any, ax: Any = None) -> None: ...

    def simulate_data(n: int) -> None: ...

    @dataclasses.dataclass
    class Estimate:
        mean: float
        n: int

    for obj in (sample_rates, estimate, lift_draws, plot_draws, simulate_data, Estimate):
        obj.__module__ = "fake"
        setattr(fake, obj.__name__, obj)
    found = set(_sample_count_offenders(_count_names(fake, "")))
    assert sorted(found) == [
        "Estimate.n",
        "estimate.n",
        "lift_draws.draws",
        "sample_rates.size",
    ]


PLOTS = [(q, fn) for q, fn in FUNCTIONS if q.split(".")[-1].startswith("plot_")]


def test_every_function_that_draws_is_named_plot() -> None:
    drawing = [
        qualname
        for qualname, fn in FUNCTIONS
        if "plt.subplots" in inspect.getsource(fn)
        and not qualname.split(".")[-1].startswith("plot_")
    ]
    assert not drawing, f"functions that draw must be named plot_*: {drawing}"
    assert PLOTS, "no plot_* functions found"


@pytest.mark.parametrize(("qualname", "fn"), [pytest.param(q, f, id=q) for q, f in PLOTS])
def test_plot_functions_take_ax_none_and_return_the_axes(qualname: str, fn: Any) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    ax = inspect.signature(fn).parameters.get("ax")
    assert ax is not None and ax.default is None, f"{qualname} must take ax=None"
    if qualname in SKIP_FUNCTIONS:
        pytest.skip(SKIP_FUNCTIONS[qualname])
    valid = _valid_call(qualname, fn)
    try:
        _, given = plt.subplots()
        arguments = dict(valid.arguments, ax=given)
        bound = inspect.signature(fn).bind_partial()
        bound.arguments.update(arguments)
        assert fn(*bound.args, **bound.kwargs) is given, f"{qualname} must return the ax it got"
        bound.arguments.pop("ax")
        assert isinstance(fn(*bound.args, **bound.kwargs), Axes), f"{qualname} must return Axes"
    finally:
        plt.close("all")


def test_shared_domain_validators_follow_the_template() -> None:
    """Validators two modules share live in _validate too (Beta posteriors: ab and decisions;
    effect-estimator inputs: causal_estimators and causal_refutation)."""
    import numpy as np
    from scipy import stats

    from helpers import _validate as validate

    assert validate.beta_posteriors([stats.beta(2, 3), stats.beta(4, 5)]) == [
        (2.0, 3.0),
        (4.0, 5.0),
    ]
    with pytest.raises(
        TypeError, match=r"^`posteriors` must be a list of frozen Beta .*; got rv_continuous_frozen"
    ):
        validate.beta_posteriors(stats.beta(2, 3))
    with pytest.raises(
        TypeError,
        match=r"^`posteriors\[1\]` must be a frozen scipy.stats.beta .*; got rv_continuous_frozen",
    ):
        validate.beta_posteriors([stats.beta(2, 3), stats.norm()])
    with pytest.raises(
        ValueError, match=r"^`posteriors` must be a list of at least 2 variants; got 1$"
    ):
        validate.beta_posteriors([stats.beta(2, 3)])
    with pytest.raises(
        ValueError, match=r"^`posteriors\[0\]` must be a standard Beta .*; got loc 1, scale 1$"
    ):
        validate.beta_posteriors([stats.beta(2, 3, loc=1), stats.beta(2, 3)])
    y, t, x = validate.effect_data(np.arange(6.0), np.ones(6), np.ones((6, 2)))
    assert y.shape == t.shape == (6,) and x.shape == (6, 2)
    with pytest.raises(
        ValueError,
        match=r"^`covariates` must be a matrix with one row per outcome \(6\); got shape \(5, 2\)$",
    ):
        validate.effect_data(np.arange(6.0), np.ones(6), np.ones((5, 2)))
    with pytest.raises(
        ValueError,
        match=r"^`outcome` must be an array of at least 5 rows \(covariates \+ 3\); got 4$",
    ):
        validate.effect_data(np.arange(4.0), np.ones(4), np.ones((4, 2)))
