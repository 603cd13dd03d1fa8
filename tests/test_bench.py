"""The table logic of `make bench` (scripts/bench.py): shares, rows, merging, option parsing.

Nothing here times a notebook; the timings themselves are measurements, not test results.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests._notebooks import ROOT

_spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def _run(wall, compile_s=0.0, sampling_s=0.0):
    return {"wall": wall, "compile": compile_s, "sampling": sampling_s}


def test_shares_add_up_to_100_and_follow_the_timers():
    assert bench.split_shares(200.0, 50.0, 100.0) == (25.0, 50.0, 25.0)
    assert bench.split_shares(10.0, 0.0, 0.0) == (0.0, 0.0, 100.0)


def test_shares_clip_timer_jitter_above_the_wall_time():
    c, s, o = bench.split_shares(10.0, 4.0, 7.0)
    assert c + s + o == pytest.approx(100.0)
    assert o == pytest.approx(0.0, abs=0.1) and c < s


def test_shares_reject_a_non_positive_wall_time():
    with pytest.raises(ValueError, match="wall"):
        bench.split_shares(0.0, 1.0, 1.0)


def test_row_judges_the_warm_run_against_the_budget_and_never_hides_a_failure():
    over = bench.row_for(
        {"notebook": "07", "mode": "fast", "budget": 90, "cold": _run(120), "warm": _run(95)}
    )
    assert (over["cold s"], over["warm s"], over["within budget"]) == ("120", "95", "no")
    inside = bench.row_for({"notebook": "07", "mode": "fast", "budget": 90, "warm": _run(89.4)})
    assert (inside["cold s"], inside["within budget"]) == ("", "yes")
    failed = bench.row_for(
        {"notebook": "07", "mode": "fast", "budget": 90, "warm": {"wall": 3.0, "error": "boom"}}
    )
    assert failed["warm s"] == "failed" and failed["within budget"] == "?"


def test_row_shows_the_split_of_the_warm_run():
    row = bench.row_for(
        {
            "notebook": "03",
            "mode": "full",
            "budget": 180,
            "cold": _run(100, 60, 20),
            "warm": _run(50, 5, 20),
        }
    )
    assert (row["compile %"], row["sampling %"], row["other %"]) == ("10", "40", "50")


def test_table_is_sorted_and_has_the_documented_columns():
    results = [
        {"notebook": "14", "mode": "full", "budget": 180, "warm": _run(100)},
        {"notebook": "14", "mode": "fast", "budget": 90, "warm": _run(50)},
        {"notebook": "02", "mode": "fast", "budget": 60, "warm": _run(10)},
    ]
    lines = bench.markdown_table(results).splitlines()
    assert lines[0] == "| " + " | ".join(bench.COLUMNS) + " |"
    assert [line.split("|")[1:3] for line in lines[2:]] == [
        [" 02 ", " fast "],
        [" 14 ", " fast "],
        [" 14 ", " full "],
    ]


def test_merge_updates_only_the_rows_and_temperatures_run():
    old = [
        {"notebook": "07", "mode": "fast", "budget": 90, "cold": _run(120), "warm": _run(95)},
        {"notebook": "08", "mode": "fast", "budget": 60, "warm": _run(30)},
    ]
    new = [{"notebook": "07", "mode": "fast", "budget": 90, "warm": _run(70)}]
    merged = {(r["notebook"], r["mode"]): r for r in bench.merge(old, new)}
    assert merged[("07", "fast")]["warm"]["wall"] == 70
    assert merged[("07", "fast")]["cold"]["wall"] == 120
    assert merged[("08", "fast")]["warm"]["wall"] == 30


def test_write_merges_into_the_stored_results(tmp_path):
    bench.write([{"notebook": "01", "mode": "fast", "budget": 30, "warm": _run(5)}], tmp_path)
    bench.write([{"notebook": "02", "mode": "fast", "budget": 60, "warm": _run(12)}], tmp_path)
    stored = json.loads((tmp_path / "bench.json").read_text())["results"]
    assert sorted(r["notebook"] for r in stored) == ["01", "02"]
    assert "| 02 | fast |  | 12 | 60 | yes |" in (tmp_path / "bench.md").read_text()


def test_options_are_checked():
    assert bench.parse_list("fast", bench.MODES, "modes") == ["fast"]
    with pytest.raises(ValueError, match="--modes"):
        bench.parse_list("quick", bench.MODES, "modes")
    with pytest.raises(ValueError, match="--temps"):
        bench.parse_list("", bench.TEMPS, "temps")
    assert [p.name[:2] for p in bench.select_notebooks("7,14")] == ["07", "14"]
    with pytest.raises(ValueError, match="99"):
        bench.select_notebooks("99")


def test_budgets_come_from_the_notebook_metadata():
    path = bench.select_notebooks("01")[0]
    meta = json.loads(path.read_text())["metadata"]["curriculum"]["budget_seconds"]
    assert bench.budget_seconds(path, "fast") == meta["fast"]
    assert bench.budget_seconds(path, "full") == meta["full"]


def test_a_run_whose_timers_failed_shows_no_split():
    nan = float("nan")
    row = bench.row_for({"notebook": "01", "mode": "fast", "budget": 30, "warm": _run(5, nan, nan)})
    assert row["warm s"] == "5" and row["within budget"] == "yes"
    assert (row["compile %"], row["sampling %"], row["other %"]) == ("?", "?", "?")
