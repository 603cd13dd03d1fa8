"""Every check against truth can fail: its tolerance rejects a clearly wrong answer.

Each notebook check records what it compared (helpers.check, ``COURSE_RECORD_DIR``). A check whose
tolerance would also accept the right number with its sign flipped, or off by a factor of two,
proves nothing about that number. This reads the records of the nbmake run (``make test``) and
flags such checks:

- ``close``: the expected quantity with its sign flipped, doubled or halved (all elements at
  once) must fail the check: at least one element must land outside its allowed distance.
- ``inside``: the true value with its sign flipped, doubled or halved must fall outside the
  interval (for at least one element): an interval that holds them is wider than the quantity's
  own scale.
- A quantity that is exactly zero has no scale of its own to judge by (its negation and its
  double are itself). An exact check (tolerance 0, e.g. "no divergences") can fail; otherwise the
  check must be listed in ``ZERO_SCALE`` with the quantity's natural scale (a posterior SD, a
  z-score's unit), and it must reject an answer off by half of that scale.
- A check listed in ``CAN_FAIL_EXEMPT`` is skipped, with its reason written there: a band that
  is not an estimate, or a quantity the data cannot pin down within a factor of two (whose
  computation is then checked tightly elsewhere in the notebook).

Comparisons (``less``/``greater``) and ``holds`` are orderings and gates, not estimates, and are
not judged here.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests._notebooks import NOTEBOOKS, ROOT

RECORDS = ROOT / "_build" / "records" / "nbmake"
ids = [p.stem for p in NOTEBOOKS]

#: (notebook stem, check name) -> (the natural scale of a quantity whose true value is 0, why).
ZERO_SCALE: dict[tuple[str, str], tuple[float, str]] = {
    ("05_hierarchical_models", "(NUTS mean - exact mean) / MCSE, non-centered"): (
        20.0,
        "a z-score in MCSE units: a mean off by one posterior SD is sqrt(ESS) MCSEs, at least "
        "20 at the ESS gate of 400; the check allows |z| <= 4",
    ),
    ("07_inference_algorithms", "HMC mean"): (
        1.0,
        "the target's means are 0 with unit standard deviations: a mean off by half a "
        "standard deviation is clearly wrong",
    ),
    ("07_inference_algorithms", "NUTS means"): (1.0, "as for the HMC mean: unit-SD target"),
    ("07_inference_algorithms", "NUTS means, diagonal mass"): (1.0, "as for the HMC mean"),
    ("12_causal_models", "placebo: mean effect 0"): (
        0.5,
        "the true effect of ads (0.5): a placebo treatment that picked up half of the real "
        "effect would be a failed refutation; the check allows 4 Monte Carlo SE of the mean",
    ),
}

#: (notebook stem, check name) -> why the check may accept a factor of two or a sign flip.
CAN_FAIL_EXEMPT: dict[tuple[str, str], str] = {
    ("02_ab_testing", "true difference theta_T - theta_C"): (
        "the data cannot pin the difference within a factor of two (the section's point: the "
        "lift is almost surely positive but its size is uncertain); the computation is checked "
        "tightly against the exact conjugate posterior"
    ),
    ("02_ab_testing", "true relative lift"): ("as for the difference"),
    ("02_ab_testing", "NUTS vs exact: expected loss of T"): (
        "a tail expectation (the mean of max(theta_C - theta_T, 0)) whose Monte Carlo error at "
        "4 x 400 and 4 x 1000 draws is as large as the value; the check guards against gross "
        "errors only, and the exact value is what the decision uses"
    ),
    ("04_workflow_and_criticism", "Student-t model: tail-ratio p-value is not"): (
        "a band, not an estimate: the claim is only that the right model's p-value is not "
        "extreme; the wrong (Normal) model's p-value of 0 fails it"
    ),
    ("04_workflow_and_criticism", "true nu within 4 posterior SDs (Student-t)"): (
        "the tail weight nu is weakly identified by a couple of hundred points (its posterior "
        "spans a factor of two); alpha, beta and sigma beside it are checked tightly"
    ),
    ("05_hierarchical_models", "true population lift within 4 posterior SDs"): (
        "eight segments cannot pin the population mean lift within a factor of two; the "
        "segment lifts are checked against the truth by RMSE and the model against exact "
        "quadrature on the eight schools"
    ),
    ("12_causal_models", "true effect within 4 posterior SDs (strong IV)"): (
        "one dataset of a few hundred stores: the IV posterior's SD is about a fifth of the "
        "effect, so 4 SDs reach half of it; the IV machinery is checked against the Wald "
        "estimate (exercise 2) and the broken-exclusion limit"
    ),
    ("14_practitioners_playbook", "true population lift within 4 posterior SDs (PyMC)"): (
        "as in notebook 05: a handful of markets cannot pin the population mean lift within a "
        "factor of two; both NUTS fits are checked tightly against the exact posterior"
    ),
    ("14_practitioners_playbook", "true population lift within 4 posterior SDs (Pyro)"): (
        "as for the PyMC fit"
    ),
    ("14_practitioners_playbook", "Pyro SVI means vs exact (one posterior SD)"): (
        "mean-field SVI is biased by design (it shrinks the spread and pulls hierarchical means); "
        "the check bounds that bias at one posterior SD, and the NUTS fits beside it are held "
        "to 4 Monte Carlo standard errors of the exact posterior"
    ),
    ("07_inference_algorithms", "beta within 4 SDs"): (
        "the two slopes are strongly negatively correlated, so each alone is known only to "
        "within a factor of two (the section's point); the fit's diagnostics and its "
        "agreement with ADVI and SVI are checked beside them"
    ),
    ("07_inference_algorithms", "alpha within 4 SDs"): (
        "alpha's posterior SD is about an eighth of its value, so a 4-SD recovery band (what "
        "holds on any seed) reaches half of it; the sampler is checked tightly against the "
        "exact targets of sections 1-4 and against ADVI and SVI beside it"
    ),
    ("09_latent_variable_models", "posterior predictive p-value of BC, mixture"): (
        "a band, not an estimate: the right model's p-value only has to be unextreme; the "
        "single Normal's p-value below 0.005 just above it is the check that fails a bad model"
    ),
    ("14_practitioners_playbook", "p_B(Q) is not extreme"): (
        "a band, not an estimate, as in notebook 04; Pyro's and PyMC's p-values are checked "
        "against each other within their Monte Carlo error"
    ),
    ("12_causal_models", "s = 0.5: true effect within 4 posterior SDs"): (
        "the section's point is that allowing an exclusion violation widens the interval "
        "honestly (the widths are checked to grow with s); at s = 0.5 the band is meant to be "
        "wide, and the check is only that the truth stays inside it"
    ),
    ("12_causal_models", "s = 1: true effect inside the 95% interval"): ("as for s = 0.5"),
    ("12_causal_models", "ATT - ATE within 4 posterior SDs"): (
        "the gap between two estimands from one dataset of a few hundred stores is known to "
        "about a quarter of its size; ATE and ATT are each checked against the truth, and the "
        "ordering ATT > ATE is checked on the truth"
    ),
    ("12_causal_models", "DML within 4 se, linear"): (
        "with gradient-boosted nuisance models on a few hundred stores double ML's standard "
        "error is about 0.07, so 4 SE reach half the effect of 0.5; the code is checked exactly "
        "against the tested helper, and with the non-linear confounder (SE about 0.03) the "
        "same check rejects a halved effect"
    ),
    ("01_distributions", "true click rate within 4 posterior SDs"): (
        "a coverage statement about 40 visitors: the section shows how wide a 95% interval from "
        "40 data points is (it holds half the true rate); the grid-vs-exact checks beside it are "
        "the ones that test the computation"
    ),
}


WRONG = {"sign flipped": -1.0, "doubled": 2.0, "halved": 0.5}


def weaknesses(line: dict, zero_scale: float | None = None) -> list[str]:
    """The clearly wrong answers a recorded check would have accepted (empty if none).

    A wrong answer is the whole checked quantity transformed (every element negated, doubled or
    halved); the check rejects it when at least one element would fall outside its tolerance.
    ``zero_scale`` is the natural scale of a quantity whose true value is 0.
    """
    kind = line.get("kind")
    if kind == "close":
        expected = np.atleast_1d(np.asarray(line["expected"], dtype=float)).ravel()
        allowed = np.atleast_1d(np.asarray(line["allowed"], dtype=float)).ravel()
        expected, allowed = np.broadcast_arrays(expected, allowed)
        if not (np.abs(expected) > 0).any():
            if not allowed.any():
                return []  # an exact check: any non-zero answer fails
            if zero_scale is not None:
                if np.all(allowed >= zero_scale / 2):
                    return [f"allows {allowed.min():.4g} >= half its scale {zero_scale:g}"]
                return []
            return ["every expected value is 0: no scale to judge a wrong answer by"]
        return [
            f"{what} ({factor:g} x expected) passes: max |expected| {np.abs(expected).max():.4g}, "
            f"allowed {allowed.min():.4g} to {allowed.max():.4g}"
            for what, factor in WRONG.items()
            if np.all(np.abs(factor * expected - expected) <= allowed)
        ]
    if kind == "inside":
        value = np.atleast_1d(np.asarray(line["value"], dtype=float)).ravel()
        interval = np.asarray(line["interval"], dtype=float).reshape(-1, 2)
        value, low = np.broadcast_arrays(value, interval[:, 0])
        _, high = np.broadcast_arrays(value, interval[:, 1])
        if not (np.abs(value) > 0).any():
            return ["every value is 0: no scale to judge a wrong answer by"]
        return [
            f"{what} ({factor:g} x value) lies inside too: value {value[:4].round(4).tolist()}, "
            f"interval low {low[:4].round(4).tolist()} high {high[:4].round(4).tolist()}"
            for what, factor in WRONG.items()
            if np.all((low <= factor * value) & (factor * value <= high))
        ]
    return []


def _records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize(
    ("line", "weak"),
    [
        ({"kind": "close", "value": 1.0, "expected": 1.0, "allowed": 0.1}, False),
        ({"kind": "close", "value": 1.0, "expected": 1.0, "allowed": 0.5}, True),  # 0.5 passes
        # one tight element is enough: the doubled vector fails there
        ({"kind": "close", "value": [1, 1], "expected": [1e-9, 1.0], "allowed": 0.1}, False),
        ({"kind": "close", "value": -1.0, "expected": [-1.0, 0.0], "allowed": 0.2}, False),
        ({"kind": "close", "value": 0.0, "expected": 0.0, "allowed": 0.1}, True),  # no scale
        ({"kind": "close", "value": 0.0, "expected": [0.0, 0.0], "allowed": 0.0}, False),
        ({"kind": "inside", "value": 1.0, "interval": [0.8, 1.2]}, False),
        ({"kind": "inside", "value": 1.0, "interval": [-2.0, 3.0]}, True),  # holds -1 and 2
        ({"kind": "inside", "value": [1.0, 0.0], "interval": [[0.6, 1.4], [-1, 1]]}, False),
        ({"kind": "inside", "value": [1.0, 2.0], "interval": [[0.4, 2.4], [0.9, 4.5]]}, True),
        ({"kind": "inside", "value": [1.0, 2.0], "interval": [[0.6, 1.4], [0.9, 4.5]]}, False),
        ({"kind": "greater", "value": 3.0, "bound": 2.0}, False),
        ({"kind": "holds", "value": 1.0}, False),
    ],
)
def test_weaknesses_flags_only_checks_that_accept_a_clearly_wrong_answer(line, weak):
    assert bool(weaknesses(line)) is weak


def test_a_zero_quantity_is_judged_on_its_declared_scale():
    line = {"kind": "close", "value": 0.1, "expected": [0.0, 0.0], "allowed": 0.3}
    assert weaknesses(line, zero_scale=1.0) == []
    assert weaknesses(line, zero_scale=0.5)  # 0.3 >= 0.25: half the scale would pass


@pytest.mark.book
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_check_can_fail(path):
    source = RECORDS / f"{path.stem}.jsonl"
    assert source.exists(), f"{source} is missing: run `make test` (the nbmake step records it)"
    weak = []
    for line in _records(source):
        if (path.stem, line["name"]) in CAN_FAIL_EXEMPT:
            continue
        scale = ZERO_SCALE.get((path.stem, line["name"]), (None, ""))[0]
        found = weaknesses(line, scale)
        if found:
            weak.append(f"{line['name']} ({line['kind']}): {'; '.join(found)}")
    assert not weak, f"{path.stem}: checks that cannot fail:\n" + "\n".join(weak)
