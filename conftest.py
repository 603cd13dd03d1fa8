"""Root pytest configuration, for the unit tests and the nbmake notebook runs alike.

- Every run is guarded (tests/guards.py): no network beyond loopback; DeprecationWarning and
  FutureWarning from our own code are errors, in this process and in every notebook kernel.
- With ``COURSE_RECORD_DIR`` set, each notebook run by nbmake records its checked numbers to
  ``<dir>/<notebook>.jsonl`` (tests/test_reproducible.py compares them with the book build's).
- With ``COURSE_COMPILEDIR_ROOT`` set, each notebook compiles into an empty PyTensor cache of its
  own, ``<root>/<notebook>``.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.guards import install, ipython_dir

ROOT = Path(__file__).resolve().parent


def pytest_configure(config):
    install()
    os.environ["IPYTHONDIR"] = str(ipython_dir(ROOT))


def pytest_runtest_setup(item):
    folder = os.environ.get("COURSE_RECORD_DIR")
    if folder and str(item.path).endswith(".ipynb"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        target = Path(folder) / f"{Path(item.path).stem}.jsonl"
        target.unlink(missing_ok=True)
        os.environ["COURSE_RECORD"] = str(target)
    root = os.environ.get("COURSE_COMPILEDIR_ROOT")
    if root and str(item.path).endswith(".ipynb"):
        # each notebook compiles into an empty PyTensor cache of its own (see the Makefile)
        os.environ["PYTENSOR_FLAGS"] = f"base_compiledir={Path(root) / Path(item.path).stem}"
