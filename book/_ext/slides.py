"""Workshop slides: one reveal.js deck per block and emphasis, from the executed live cells.

A deck holds the live path of its block (``course_tools.workshop``: the cells tagged
``live-pymc`` / ``live-pyro`` in the sections ``book/workshop.yml`` names), setup cell left out:
each live code cell is a slide with the live markdown that introduces it (story and math), its
code and its outputs (figures, tables, printed results). Nothing is executed here: the cells' outputs
come from notebooks already executed, either

- by the site build (its jupyter-cache, :func:`from_cache`; the course's Sphinx extension calls
  :func:`build_decks` when the build finishes), or
- by the rehearsal (``_build/rehearsal/<emphasis>/*.ipynb``; ``make slides``).

reveal.js (installed from npm by ``make``) is copied next to the decks and MathJax is the site's
local copy, so the decks open offline.

    python book/_ext/slides.py --from-rehearsal _build/rehearsal --out _build/slides/slides
"""

from __future__ import annotations

import argparse
import base64
import functools
import html
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from course_tools import workshop  # noqa: E402

REVEAL_NPM = ROOT / "_build" / "reveal-npm" / "node_modules" / "reveal.js"
MATHJAX_NPM = ROOT / "_build" / "mathjax-extra" / "_static" / "mathjax"
EMPHASIS_NAMES = {"pymc": "PyMC", "pyro": "Pyro"}

_CSS = """
.reveal { font-size: 26px; }
.reveal .slides { text-align: left; }
.reveal .slides section { height: 100%; overflow-y: auto; overflow-x: hidden; padding: 0 0.5em; box-sizing: border-box; }
.reveal h1 { font-size: 1.7em; } .reveal h2 { font-size: 1.35em; } .reveal h3 { font-size: 1.15em; }
.reveal h1, .reveal h2, .reveal h3 { text-transform: none; }
.reveal p, .reveal li { line-height: 1.35; }
.reveal pre { width: auto; box-sizing: border-box; box-shadow: none; font-size: 0.62em; margin: 0.3em 0; }
.reveal pre, .reveal pre code { white-space: pre-wrap; word-break: break-word; max-height: none; }
.reveal pre.source { background: #f5f5f5; border-left: 4px solid #0072B2; padding: 0.4em; }
.reveal pre.output { background: #fff; border-left: 4px solid #999; padding: 0.4em; }
.reveal .output img { max-width: 100%; max-height: 520px; display: block; margin: 0.3em auto; }
.reveal table { font-size: 0.55em; max-width: 100%; display: block; overflow-x: auto; margin: 0.3em 0; }
.reveal table th, .reveal table td { padding: 0.15em 0.5em; }
.reveal mjx-container[display="true"] { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
.reveal .deck-meta { color: #555; font-size: 0.8em; }
.reveal a.anchor-link { display: none; }
.reveal mjx-assistive-mml { max-width: 100%; }  /* the screen-reader copy: inside its formula */
.reveal details summary { font-size: 0.6em; color: #0072B2; cursor: pointer; }
"""


@functools.cache
def _citations() -> dict[str, str]:
    """``key -> "Author Year"`` from the course's bibliography."""
    from pybtex.database import parse_file

    names = {}
    for key, entry in parse_file(str(ROOT / "book" / "references.bib")).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = " ".join(people[0].last_names) if people else key
        if len(people) == 2:
            last += " and " + " ".join(people[1].last_names)
        elif len(people) > 2:
            last += " et al."
        names[key] = f"{last} {entry.fields.get('year', '')}".strip()
    return names


def _cite(keys: str) -> str:
    names = _citations()
    return "(" + "; ".join(names.get(k.strip(), k.strip()) for k in keys.split(",")) + ")"


def _myst_to_markdown(text: str) -> str:
    """Plain Markdown from MyST roles the notebooks use (citations, cross-references)."""
    text = re.sub(r"\{cite:[pt]\}`([^`]*)`", lambda m: _cite(m.group(1)), text)
    text = re.sub(r"\{(?:doc|ref|numref)\}`([^`<]*?)\s*(?:<[^`]*>)?`", r"\1", text)
    return text


