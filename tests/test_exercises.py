import pytest

from helpers import check
from helpers.exercises import Exercise, exercise_ids, get_exercise, nb01


def test_lookup_by_id():
    assert isinstance(get_exercise("01-1"), Exercise)
    assert exercise_ids("01") == ["01-1", "01-2", "01-3", "01-4"]


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (1, TypeError, "`exercise_id` must be a string"),
        ("1-1", ValueError, "must look like 'NN-k'"),
        ("01-99", ValueError, "'01-99' is not defined"),
        ("98-1", ValueError, "no exercises are defined for notebook 98"),
    ],
)
def test_bad_ids(bad, error, message):
    with pytest.raises(error, match=message):
        get_exercise(bad)


def test_exercise_ids_rejects_bad_notebook():
    with pytest.raises(ValueError, match="`notebook` must be two digits"):
        exercise_ids("1")


def test_right_answer_passes(capsys):
    assert check.exercise("01-1", 21) is None
    assert "Exercise 01-1: correct" in capsys.readouterr().out


def test_wrong_answer_explains_and_hints():
    with pytest.raises(
        check.ExerciseIncorrect, match=r"(?s)01-1: not yet.*expected 21.*got 12.*Hint: .*quantile"
    ):
        check.exercise("01-1", 12)


def test_unanswered_is_a_reminder_not_an_error(capsys):
    assert check.exercise("01-1", ...) is None
    assert "no answer yet" in capsys.readouterr().out


def test_wrong_type_is_reported_as_incorrect():
    with pytest.raises(check.ExerciseIncorrect, match="MCEstimate"):
        check.exercise("01-3", 0.2)


def test_exercise_checks_do_not_print_or_record(tmp_path, monkeypatch, capsys):
    path = tmp_path / "r.jsonl"
    monkeypatch.setenv("COURSE_RECORD", str(path))
    check.exercise("01-1", 21)
    assert "\u2713 orders" not in capsys.readouterr().out
    assert not path.exists()


def test_nb01_reference_answers(rng):
    from scipy import stats

    from helpers.probability import mc_estimate, positive_predictive_value

    check.exercise(
        "01-2", positive_predictive_value(positive_predictive_value(0.01, 0.95, 0.95), 0.95, 0.95)
    )
    x = stats.gamma(2, scale=2).rvs(size=50_000, random_state=rng)
    y = stats.expon(scale=3).rvs(size=50_000, random_state=rng)
    check.exercise("01-3", mc_estimate(x + y > 10))
    check.exercise("01-4", nb01.exact_mixture_tail())
    # flat prior alone: wrong, and rejected by the value check (not, say, a type check)
    with pytest.raises(
        check.ExerciseIncorrect,
        match=r"P\(rate > 0\.2\) under the mixture prior: expected 0\.2204 .* got 0\.4069",
    ):
        check.exercise("01-4", stats.beta(8, 34).sf(0.2))


def test_mixture_closed_form_matches_a_grid():
    import numpy as np
    from scipy import stats

    from helpers.probability import grid_posterior

    def prior(t):
        return 0.5 * stats.beta(2, 18).pdf(t) + 0.5

    grid, dens = grid_posterior(7, 40, prior=prior, grid_size=20001)
    assert abs(np.trapezoid(dens[grid > 0.2], grid[grid > 0.2]) - nb01.exact_mixture_tail()) < 1e-3
