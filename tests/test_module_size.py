"""Every helpers module stays small enough to read in one sitting (issue 22).

A module over about 400 lines, docstrings included, has almost always grown a second or third
concept; split it by concept (and add the new module to the table in helpers/__init__.py)
rather than raise the limit. 420 leaves room for a short docstring note, not for a new idea.
"""

import pathlib

import pytest

import helpers

MAX_LINES = 420
_ROOT = pathlib.Path(helpers.__file__).parent
_MODULES = sorted(_ROOT.rglob("*.py"))


@pytest.mark.parametrize("path", _MODULES, ids=lambda p: str(p.relative_to(_ROOT)))
def test_module_is_at_most_420_lines(path):
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert n_lines <= MAX_LINES, (
        f"helpers/{path.relative_to(_ROOT)} has {n_lines} lines (at most {MAX_LINES}): "
        "split it by concept"
    )