def markdown_html(text: str) -> str:
    """HTML of a markdown cell, with ``$...$`` and ``$$...$$`` left for MathJax."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(_myst_to_markdown(text))


def code_html(source: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    body = highlight(source, PythonLexer(), HtmlFormatter(nowrap=True, noclasses=True))
    return f'<pre class="source"><code>{body}</code></pre>'


def outputs_html(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(f'<pre class="output">{html.escape(out.get("text", ""))}</pre>')
            continue
        if kind == "error":
            raise ValueError(f"an executed live cell holds an error: {out.get('ename')}")
        data = out.get("data", {})
        if "image/png" in data:
            png = data["image/png"]
            png = png if isinstance(png, str) else base64.b64encode(png).decode()
            parts.append(f'<img src="data:image/png;base64,{png.strip()}" alt="figure">')
        elif "image/svg+xml" in data:
            parts.append(data["image/svg+xml"])
        elif "text/html" in data:
            parts.append(data["text/html"])
        elif "text/latex" in data:  # a PyMC model's repr: its equations, typeset by MathJax
            parts.append(f"<div>{html.escape(data['text/latex'])}</div>")
        elif "text/markdown" in data:
            parts.append(markdown_html(data["text/markdown"]))
        elif "text/plain" in data:
            parts.append(f'<pre class="output">{html.escape(data["text/plain"])}</pre>')
    return f'<div class="output">{"".join(parts)}</div>' if parts else ""


def _title(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def deck_html(title: str, slides: list[str], reveal: str, mathjax: str) -> str:
    """A reveal.js page around ``slides`` (HTML ``<section>`` strings)."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{reveal}/dist/reset.css">
<link rel="stylesheet" href="{reveal}/dist/reveal.css">
<link rel="stylesheet" href="{reveal}/dist/theme/white.css">
<style>{_CSS}</style>
<script>
window.MathJax = {{
  tex: {{inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]], displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
        processEscapes: true, tags: "none"}},
  options: {{skipHtmlTags: ["script", "noscript", "style", "textarea", "pre", "code"]}}
}};
</script>
<script src="{mathjax}" defer></script>
</head>
<body>
<div class="reveal"><div class="slides">
{chr(10).join(slides)}
</div></div>
<script src="{reveal}/dist/reveal.js"></script>
<script src="{reveal}/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({{hash: true, center: false, width: 1280, height: 800, margin: 0.03,
  slideNumber: "c/t", transition: "none", plugins: [RevealNotes]}});
</script>
</body>
</html>
"""


# A source of executed cells: (emphasis, block, notebook number) -> cells by id.
Executed = Callable[[str, workshop.Block, str], dict[str, nbformat.NotebookNode]]


def from_book(folder: Path) -> Executed:
    """Executed cells from a site build's ``jupyter_execute`` folder."""

    def get(emphasis: str, block: workshop.Block, number: str) -> dict[str, nbformat.NotebookNode]:
        found = sorted((Path(folder) / "notebooks").glob(f"{number}_*.ipynb"))
        if not found:
            raise FileNotFoundError(f"no executed notebook {number} in {folder}/notebooks")
        return {c.id: c for c in nbformat.read(found[0], as_version=4).cells}

    return get


def from_cache(cache_path: Path, notebooks: Path = ROOT / "notebooks") -> Executed:
    """Executed cells from the site build's jupyter-cache (what the pages themselves show).

    A notebook taken from the cache is not re-executed by Sphinx, and the copy MyST-NB leaves in
    ``jupyter_execute`` then holds no outputs; the cache holds them.
    """
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))

    def get(emphasis: str, block: workshop.Block, number: str) -> dict[str, nbformat.NotebookNode]:
        found = sorted(Path(notebooks).glob(f"{number}_*.ipynb"))
        if not found:
            raise FileNotFoundError(f"no notebook {number} in {notebooks}")
        try:
            _, merged = cache.merge_match_into_notebook(nbformat.read(found[0], as_version=4))
        except KeyError:
            raise FileNotFoundError(f"notebook {number} is not in the cache {cache_path}") from None
        return {c.id: c for c in merged.cells}

    return get


def from_rehearsal(folder: Path) -> Executed:
    """Executed cells from the rehearsal's live paths (``_build/rehearsal``)."""

    def get(emphasis: str, block: workshop.Block, number: str) -> dict[str, nbformat.NotebookNode]:
        path = Path(folder) / emphasis / f"{block.label.replace(':', '')}-{number}.ipynb"
        if not path.exists():
            raise FileNotFoundError(f"{path}: run `make rehearse EMPHASIS={emphasis}` first")
        return {c.id: c for c in nbformat.read(path, as_version=4).cells}

    return get


