import pytest

from helpers.budget import Budget, get_budget, is_fast


def test_fast_budget_is_smaller_than_full():
    fast, full = get_budget(fast=True), get_budget(fast=False)
    assert fast.fast and not full.fast
    for field in ("draws", "tune", "svi_steps", "epochs", "n_draws"):
        assert getattr(fast, field) < getattr(full, field), field
    assert fast.chains >= 2 and full.chains >= 2
    assert fast.cores <= 2 and full.cores <= 2


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("0", False), ("", False)]
)
def test_env_selects_mode(monkeypatch, raw, expected):
    monkeypatch.setenv("COURSE_FAST", raw)
    assert is_fast() is expected
    assert get_budget().fast is expected


def test_bad_env_value_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "maybe")
    with pytest.raises(ValueError, match="COURSE_FAST.*'maybe'"):
        get_budget()


def test_fast_must_be_bool():
    with pytest.raises(TypeError, match="`fast` must be a bool"):
        get_budget(fast="yes")


def test_quiet_turns_off_progress_bars(monkeypatch):
    monkeypatch.setenv("COURSE_QUIET", "1")
    assert get_budget(fast=False).progressbar is False
    monkeypatch.setenv("COURSE_QUIET", "0")
    assert get_budget(fast=False).progressbar is True
    assert get_budget(fast=True).progressbar is False


def test_course_cores_caps_the_full_budgets_sampling_processes(monkeypatch):
    monkeypatch.delenv("COURSE_CORES", raising=False)
    assert get_budget(fast=False).cores == 2
    monkeypatch.setenv("COURSE_CORES", "1")
    assert get_budget(fast=False).cores == 1
    assert get_budget(fast=False).sample_kwargs()["cores"] == 1
    monkeypatch.setenv("COURSE_CORES", "8")  # a cap, never more than the budget's own
    assert get_budget(fast=False).cores == 2
    assert get_budget(fast=True).cores == 1


@pytest.mark.parametrize("raw", ["0", "-1", "two", "1.5"])
def test_bad_course_cores_is_a_clear_error(monkeypatch, raw):
    monkeypatch.setenv("COURSE_CORES", raw)
    with pytest.raises(ValueError, match=f"COURSE_CORES.*positive integer; got '{raw}'"):
        get_budget(fast=False)


def test_sample_kwargs_and_overrides():
    kwargs = get_budget(fast=True).sample_kwargs(target_accept=0.95, chains=2)
    assert kwargs["draws"] == 400 and kwargs["chains"] == 2 and kwargs["target_accept"] == 0.95


def test_scaled():
    fast, full = get_budget(fast=True), get_budget(fast=False)
    assert full.scaled(12_345) == 12_345
    assert fast.scaled(10_000) == 2_000
    assert fast.scaled(3, minimum=2) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"full": 0}, "`full` must be an integer >= 1; got 0"),
        ({"full": 10, "minimum": -1}, "`minimum` must be"),
    ],
)
def test_scaled_rejects_bad_sizes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        get_budget(fast=True).scaled(**kwargs)


def test_budget_validates_its_fields():
    base = get_budget(fast=True).as_dict()
    with pytest.raises(ValueError, match="`draws` must be an integer >= 1; got 0"):
        Budget(**{**base, "draws": 0})
    with pytest.raises(TypeError, match="`draws` must be an integer; got float 2.5"):
        Budget(**{**base, "draws": 2.5})
    with pytest.raises(ValueError, match=r"`fraction` must be a number > 0 and <= 1; got 1.5"):
        Budget(**{**base, "fraction": 1.5})
    with pytest.raises(ValueError, match="`nuts_sampler` must be one of"):
        Budget(**{**base, "nuts_sampler": "stan"})


def test_describe_names_the_mode():
    assert get_budget(fast=True).describe().startswith("fast budget")
    assert get_budget(fast=False).mode == "full"


def test_quiet_mode_keeps_sampler_logs_off_the_page(monkeypatch):
    import logging

    logger = logging.getLogger("pymc")
    monkeypatch.setattr(logger, "level", logging.INFO)
    monkeypatch.setenv("COURSE_QUIET", "0")
    get_budget(fast=False)
    assert logger.level == logging.INFO
    monkeypatch.setenv("COURSE_QUIET", "1")
    get_budget(fast=False)
    assert logger.level == logging.WARNING
