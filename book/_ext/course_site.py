"""Sphinx extension for the course site (Jupyter Book 1 loads it through `local_extensions`).

- ``{learning-path}``: the table of notebooks built from each notebook's ``curriculum`` metadata.
- ``{prerequisite-graph}``: a figure of the prerequisites drawn from the same metadata.
- ``{workshop-agenda}``: the day's agenda from ``book/workshop.yml`` with each notebook's measured
  run time from this build.
- ``{run-times}``: the table of run times `make bench` wrote to ``book/_generated/bench.json``,
  or a sentence saying none was measured.
- A footer on every notebook page: execution mode, measured run time, library versions.
- Local MathJax: served from ``_build/mathjax-extra`` (installed by ``make`` from npm) when
  present; otherwise the build says so and falls back to the CDN.
- Exercises: each cell tagged ``solution`` and the ``self-check`` cell after it are folded into
  one closed toggle, so neither the reference answer nor what it prints shows until asked for.
- Workshop slides: when the build finishes, one reveal.js deck per block and emphasis into
  ``slides/`` of the site, from this build's executed notebooks (``book/_ext/slides.py``).
- ``COURSE_RECORD_DIR``: when set, each notebook's checked numbers are recorded to
  ``<dir>/<notebook>.jsonl`` (the reproducibility test compares them with the nbmake run);
  a notebook the parallel executor (scripts/execute_notebooks.py) already cached keeps the
  record that run wrote.
"""

from __future__ import annotations

import json
import os
import platform
import re
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import nbformat
import yaml
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

MATHJAX_REL = Path("_build") / "mathjax-extra"
LIBRARIES = (
    "pymc",
    "arviz",
    "arviz-plots",
    "pytensor",
    "pyro-ppl",
    "torch",
    "numpy",
    "scipy",
    "pandas",
    "SALib",
    "lifetimes",
)
RUNTIME_TOKEN = "@@RUNTIME:{}@@"