def build_decks(
    executed: Executed, out: Path, *, reveal_src: Path = REVEAL_NPM, mathjax: str
) -> list[Path]:
    """Write every block's deck for both emphases into ``out``, with reveal.js beside them.

    ``mathjax`` is the URL of ``tex-chtml.js`` relative to ``out``.
    """
    if not (reveal_src / "dist" / "reveal.js").exists():
        raise FileNotFoundError(f"no reveal.js in {reveal_src}; run `make slides` (needs npm)")
    agenda = yaml.safe_load(workshop.WORKSHOP.read_text())
    keys = [b["slides"] for b in agenda["blocks"] if not b.get("break")]
    decks: dict[str, str] = {}
    for emphasis in workshop.EMPHASES:
        for key, entry in zip(keys, workshop.plan(emphasis), strict=True):
            block = entry["block"]
            name = EMPHASIS_NAMES[emphasis]
            slides = [
                f"<section><h1>{html.escape(block.title)}</h1>"
                f'<p class="deck-meta">{block.time} &middot; {name} emphasis &middot; '
                f"{html.escape(block.summary)}</p></section>"
            ]
            for item in entry["items"]:
                nb, number = item["nb"], item["notebook"].number
                cells = executed(emphasis, block, number)
                slides.append(
                    f"<section><h2>Notebook {number}</h2><p>{html.escape(_title(nb))}</p>"
                    f'<p class="deck-meta">live sections: '
                    f"{html.escape('; '.join(item['notebook'].sections))}</p></section>"
                )
                story: list[str] = []  # markdown since the last code cell
                for i in item["cells"][1:]:  # the setup cell runs but is not shown
                    source_cell = nb.cells[i]
                    if source_cell.cell_type == "markdown":
                        story.append(markdown_html(source_cell.source))
                        continue
                    cell = cells.get(source_cell.id)
                    if cell is None:
                        raise KeyError(f"notebook {number}: cell {source_cell.id} was not executed")
                    if "hide-input" in workshop.tags(source_cell) and not cell.get("outputs"):
                        # a plotting cell without its figure: the notebook was not executed
                        raise ValueError(
                            f"notebook {number}: plotting cell {source_cell.id} has no outputs"
                        )
                    # one slide: the prose that introduces the cell, its code, its outputs
                    code = code_html(cell.source)
                    if "hide-input" in workshop.tags(source_cell):  # plotting: the figure first
                        code = f"<details><summary>code</summary>{code}</details>"
                    slides.append(f"<section>{''.join(story)}{code}{outputs_html(cell)}</section>")
                    story = []
                if story:
                    slides.append(f"<section>{''.join(story)}</section>")
            decks[f"{key}-{emphasis}.html"] = deck_html(
                f"{block.title} ({name})", slides, "reveal.js", mathjax
            )
    # everything rendered: now write reveal.js and the decks
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    reveal_dest = out / "reveal.js"
    shutil.rmtree(reveal_dest, ignore_errors=True)
    shutil.copytree(reveal_src / "dist", reveal_dest / "dist")
    (reveal_dest / "plugin" / "notes").mkdir(parents=True)
    shutil.copy2(reveal_src / "plugin" / "notes" / "notes.js", reveal_dest / "plugin" / "notes")
    written = []
    for name, text in decks.items():
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-rehearsal", type=Path, help="the rehearsal's folder")
    source.add_argument("--from-book", type=Path, help="a site build's jupyter_execute folder")
    parser.add_argument("--out", type=Path, required=True, help="folder for the decks")
    args = parser.parse_args(argv)
    executed = (
        from_rehearsal(args.from_rehearsal) if args.from_rehearsal else from_book(args.from_book)
    )
    # MathJax beside the decks' parent, where the site keeps it (_static/mathjax)
    static = args.out.parent / "_static" / "mathjax"
    if not (static / "tex-chtml.js").exists():
        if not (MATHJAX_NPM / "tex-chtml.js").exists():
            raise SystemExit(f"no MathJax in {MATHJAX_NPM}; run `make mathjax` (needs npm)")
        shutil.copytree(MATHJAX_NPM, static, dirs_exist_ok=True)
    written = build_decks(executed, args.out, mathjax="../_static/mathjax/tex-chtml.js")
    print(f"wrote {len(written)} decks to {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
