"""The concept -> module table in helpers/__init__.py matches the package."""

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
