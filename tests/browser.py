"""Driving Debian's Chromium over a built site: a local server, a guarded page, axe-core.

Every request a page makes goes through ``Visit.route``: one to the site (127.0.0.1 on
the test's own port, or a file:// path) goes on, any other is blocked and recorded, and
the test fails on it. Console errors and uncaught exceptions are recorded too.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"

# Chromium as root, headless, with nothing of its own going out to the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--metrics-recording-only",
]

# What axe-core checks: WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def needs_chromium() -> None:
    """Skip when Debian's chromium or the npm packages the tests use are missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    if not AXE.exists():
        pytest.skip(f"{AXE} not found: run `npm ci` (make setup)")


@contextmanager
def launch() -> Iterator[object]:
    """Start Debian's Chromium under Playwright (never a browser Playwright downloads)."""
    needs_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def unzipped(site: Path, target: Path, name: str = "downloads/site.zip") -> str:
    """Unpack the site's own zip into ``target`` as a reader would; return its file:// URL."""
    with zipfile.ZipFile(site / name) as archive:
        archive.extractall(target)
    (folder,) = target.iterdir()
    return folder.as_uri() + "/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 at a free port; yield its base URL, stop after."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def is_site_request(url: str, base: str) -> bool:
    """Whether a request stays on the site: same host and port, or a local file."""
    parts, site = urlsplit(url), urlsplit(base)
    if parts.scheme in ("data", "blob", "about"):
        return True
    if site.scheme == "file":
        return parts.scheme == "file"
    return parts.scheme == site.scheme and parts.netloc == site.netloc


@dataclass
class Visit:
    """A browser context on one copy of the site, recording what should never happen."""

    context: object
    base: str
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    watched: list = field(default_factory=list)

    def route(self, route) -> None:
        url = route.request.url
        if is_site_request(url, self.base):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def watch(self, page) -> None:
        """Record the console errors and uncaught exceptions of a page (once per page)."""
        if page in self.watched:
            return
        self.watched.append(page)
        page.on(
            "console",
            lambda msg: (
                self.errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def open(self, path: str, **options):
        """Open a page of the site by its site-relative address."""
        page = self.context.new_page(**options)
        self.watch(page)
        page.goto(self.base + path)
        return page

    def check(self) -> None:
        assert self.outside == [], "requests left the site"
        assert self.errors == [], "the console showed errors"


@contextmanager
def visit(browser, base: str, **options) -> Iterator[Visit]:
    """Open a fresh context on the site at ``base``; fail on outside requests and errors."""
    context = browser.new_context(**options)
    session = Visit(context, base)
    context.route("**/*", session.route)
    context.on("page", session.watch)
    try:
        yield session
    finally:
        context.close()
    session.check()


def search(page, query: str) -> list[str]:
    """Type ``query`` into the search box; return the result addresses, best first."""
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.keyboard.press("/")
    # The theme searches on key-up: each value is set whole, then a key is let go.
    box.fill("")
    box.press("End")
    items = page.locator(".md-search-result__list > li")
    items.first.wait_for(state="detached")
    box.fill(query)
    box.press("End")
    items.first.wait_for(timeout=20_000)
    links = page.locator(".md-search-result__list > li > a.md-search-result__link")
    return [href.split("?")[0] for href in links.evaluate_all("els => els.map(e => e.href)")]


def axe_violations(page) -> list[str]:
    """Run axe-core's WCAG 2.2 A and AA rules on the page; return what it finds."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot to test-artifacts/ and print where it went."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path
