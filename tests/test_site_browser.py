"""The built site in a real browser, and its links and anchors, all offline.

Runs after the fast book build (`make test-book`); the checks themselves are proven on
deliberately broken pages below.
"""

from __future__ import annotations

import pytest

from tests._browser import CHROMIUM_ARGS, audit_page, link_check, pages, require_chromium, serve
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
