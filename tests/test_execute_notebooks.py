"""The parallel executor of the site build (scripts/execute_notebooks.py): the cores each notebook
may sample on, and that its kernels see them."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import nbformat
import pytest

from tests._notebooks import ROOT

_spec = importlib.util.spec_from_file_location(
    "execute_notebooks", ROOT / "scripts" / "execute_notebooks.py"
)
execute_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(execute_notebooks)


@pytest.mark.parametrize(
    ("jobs", "cores", "expected"), [(1, 2, 2), (2, 2, 1), (3, 2, 1), (2, 8, 4), (1, 1, 1)]
)
def test_each_notebook_samples_on_its_share_of_the_cores(jobs, cores, expected):
    assert execute_notebooks.cores_per_notebook(jobs, cores=cores) == expected


def test_kernels_see_their_share_unless_it_is_set(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "import os\n"
            f"assert os.environ['COURSE_CORES'] == '{execute_notebooks.cores_per_notebook(2)}', "
            "os.environ.get('COURSE_CORES')"
        )
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    path = tmp_path / "cores.ipynb"
    nbformat.write(notebook, path)
    script = ROOT / "scripts" / "execute_notebooks.py"

    def run(cache, **env):
        environ = {k: v for k, v in os.environ.items() if k != "COURSE_CORES"} | env
        return subprocess.run(
            [
                sys.executable,
                str(script),
                "--cache",
                str(tmp_path / cache),
                "--jobs",
                "2",
                str(path),
            ],
            capture_output=True,
            text=True,
            env=environ,
            timeout=300,
        )

    done = run("cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ran     cores.ipynb" in done.stdout
    # a value the caller sets is kept (setdefault): the kernel's assertion then fails
    kept = run("cache-7", COURSE_CORES="7")
    output = kept.stdout + kept.stderr
    assert kept.returncode == 1, output
    assert "at most 7 core(s)" in output and "AssertionError" in output, output