def notebooks(srcdir: Path) -> list[dict[str, Any]]:
    """The course notebooks with their number, title and curriculum metadata, in order."""
    found = []
    for path in sorted((srcdir / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        title = next(
            (
                line[2:].strip()
                for cell in nb.cells
                if cell.cell_type == "markdown"
                for line in cell.source.splitlines()
                if line.startswith("# ")
            ),
            path.stem,
        )
        meta = nb.metadata.get("curriculum", {})
        found.append(
            {
                "number": path.name[:2],
                "doc": f"notebooks/{path.stem}",
                "title": title,
                "level": meta.get("level", "?"),
                "minutes": meta.get("minutes", "?"),
                "prerequisites": [str(p) for p in meta.get("prerequisites", [])],
            }
        )
    return found


def _parse_markdown(directive: SphinxDirective, text: str) -> list[nodes.Node]:
    container = nodes.container()
    directive.state.nested_parse(StringList(text.splitlines()), directive.content_offset, container)
    return container.children


class LearningPath(SphinxDirective):
    """The learning path as a table, from the notebooks' metadata."""

    def run(self) -> list[nodes.Node]:
        rows = ["| # | notebook | level | minutes | prerequisites |", "|---|---|---|---|---|"]
        for nb in notebooks(Path(self.env.srcdir)):
            self.env.note_dependency(str(Path(self.env.srcdir) / f"{nb['doc']}.ipynb"))
            prereq = ", ".join(nb["prerequisites"]) or "none"
            rows.append(
                f"| {nb['number']} | {{doc}}`{nb['title']} </{nb['doc']}>` | {nb['level']} "
                f"| {nb['minutes']} | {prereq} |"
            )
        total = sum(
            nb["minutes"]
            for nb in notebooks(Path(self.env.srcdir))
            if isinstance(nb["minutes"], int)
        )
        rows.append("")
        rows.append(f"In all about {total / 60:.1f} hours of reading and doing, at your own pace.")
        return _parse_markdown(self, "\n".join(rows))


class PrerequisiteGraph(SphinxDirective):
    """A figure of the prerequisite graph (drawn at build time into book/_generated)."""

    def run(self) -> list[nodes.Node]:
        srcdir = Path(self.env.srcdir)
        out = srcdir / "book" / "_generated" / "prerequisites.png"
        _draw_graph(notebooks(srcdir), out)
        text = (
            "```{figure} /book/_generated/prerequisites.png\n"
            ":alt: The notebooks as a graph: an arrow from each prerequisite to the notebook that needs it.\n"
            ":width: 100%\n\n"
            "Prerequisites between notebooks, read from each notebook's metadata: an arrow points "
            "from a notebook to one that builds on it. Colour shows the level.\n```"
        )
        return _parse_markdown(self, text)


def _draw_graph(items: list[dict[str, Any]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    graph = nx.DiGraph()
    colours = {"beginner": "#009E73", "intermediate": "#0072B2", "advanced": "#D55E00"}
    rows = {"beginner": 2, "intermediate": 1, "advanced": 0}
    for nb in items:
        graph.add_node(nb["number"], level=nb["level"])
    for nb in items:
        for pre in nb["prerequisites"]:
            if pre in graph:
                graph.add_edge(pre, nb["number"])
    pos = {
        n: (int(n), rows.get(d["level"], 0) + 0.25 * (int(n) % 2))
        for n, d in graph.nodes(data=True)
    }
    fig, ax = plt.subplots(figsize=(10, 3.6))
    nx.draw_networkx_edges(
        graph,
        pos,
        ax=ax,
        arrows=True,
        arrowsize=12,
        edge_color="#999999",
        connectionstyle="arc3,rad=0.15",
        node_size=700,
    )
    nx.draw_networkx_nodes(
        graph,
        pos,
        ax=ax,
        node_size=700,
        node_color=[colours.get(d["level"], "#777777") for _, d in graph.nodes(data=True)],
    )
    nx.draw_networkx_labels(graph, pos, ax=ax, font_color="white", font_weight="bold")
    for level, colour in colours.items():
        ax.scatter([], [], color=colour, s=80, label=level)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False, ncol=3)
    ax.set_ylim(-0.45, 2.7)
    ax.set_xlim(0.3, max([int(n) for n in graph.nodes] or [1]) + 0.7)
    ax.set_title("Learning path: prerequisites between notebooks")
    ax.set_xlabel("notebook number")
    ax.set_ylabel("level")
    ax.set_yticks([0.1, 1.1, 2.1], ["advanced", "intermediate", "beginner"])
    ax.tick_params(left=False, bottom=False, labelbottom=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)


class WorkshopAgenda(SphinxDirective):
    """The workshop agenda from book/workshop.yml, with measured run times filled in later.

    Each block lists, per emphasis, a summary, the talking time and the live sections (the cells
    tagged ``live-pymc`` / ``live-pyro`` in them are what the instructor runs).
    """

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir) / "book" / "workshop.yml"
        self.env.note_dependency(str(path))
        agenda = yaml.safe_load(path.read_text())
        rows = [
            "| time | block | PyMC emphasis | Pyro emphasis | notebooks (measured run time) |",
            "|---|---|---|---|---|",
        ]
        docs = {nb["number"]: nb for nb in notebooks(Path(self.env.srcdir))}
        details = []
        for block in agenda["blocks"]:
            if block.get("break"):
                rows.append(f"| {block['time']} | *{block['break']}* | | | |")
                continue
            numbers = []
            for emphasis in ("pymc", "pyro"):
                for item in block[emphasis]["live"]:
                    if str(item["notebook"]) not in numbers:
                        numbers.append(str(item["notebook"]))
            used = []
            for number in sorted(numbers):
                if number in docs:
                    used.append(
                        f"{{doc}}`{number} </{docs[number]['doc']}>` ({RUNTIME_TOKEN.format(number)})"
                    )
                else:
                    used.append(f"{number} (not yet written)")
            cells = [
                f"{block[e]['summary']} ({block[e]['talk']} min talk)" for e in ("pymc", "pyro")
            ]
            rows.append(
                f"| {block['time']} | {block['title']} | {cells[0]} | {cells[1]} | {'; '.join(used)} |"
            )
            details.append(f"**{block['time']} {block['title']}**\n")
            for emphasis, name in (("pymc", "PyMC"), ("pyro", "Pyro")):
                slides = f"../slides/{block['slides']}-{emphasis}.html"
                parts = [
                    f"{item['notebook']}: " + "; ".join(f"*{s}*" for s in item["sections"])
                    for item in block[emphasis]["live"]
                ]
                details.append(
                    f'- {name} emphasis (<a class="workshop-slides" href="{slides}">slides</a>): '
                    "live sections " + " | ".join(parts)
                )
            details.append("")
        text = "\n".join(rows) + "\n\n### Live sections and slides\n\n" + "\n".join(details)
        return _parse_markdown(self, text)


class RunTimes(SphinxDirective):
    """The run-time table `make bench` wrote (book/_generated/bench.json), if there is one."""

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir) / "book" / "_generated" / "bench.json"
        self.env.note_dependency(str(path))
        if not path.exists():
            text = (
                "No run times were measured on the machine that built this site: run "
                "`make bench` there to measure them (the table then appears here)."
            )
            return _parse_markdown(self, text)
        data = json.loads(path.read_text())
        table = (path.parent / "bench.md").read_text()
        text = (
            f"Measured by `make bench` on {data['machine']}, last on {data['updated']}. "
            "Seconds per notebook, one notebook at a time, with an empty compile cache (cold) "
            "and again with the cache it filled (warm); the budget is the notebook's, and the "
            "split into compiling, sampling and the rest is the warm run's.\n\n" + table
        )
        return _parse_markdown(self, text)


def _runtime_text(app: Sphinx, number: str) -> str:
    from myst_nb.sphinx_ import NbMetadataCollector

    for docname in NbMetadataCollector.get_doc_data(app.env):
        if docname.startswith(f"notebooks/{number}_"):
            data = NbMetadataCollector.get_exec_data(app.env, docname) or {}
            runtime = data.get("runtime")
            if runtime is not None:
                return f"{runtime:.0f} s"
    return "not measured"


def fill_runtimes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace run-time tokens with this build's measurements (all notebooks are read by now)."""
    pattern = re.compile(RUNTIME_TOKEN.format(r"(\d\d)"))
    for text in list(doctree.findall(nodes.Text)):
        if "@@RUNTIME:" in text.astext():
            new = pattern.sub(lambda m: _runtime_text(app, m.group(1)), text.astext())
            text.parent.replace(text, nodes.Text(new))


def add_footer(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Append run time, mode and library versions to every notebook page."""
    if not docname.startswith("notebooks/"):
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    data = NbMetadataCollector.get_exec_data(app.env, docname) or {}
    runtime = data.get("runtime")
    mode = (
        "fast"
        if os.environ.get("COURSE_FAST", "").lower() in {"1", "true", "yes", "on"}
        else "full"
    )
    when = (
        datetime.fromtimestamp(data["mtime"], tz=UTC).strftime("%Y-%m-%d")
        if data.get("mtime")
        else "?"
    )
    versions = []
    for lib in LIBRARIES:
        try:
            versions.append(f"{lib} {version(lib).split('+')[0]}")
        except PackageNotFoundError:
            continue
    ran = f"{runtime:.0f} s" if runtime is not None else "an unknown time"
    text = (
        f"This page was executed in {mode} mode in {ran} on {when}, with Python "
        f"{platform.python_version()}, {', '.join(versions)}."
    )
    footer = nodes.container(classes=["course-run-info"])
    footer += nodes.paragraph(text=text)
    doctree += footer


def _in_cache(app: Sphinx, docname: str) -> bool:
    """Whether MyST-NB will take this notebook's outputs from its jupyter-cache (no kernel)."""
    from jupyter_cache import get_cache

    config = app.env.mystnb_config
    if config.execution_mode != "cache" or not config.execution_cache_path:
        return False
    path = Path(app.env.doc2path(docname))
    try:
        get_cache(config.execution_cache_path).match_cache_notebook(
            nbformat.read(path, as_version=4)
        )
    except KeyError:
        return False
    return True


def per_notebook_record(app: Sphinx, docname: str, source: list[str]) -> None:
    """Point COURSE_RECORD at a per-notebook file before the notebook's kernel starts.

    A notebook already in the execution cache (filled by scripts/execute_notebooks.py, which
    records its checked numbers itself) runs no kernel here: its record is left as it is.
    """
    folder = os.environ.get("COURSE_RECORD_DIR")
    if folder and docname.startswith("notebooks/") and not _in_cache(app, docname):
        Path(folder).mkdir(parents=True, exist_ok=True)
        target = Path(folder) / f"{Path(docname).name}.jsonl"
        target.unlink(missing_ok=True)
        os.environ["COURSE_RECORD"] = str(target)


def local_mathjax(app: Sphinx, config: Any) -> None:
    """Serve MathJax from the build folder when `make` installed it; else say so and use the CDN."""
    extra = Path(app.confdir) / MATHJAX_REL
    if (extra / "_static" / "mathjax" / "tex-chtml.js").exists():
        config.mathjax_path = "mathjax/tex-chtml.js"
        config.html_extra_path = [*config.html_extra_path, str(extra)]
        logger.info("MathJax: serving the local copy in %s", extra)
    else:
        logger.warning(
            "MathJax: no local copy in %s (run `make mathjax`, which needs npm); "
            "falling back to the CDN, so math will not render offline",
            extra,
        )


def dedupe_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Drop repeated script tags.

    Under Sphinx 7.4 sphinx-thebe's inline configuration (``const THEBE_JS_URL = ...``) is added
    twice to every page, and the second ``const`` throws "Identifier 'THEBE_JS_URL' has already
    been declared" in the browser. Identical scripts are never needed twice.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, tuple]] = set()
    unique = []
    for js in scripts:
        # the same inline script is added once with filename None and once with ""
        attributes = getattr(js, "attributes", {})
        key = (
            str(getattr(js, "filename", js) or ""),
            tuple(sorted((k, str(v)) for k, v in attributes.items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def theme_defaults(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Give the theme a valid colour mode.

    The PyData theme's layout reads ``default_mode`` from the page context; Jupyter Book leaves it
    empty, and the theme's script then logs "Got invalid theme mode" in every browser.
    """
    if not context.get("default_mode"):
        context["default_mode"] = "auto"


SOLUTION_SUMMARY = "Solution and self-check"


class SolutionToggle(nodes.Element):
    """A closed ``<details>`` around an exercise's solution cell and its self-check cell."""


def visit_solution_toggle(self: Any, node: SolutionToggle) -> None:
    self.body.append(f'<details class="course-solution">\n<summary>{SOLUTION_SUMMARY}</summary>\n')


def depart_solution_toggle(self: Any, node: SolutionToggle) -> None:
    self.body.append("</details>\n")


def _is_cell(node: nodes.Node, tag: str) -> bool:
    return (
        isinstance(node, nodes.container)
        and node.get("nb_element") == "cell_code"
        and f"tag_{tag}" in node.get("classes", [])
    )


class FoldSolutions(SphinxPostTransform):
    """Fold each solution cell and the self-check after it into one closed toggle.

    MyST-NB hides a cell's input or output one toggle at a time; an exercise needs both cells,
    inputs and outputs (the answer and the self-check's verdict), behind a single one.
    """

    default_priority = 198  # before MyST-NB's HideInputCells (199)
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.container)):
            if not _is_cell(node, "solution") or node.parent is None:
                continue
            parent = node.parent
            index = parent.index(node)
            group = [node]
            following = parent[index + 1] if index + 1 < len(parent) else None
            if following is not None and _is_cell(following, "self-check"):
                group.append(following)
            toggle = SolutionToggle()
            for cell in group:
                parent.remove(cell)
                toggle.append(cell)
            parent.insert(index, toggle)


def build_slides(app: Sphinx, exception: Exception | None) -> None:
    """Write the workshop decks into the site from the notebooks this build executed."""
    if exception is not None or app.builder.format != "html":
        return
    import slides

    if not (slides.REVEAL_NPM / "dist" / "reveal.js").exists():
        logger.warning(
            "slides: no reveal.js in %s (run `make book`, which installs it with npm); "
            "the site is built without the workshop slides",
            slides.REVEAL_NPM,
        )
        return
    cache = app.env.mystnb_config.execution_cache_path
    try:
        written = slides.build_decks(
            slides.from_cache(Path(cache))
            if cache
            else slides.from_book(Path(app.outdir).parent / "jupyter_execute"),
            Path(app.outdir) / "slides",
            mathjax="../_static/mathjax/tex-chtml.js",
        )
    except FileNotFoundError as err:  # a build that did not execute the workshop's notebooks
        logger.warning("slides: not built: %s", err)
        return
    logger.info("slides: wrote %d decks into %s", len(written), Path(app.outdir) / "slides")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("learning-path", LearningPath)
    app.add_directive("prerequisite-graph", PrerequisiteGraph)
    app.add_directive("workshop-agenda", WorkshopAgenda)
    app.add_directive("run-times", RunTimes)
    app.connect("config-inited", local_mathjax)
    app.connect("html-page-context", theme_defaults)
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("source-read", per_notebook_record)
    app.connect("doctree-resolved", fill_runtimes)
    app.connect("doctree-resolved", add_footer)
    app.connect("build-finished", build_slides)
    app.add_node(SolutionToggle, html=(visit_solution_toggle, depart_solution_toggle))
    app.add_post_transform(FoldSolutions)
    app.add_css_file("course.css")
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
