"""Student copies: no solution code survives, the notebooks stay valid and still run."""

import subprocess
import sys

import nbformat
import pytest

from course_tools.student import answer_names, make_student_notebook, write_student_copies
from tests._notebooks import NOTEBOOKS, ROOT, read


def _solution_lines(nb) -> set[str]:
    lines = set()
    for cell in nb.cells:
        if "solution" in cell.metadata.get("tags", []):
            # bare names (a value displayed at the end) also appear in the self-check cell
            lines |= {
                line.strip()
                for line in cell.source.splitlines()
                if len(line.strip()) > 12 and not line.strip().isidentifier()
            }
    return lines


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    target = tmp_path_factory.mktemp("student")
    write_student_copies(ROOT / "notebooks", target)
    return target


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_solution_code_survives(student_dir, path):
    full, student = read(path), read(student_dir / path.name)
    nbformat.validate(student)
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
    student_text = "\n".join(c.source for c in student.cells)
    # lines the notebook also uses outside its solutions are not leaks
    shared = "\n".join(c.source for c in full.cells if "solution" not in c.metadata.get("tags", []))
    leaked = [line for line in _solution_lines(full) if line in student_text and line not in shared]
    assert not leaked, f"solution lines survive in the student copy: {leaked[:3]}"
    turns = [c for c in student.cells if "your-turn" in c.metadata.get("tags", [])]
    assert len(turns) == sum("solution" in c.metadata.get("tags", []) for c in full.cells)
    assert all("= ..." in c.source for c in turns)


def test_student_copy_of_notebook_01_runs_top_to_bottom(student_dir, tmp_path):
    from nbclient import NotebookClient

    nb = read(student_dir / "01_distributions.ipynb")
    env_path = ROOT / "notebooks"
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(env_path)}}
    ).execute()
    printed = "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )
    assert printed.count("no answer yet") == 4


def test_answer_names():
    assert answer_names('check.exercise("03-2", coverage, idata=fit)') == ["coverage"]
    with pytest.raises(ValueError, match="plain variable names"):
        answer_names('check.exercise("03-2", results["x"])')
    with pytest.raises(ValueError, match="no check.exercise"):
        answer_names("print(1)")
    with pytest.raises(ValueError, match="not valid Python"):
        answer_names("check.exercise(")


def test_solution_without_self_check_is_rejected():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["solution"]})]
    with pytest.raises(ValueError, match="not followed by a self-check"):
        make_student_notebook(nb)


def test_write_student_copies_validates_folders(tmp_path):
    with pytest.raises(ValueError, match="`source` must be a folder"):
        write_student_copies(tmp_path / "missing", tmp_path / "out")
    with pytest.raises(ValueError, match="`target` must differ"):
        write_student_copies(ROOT / "notebooks", ROOT / "notebooks")
    with pytest.raises(ValueError, match="holds no NN_"):
        write_student_copies(tmp_path, tmp_path / "out")


def test_command_line(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "course_tools.student", str(ROOT / "notebooks"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"wrote {len(NOTEBOOKS)} student notebooks" in out.stdout
    (tmp_path / NOTEBOOKS[2].name).write_text("changed")
    again = subprocess.run(
        [sys.executable, "-m", "course_tools.student", str(ROOT / "notebooks"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "kept 1 you have changed" in again.stdout and NOTEBOOKS[2].name in again.stdout


def test_a_second_run_keeps_what_the_learner_changed(tmp_path):
    first = write_student_copies(ROOT / "notebooks", tmp_path)
    assert len(first.written) == len(NOTEBOOKS) and first.kept == []
    changed = tmp_path / NOTEBOOKS[0].name
    nb = read(changed)
    nb.cells[0].source += "\n\nMy notes."
    nbformat.write(nb, changed)
    untouched = tmp_path / NOTEBOOKS[1].name
    untouched.unlink()
    second = write_student_copies(ROOT / "notebooks", tmp_path)
    assert second.kept == [changed]
    assert "My notes." in changed.read_text()
    assert (tmp_path / ".fresh" / changed.name).exists()
    assert "My notes." not in (tmp_path / ".fresh" / changed.name).read_text()
    assert untouched in second.written and untouched.exists()
    assert len(second.written) == len(NOTEBOOKS) - 1


def test_a_copy_not_written_by_the_command_is_kept(tmp_path):
    mine = tmp_path / NOTEBOOKS[0].name
    mine.write_text("my own work")
    copies = write_student_copies(ROOT / "notebooks", tmp_path)
    assert copies.kept == [mine] and mine.read_text() == "my own work"
