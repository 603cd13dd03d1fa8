"""The workshop preflight: the real checks pass here, and failures are reported and counted."""

import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import pytest

from course_tools import doctor
from course_tools.student import write_student_copies

ROOT = Path(__file__).resolve().parent.parent
COUNT = len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))


def test_real_preflight_passes_on_this_installation(tmp_path):
    write_student_copies(ROOT / "notebooks", tmp_path / "student")
    result = subprocess.run(
        [sys.executable, "-m", "course_tools.doctor", "--student", str(tmp_path / "student")],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASS") == len(doctor.CHECKS)
    assert "you are ready" in result.stdout


def test_failures_are_reported_and_set_the_exit_code(monkeypatch, capsys):
    def broken() -> str:
        raise RuntimeError("PyMC could not compile")

    monkeypatch.setattr(doctor, "CHECKS", [("ok", lambda: "fine"), ("broken", broken)])
    assert doctor.main() == 1
    out = capsys.readouterr().out
    assert (
        "PASS  ok" in out
        and "FAIL  broken" in out
        and "RuntimeError: PyMC could not compile" in out
    )
    assert "1 of 2 checks failed" in out


def test_version_check_names_the_drift(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("# header\nnumpy==0.0.1\nno-such-package-xyz==1.0\n")
    try:
        doctor.check_versions(lock)
    except RuntimeError as err:
        assert "2 of 2 packages differ" in str(err)
        assert "numpy" in str(err) and "no-such-package-xyz missing" in str(err)
    else:
        raise AssertionError("version drift was not reported")


def test_missing_lock_is_explained(tmp_path):
    results = doctor.run_checks(
        [("versions", lambda: doctor.check_versions(tmp_path / "nope.lock"))]
    )
    assert not results[0].passed and "no lock file" in results[0].detail


def test_disk_check_needs_the_stated_room(monkeypatch, tmp_path):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda _: usage(100e9, 99.5e9, 0.5e9))
    with pytest.raises(RuntimeError, match=r"only 0\.5 GB free .* needs 2 GB"):
        doctor.check_disk(tmp_path)
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda _: usage(100e9, 90e9, 10e9))
    assert "10 GB free" in doctor.check_disk(tmp_path)


def test_student_check_says_make_student_when_copies_are_missing(tmp_path):
    with pytest.raises(
        RuntimeError, match=rf"{COUNT} of {COUNT} student copies are missing.*make student"
    ):
        doctor.check_student_copies(tmp_path / "student", ROOT / "notebooks")
    write_student_copies(ROOT / "notebooks", tmp_path / "student")
    (tmp_path / "student" / "05_hierarchical_models.ipynb").unlink()
    with pytest.raises(RuntimeError, match=rf"1 of {COUNT} .*05_hierarchical_models.*make student"):
        doctor.check_student_copies(tmp_path / "student", ROOT / "notebooks")


def test_student_check_passes_with_all_copies(tmp_path):
    write_student_copies(ROOT / "notebooks", tmp_path / "student")
    assert f"all {COUNT} student copies" in doctor.check_student_copies(
        tmp_path / "student", ROOT / "notebooks"
    )
