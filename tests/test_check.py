import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import check


def test_close_passes_and_prints(capsys):
    check.close(1.001, 1.0, atol=0.01, name="x")
    assert "\u2713 x: 1.001 is within 0.01 of 1" in capsys.readouterr().out


def test_close_fails_with_expected_and_got():
    with pytest.raises(check.CheckFailed, match=r"x: expected 1 \u00b1 0.01, got 1.5; off by 0.5"):
        check.close(1.5, 1.0, atol=0.01, name="x")


def test_close_is_an_assertion_error():
    assert issubclass(check.CheckFailed, AssertionError)


def test_close_on_arrays_names_the_worst_element():
    check.close([1.0, 2.0], [1.0, 2.05], rtol=0.05, name="vec")
    with pytest.raises(check.CheckFailed, match=r"worst at index \(1,\)"):
        check.close([1.0, 3.0], [1.0, 2.0], atol=0.1, name="vec")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"actual": np.nan, "expected": 1.0}, ValueError, "`actual` must be an array without NaN"),
        ({"actual": "1", "expected": 1.0}, TypeError, "`actual` must be an array of numbers"),
        (
            {"actual": 1.0, "expected": 1.0, "atol": -1},
            ValueError,
            "`atol` must be a number >= 0",
        ),
        (
            {"actual": 1.0, "expected": 1.0, "rtol": "0.1"},
            TypeError,
            "`rtol` must be a real number",
        ),
        ({"actual": [1, 2], "expected": [1, 2, 3]}, ValueError, "broadcastable shapes"),
        (
            {"actual": 1.0, "expected": 1.0, "name": ""},
            ValueError,
            "`name` must be a non-empty string",
        ),
    ],
)
def test_close_rejects_bad_input(kwargs, error, message):
    kwargs.setdefault("name", "x")
    with pytest.raises(error, match=message):
        check.close(**kwargs)


def test_inside_scalar_and_hdi_shape():
    check.inside(0.5, (0.0, 1.0), name="p")
    check.inside([1.0, -1.0], np.array([[0.5, 1.5], [-2.0, 0.0]]), name="betas")
    with pytest.raises(check.CheckFailed, match=r"expected inside"):
        check.inside([1.0, 1.0], np.array([[0.5, 1.5], [-2.0, 0.0]]), name="betas")


def test_inside_bounds_are_inclusive():
    check.inside(1.0, (1.0, 1.0), name="edge")


@pytest.mark.parametrize(
    ("interval", "message"),
    [
        ((0.0, 1.0, 2.0), r"shape \(\.\.\., 2\)"),
        ((1.0, 0.0), "low <= high"),
        (3.0, r"shape \(\.\.\., 2\)"),
    ],
)
def test_inside_rejects_bad_intervals(interval, message):
    with pytest.raises(ValueError, match=message):
        check.inside(0.5, interval, name="p")


def test_inside_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="does not match `interval`"):
        check.inside([1.0, 2.0, 3.0], np.zeros((2, 2)), name="p")


def test_less_and_greater():
    check.less(1, 2, name="a")
    check.greater([3, 4], [1, 2], name="b")
    with pytest.raises(check.CheckFailed, match=r"expected 2 < 1"):
        check.less(2, 1, name="a")
    with pytest.raises(check.CheckFailed, match=r"expected 1 > 1"):
        check.greater(1, 1, name="b")


def test_holds():
    check.holds(True, name="c", detail="ok")
    check.holds(np.bool_(True), name="c")
    with pytest.raises(check.CheckFailed, match="c: does not hold: why"):
        check.holds(False, name="c", detail="why")
    with pytest.raises(TypeError, match="`condition` must be True or False"):
        check.holds(np.array([True, True]), name="c")


def test_record_writes_json_lines(tmp_path, monkeypatch):
    path = tmp_path / "record.jsonl"
    monkeypatch.setenv("COURSE_RECORD", str(path))
    check.close(np.array([1.0, 2.0]), [1.0, 2.0], atol=0.1, rtol=0.1, name="vec")
    check.inside(0.5, (0.0, 1.0), name="in")
    check.greater(3.0, 2.0, name="gt")
    check.holds(True, name="ok")
    check.record("plain", 3)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines == [
        # what was compared, kept so a test can ask whether the check could have failed
        {
            "name": "vec",
            "value": [1.0, 2.0],
            "kind": "close",
            "expected": [1.0, 2.0],
            "allowed": [0.2, 0.30000000000000004],
        },
        {"name": "in", "value": 0.5, "kind": "inside", "interval": [0.0, 1.0]},
        {"name": "gt", "value": 3.0, "kind": "greater", "bound": 2.0},
        {"name": "ok", "value": 1.0, "kind": "holds"},
        {"name": "plain", "value": 3.0, "kind": "record"},
    ]


