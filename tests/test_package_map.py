"""The concept -> module table in helpers/__init__.py matches the package."""

import pathlib
import pkgutil
import re

import helpers


def _table() -> dict[str, str]:
    rows = re.findall(r"^(.+?)\s+``(\w+)``\s*$", helpers.__doc__, flags=re.MULTILINE)
    return {module: concept.strip() for concept, module in rows}


def test_every_listed_module_exists():
    modules = {m.name for m in pkgutil.iter_modules(helpers.__path__)}
    missing = set(_table()) - modules
    assert not missing, f"listed in helpers/__init__.py but not in the package: {missing}"


def test_every_module_is_listed_once():
    modules = {m.name for m in pkgutil.iter_modules(helpers.__path__)}
    rows = re.findall(r"``(\w+)``\s*$", helpers.__doc__, flags=re.MULTILINE)
    assert len(rows) == len(set(rows)), "a module is listed twice"
    unlisted = modules - set(_table())
    assert not unlisted, f"add these modules to the table in helpers/__init__.py: {unlisted}"


def test_no_module_is_imported_from_another_copy_of_the_package():
    """A removed or renamed module must fail to import, not come from a stale install.

    An editable install of another checkout maps ``helpers.<name>`` to its own files, so a
    module deleted here (``helpers.inference`` after the split) would still import from there.
    """
    import importlib
    import sys

    root = pathlib.Path(helpers.__file__).parent
    for info in pkgutil.iter_modules(helpers.__path__):
        importlib.import_module(f"helpers.{info.name}")
    stray = {
        name: module.__file__
        for name, module in list(sys.modules.items())
        if name.startswith("helpers.")
        and getattr(module, "__file__", None)
        and root not in pathlib.Path(module.__file__).resolve().parents
    }
    assert not stray, f"imported from outside {root}: {stray}"
