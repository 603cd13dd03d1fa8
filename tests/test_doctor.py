"""The workshop preflight: the real checks pass here, and failures are reported and counted."""

import subprocess
import sys

from helpers import doctor


def test_real_preflight_passes_on_this_installation():
    result = subprocess.run(
        [sys.executable, "-m", "helpers.doctor"], capture_output=True, text=True, timeout=600
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