def test_record_without_env_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_RECORD", raising=False)
    monkeypatch.chdir(tmp_path)
    check.record("x", 1.0)
    assert list(tmp_path.iterdir()) == []


@given(st.floats(-1e6, 1e6), st.floats(0, 10))
def test_close_accepts_anything_within_tolerance(value, atol):
    check.close(value + atol / 2, value, atol=atol, name="property")


@given(st.floats(-1e6, 1e6), st.floats(1e-3, 10))
def test_close_rejects_anything_beyond_tolerance(value, atol):
    with pytest.raises(check.CheckFailed):
        check.close(value + 2 * atol, value, atol=atol, name="property")


def test_close_takes_a_tolerance_per_element():
    check.close([1.0, 2.0], [1.05, 2.5], atol=[0.1, 0.6], name="vec")
    with pytest.raises(check.CheckFailed, match=r"worst at index \(1,\)"):
        check.close([1.0, 2.0], [1.05, 2.5], atol=[0.1, 0.4], name="vec")
    with pytest.raises(ValueError, match="`atol` must be an array of numbers >= 0"):
        check.close([1.0, 2.0], [1.0, 2.0], atol=[0.1, -1.0], name="vec")
    with pytest.raises(ValueError, match="broadcastable shapes"):
        check.close([1.0, 2.0], [1.0, 2.0], atol=[0.1, 0.1, 0.1], name="vec")


def test_recovered_accepts_the_truth_and_rejects_a_wrong_one(rng):
    import arviz as az

    draws = rng.normal([1.0, -2.0], [0.1, 0.2], size=(4, 500, 2))
    idata = az.from_dict({"posterior": {"beta": draws}})
    check.recovered([1.0, -2.0], idata.posterior["beta"], name="betas")
    check.recovered([1.0, -2.0], draws.reshape(2000, 2), name="betas from an array")
    with pytest.raises(check.CheckFailed, match="betas"):
        check.recovered([1.0, -1.0], idata.posterior["beta"], name="betas")  # 5 SDs off
    with pytest.raises(check.CheckFailed):
        check.recovered(1.0, draws[..., 0].ravel(), sds=0.01, name="tight")


def test_recovered_validates(rng):
    import xarray as xr

    with pytest.raises(ValueError, match="at least 2 draws"):
        check.recovered(1.0, [1.0], name="x")
    with pytest.raises(ValueError, match="must hold draws along its first axis"):
        check.recovered(1.0, 1.0, name="x")
    with pytest.raises(ValueError, match="must have chain/draw or sample dims"):
        check.recovered(1.0, xr.DataArray(np.ones(3), dims=["obs"]), name="x")
    with pytest.raises(ValueError, match="`sds` must be a number >= 0"):
        check.recovered(1.0, np.ones(3), sds=-1, name="x")


def test_close_prints_expected_and_got_with_digits_that_differ():
    # at 4 significant digits both would print as 0.1235
    with pytest.raises(check.CheckFailed) as info:
        check.close(0.12346, 0.123456789, atol=1e-7, name="p")
    assert "expected 0.123457 \u00b1 1e-07, got 0.12346" in str(info.value)
    err = info.value
    assert (err.name, err.expected, err.got) == ("p", "0.123457 \u00b1 1e-07", "0.12346")
    with pytest.raises(check.CheckFailed, match=r"expected \[1, 2\.000001\] .* got \[1, 2\]"):
        check.close([1.0, 2.0], [1.0, 2.000001], atol=1e-9, name="v")


def test_failed_comparisons_carry_their_parts():
    with pytest.raises(check.CheckFailed) as info:
        check.greater(1.00001, 1.00002, name="ess")
    assert (info.value.expected, info.value.got) == ("> 1.00002", "1.00001")
    with pytest.raises(check.CheckFailed) as info:
        check.inside(2.0, (0.0, 1.0), name="in")
    assert info.value.expected == "inside [0, 1]"
    with pytest.raises(check.CheckFailed) as info:
        check.holds(False, name="c")
    assert info.value.expected is None and info.value.name == "c"
