import numpy as np
import pytest
from scipy import integrate, stats

from helpers import check
from helpers.exercises import exercise_ids, nb08
from helpers.rare_events import form, importance_sampling
from helpers.reliability import bracket_margin, bracket_problem, failure_probability, sample_inputs
from tests.test_exercises import assert_expected_is_right, assert_teaches


def test_ids():
    assert exercise_ids("08") == ["08-1", "08-2", "08-3"]


def test_08_1_runs_needed():
    mc = failure_probability(np.r_[-np.ones(5), np.ones(995)])  # p_f = 0.005
    check.exercise("08-1", (1 - 0.005) / (0.005 * 0.05**2), mc=mc)
    assert_teaches("08-1", 1 / (0.005 * 0.05), mc=mc)  # forgot to square the target
    assert assert_expected_is_right("08-1", mc=mc) == pytest.approx(79_600)
    with pytest.raises(TypeError, match="missing context keyword `mc`"):
        check.exercise("08-1", 1000.0)
    with pytest.raises(TypeError, match="mc=mc"):
        check.exercise("08-1", 1000.0, mc=0.005)


@pytest.fixture(scope="module")
def coated_estimate():
    problem = nb08.coated_problem()
    res = form(bracket_margin, problem)
    return importance_sampling(bracket_margin, problem, res.u_star, 20_000, rng=3)


def test_08_2_reference_passes_and_uncoated_fails(coated_estimate):
    check.exercise("08-2", coated_estimate)
    uncoated = failure_probability(bracket_margin(sample_inputs(bracket_problem(), 50_000, rng=1)))
    assert "coated p_f" in assert_teaches("08-2", uncoated)
    with pytest.raises(check.AnswerMalformed, match="FailureEstimate"):
        check.exercise("08-2", 2e-4)


def test_08_2_reference_is_consistent_with_its_own_error():
    ref = nb08.coated_reference(400_000)
    assert 0 < ref.pf < 1e-3 and ref.se > 0


def _exact_load_index():
    load, strength = stats.lognorm(s=0.2, scale=1.1), stats.lognorm(s=0.08, scale=300.0)
    length, width = stats.norm(300, 1), stats.norm(40, 0.4)
    height, wear = stats.norm(20, 0.3), stats.weibull_min(1.5, scale=1.8)

    def depth(k):
        return integrate.quad(
            lambda w: height.expect(lambda h: (h - w) ** -k, lb=15, ub=25) * wear.pdf(w), 0, 9
        )[0]

    c = 6000 * length.mean() * width.expect(lambda b: 1 / b) * depth(2)
    var_sigma = (
        36e6 * load.moment(2) * length.moment(2) * width.expect(lambda b: b**-2) * depth(4)
        - (c * load.mean()) ** 2
    )
    return c**2 * load.var() / (strength.var() + var_sigma)


def test_08_3_closed_form_passes_and_mistakes_fail():
    exact = _exact_load_index()
    assert exact == pytest.approx(nb08.load_index_by_simulation(), abs=0.003)
    check.exercise("08-3", exact)
    wrong = exact * 1.1  # e.g. Var(sigma) computed without E[L^2]
    assert "S1 of the load" in assert_teaches("08-3", wrong)
