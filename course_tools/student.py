"""Student copies of the notebooks: every reference solution replaced by a "your turn" cell.

Run ``make student`` (or ``python -m course_tools.student notebooks student``). Each cell tagged
``solution`` is replaced by a code cell that names the variables the self-check below it reads,
set to ``...``; ``helpers.check.exercise`` treats ``...`` as "not answered yet" and prints a
reminder instead of failing, so a student notebook still runs from top to bottom.

Running it again never loses a learner's work: a copy the learner has changed (edited, run and
saved) is kept as it is, and the fresh copy is written beside it under ``.fresh/`` so the two
can be compared. A copy nobody changed is refreshed. ``.course-student.json`` in the target
folder remembers what was written, which is how a changed copy is told apart.

Introduced for the workshop kit (see book/workshop.md).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = [
    "StudentCopies",
    "answer_names",
    "make_student_notebook",
    "write_student_copies",
    "main",
]

YOUR_TURN_TAG = "your-turn"
MANIFEST = ".course-student.json"
FRESH = ".fresh"


def answer_names(check_source: str) -> list[str]:
    """The variable names a ``check.exercise(...)`` call reads (positional, after the id).

    Parameters
    ----------
    check_source : str
        Source of the self-check cell.

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        If the source holds no ``check.exercise`` call, or its answer is not a plain name.

    Examples
    --------
    >>> answer_names('check.exercise("02-1", p_better)')
    ['p_better']
    """
    try:
        tree = ast.parse(check_source)
    except SyntaxError as err:
        raise ValueError(f"`check_source` is not valid Python: {err}") from None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "exercise"
        ):
            names = []
            for arg in node.args[1:]:
                if not isinstance(arg, ast.Name):
                    raise ValueError(
                        "`check_source`: check.exercise answers must be plain variable names; "
                        f"got {ast.unparse(arg)!r}"
                    )
                names.append(arg.id)
            return names
    raise ValueError("`check_source` holds no check.exercise(...) call")


def make_student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` with solution cells replaced and outputs cleared.

    Raises
    ------
    ValueError
        If a solution cell is not followed by a self-check cell.
    """
    out = nbformat.from_dict(nb)
    cells = []
    for i, cell in enumerate(out.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" not in tags:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            cells.append(cell)
            continue
        following = out.cells[i + 1] if i + 1 < len(out.cells) else None
        if following is None or following.cell_type != "code":
            raise ValueError(f"solution cell {i} is not followed by a self-check cell")
        names = answer_names(following.source)
        lines = ["# Your turn: replace each ... with your answer, then run the self-check below."]
        lines += [f"{name} = ..." for name in names]
        cells.append(
            nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": [YOUR_TURN_TAG]})
        )
    out.cells = cells
    nbformat.validate(out)
    return out


@dataclass
class StudentCopies:
    """What ``write_student_copies`` did: notebooks written, and notebooks kept (changed)."""

    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write_student_copies(source: Path, target: Path) -> StudentCopies:
    """Write student copies of every ``NN_*.ipynb`` in ``source`` into ``target``.

    A copy already in ``target`` is replaced only if it is exactly what an earlier run wrote;
    a copy the learner changed (or one this command did not write) is kept, and the fresh copy
    goes to ``target/.fresh/`` instead.

    Returns
    -------
    StudentCopies

    Raises
    ------
    ValueError
        If ``source`` is not a folder of notebooks, or ``target`` is ``source``.
    """
    source, target = Path(source), Path(target)
    if not source.is_dir():
        raise ValueError(f"`source` must be a folder of notebooks; got {source}")
    if source.resolve() == target.resolve():
        raise ValueError("`target` must differ from `source` (the solutions would be lost)")
    paths = sorted(source.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise ValueError(f"`source` holds no NN_*.ipynb notebooks: {source}")
    target.mkdir(parents=True, exist_ok=True)
    manifest_path = target / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    result = StudentCopies()
    for path in paths:
        text = nbformat.writes(make_student_notebook(nbformat.read(path, as_version=4)))
        dest = target / path.name
        if dest.exists() and _digest(dest.read_text()) != manifest.get(path.name):
            fresh = target / FRESH / path.name
            fresh.parent.mkdir(exist_ok=True)
            fresh.write_text(text)
            result.kept.append(dest)
            continue
        dest.write_text(text)
        manifest[path.name] = _digest(text)
        result.written.append(dest)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m course_tools.student SOURCE TARGET``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder with the full notebooks")
    parser.add_argument("target", type=Path, help="folder for the student copies")
    args = parser.parse_args(argv)
    copies = write_student_copies(args.source, args.target)
    print(f"wrote {len(copies.written)} student notebooks to {args.target}/")
    if copies.kept:
        print(f"kept {len(copies.kept)} you have changed (fresh copies in {args.target}/{FRESH}/):")
        for path in copies.kept:
            print(f"  {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
