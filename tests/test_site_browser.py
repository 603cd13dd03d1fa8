"""The built site in a real browser, and its links and anchors, all offline.

Runs after the fast book build (`make test-book`); the checks themselves are proven on
deliberately broken pages below.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests._browser import (
    CHROMIUM_ARGS,
    audit_deck,
    audit_page,
    link_check,
    pages,
    require_chromium,
    serve,
)
from tests._notebooks import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))  # slides.py: where reveal.js and MathJax live
from tests.test_book import OUT, site  # noqa: F401 - the fixture builds the site

pytestmark = pytest.mark.book

BROKEN_PAGE = """<!DOCTYPE html><html><head><title>broken</title></head><body>
<h1 id="top">A page with problems</h1>
<img src="missing.png" alt="a figure that is not there">
<a href="nowhere.html">a link to a page that does not exist</a>
<a href="#no-such-anchor">a link to an anchor that does not exist</a>
<span class="math notranslate nohighlight">\\(x^2\\)</span>
<script src="https://cdn.example.invalid/lib.js"></script>
<script>undefinedFunction();</script>
<main>
<div class="cell tag_solution"><div class="cell_input"><pre>answer = 42</pre></div></div>
<pre style="overflow-x: auto; width: 200px">a line of code far too long for its box, so it scrolls</pre>
<div class="math"><mjx-container display="true" style="display: block; width: 200px">
<mjx-math style="display: inline-block; width: 400px">x</mjx-math></mjx-container></div>
</main>
</body></html>"""

GOOD_PAGE = """<!DOCTYPE html><html><head><title>fine</title><link rel="icon" href="data:,"></head>
<body><h1 id="top">Fine</h1><a href="#top">up</a>
<main><details><summary>Solution and self-check</summary>
<div class="cell tag_solution"><div class="cell_input"><pre>answer = 42</pre></div></div>
<div class="cell tag_self-check"><div class="cell_output"><pre>correct</pre></div></div>
</details>
<pre style="overflow-x: auto; width: 400px">short</pre></main></body></html>"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_every_page_is_healthy_in_the_browser(site, browser):  # noqa: F811
    shots = OUT / "screenshots"
    every = pages(site)
    assert len(every) >= 8, every
    failures = {}
    with serve(site) as base:
        # 1400 px: a laptop's browser window; nothing may scroll sideways at this width
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        for path in every:
            name = path.removesuffix(".html").replace("/", "__")
            problems = audit_page(page, base, path, screenshot=shots / f"{name}.png")
            if problems:
                failures[path] = problems
        context.close()
    assert not failures, "\n".join(f"{p}: {probs}" for p, probs in failures.items())
    assert len(list(shots.glob("*.png"))) == len(every)


def test_links_and_anchors_resolve_offline(site):  # noqa: F811
    result = link_check(site)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " 0 Errors" in result.stdout or "Errors" not in result.stdout


def test_the_browser_audit_catches_broken_pages(browser, tmp_path):
    (tmp_path / "broken.html").write_text(BROKEN_PAGE)
    (tmp_path / "fine.html").write_text(GOOD_PAGE)
    with serve(tmp_path) as base:
        page = browser.new_page()
        assert audit_page(page, base, "fine.html") == []
        problems = "\n".join(audit_page(page, base, "broken.html"))
        page.close()
    assert "image did not load: missing.png" in problems
    assert "request to another host: https://cdn.example.invalid/lib.js" in problems
    assert "JavaScript error" in problems and "undefinedFunction" in problems
    assert "math not rendered" in problems
    assert "HTTP 404" in problems
    assert "visible solution or self-check: answer = 42" in problems
    assert "visible setup cell" in problems
    assert "scrolls sideways" in problems and "a line of code far too long" in problems
    assert "math wider than the column (400 > 200 px)" in problems


def test_the_link_check_catches_broken_links(tmp_path):
    (tmp_path / "broken.html").write_text(BROKEN_PAGE)
    result = link_check(tmp_path)
    assert result.returncode != 0
    assert "nowhere.html" in result.stdout and "no-such-anchor" in result.stdout


BROKEN_DECK = """<!DOCTYPE html><html><head><title>broken deck</title>
<script src="https://cdn.example.invalid/reveal.js"></script></head>
<body><div class="reveal"><div class="slides"><section>$x^2$ never typeset</section></div></div>
</body></html>"""

RAW_MATH_DECK = """<!DOCTYPE html><html><head><title>raw math</title><link rel="icon" href="data:,">
<script>window.MathJax = {{startup: {{typeset: false}}}};</script>
<script src="mathjax/tex-chtml.js"></script>
<link rel="stylesheet" href="reveal.js/dist/reveal.css"></head>
<body><div class="reveal"><div class="slides">
<section><p>The posterior is $\\\\text{{Beta}}(a + y, b + n - y)$.</p></section>
<section><pre style="width: 100px; overflow-x: auto">{wide}</pre></section>
<section><details><summary>code</summary><pre>plt.show()</pre></details></section>
</div></div>
<script src="reveal.js/dist/reveal.js"></script><script>Reveal.initialize({{}});</script>
</body></html>"""


def _decks(root):
    return sorted(p.relative_to(root).as_posix() for p in (root / "slides").glob("*-*.html"))


def test_every_slide_deck_opens_offline_with_math_and_slides(site, browser):  # noqa: F811
    import yaml

    agenda = yaml.safe_load((ROOT / "book" / "workshop.yml").read_text())
    keys = [b["slides"] for b in agenda["blocks"] if not b.get("break")]
    decks = _decks(site)
    assert decks == sorted(f"slides/{k}-{e}.html" for k in keys for e in ("pymc", "pyro"))
    shots = OUT / "screenshots" / "slides"
    failures = {}
    with serve(site) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        for path in decks:
            shot = shots / f"{Path(path).stem}.png"
            problems = audit_deck(page, base, path, screenshot=shot)
            if problems:
                failures[path] = problems
            assert shot.exists()
        context.close()
    assert not failures, "\n".join(f"{p}: {probs}" for p, probs in failures.items())
    workshop_page = (site / "book" / "workshop.html").read_text()
    for path in decks:
        assert f'href="../{path}"' in workshop_page, f"the workshop page does not link {path}"


def test_the_deck_audit_catches_broken_decks(browser, tmp_path):
    from slides import MATHJAX_NPM, REVEAL_NPM

    (tmp_path / "broken.html").write_text(BROKEN_DECK)
    shutil.copytree(REVEAL_NPM / "dist", tmp_path / "reveal.js" / "dist")
    shutil.copytree(MATHJAX_NPM, tmp_path / "mathjax")
    (tmp_path / "raw.html").write_text(RAW_MATH_DECK.format(wide="x" * 400))
    with serve(tmp_path) as base:
        page = browser.new_page()
        broken = "\n".join(audit_deck(page, base, "broken.html"))
        raw = "\n".join(audit_deck(page, base, "raw.html"))
        page.close()
    assert "request to another host: https://cdn.example.invalid/reveal.js" in broken
    assert "the deck has no slides" in broken
    assert "slide 1: math not rendered: The posterior is $" in raw
    assert "slide 2: pre scrolls sideways" in raw
    assert "slide 3: a plotting cell's code with no figure" in raw
