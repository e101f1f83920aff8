"""Reading a built site as a reader's browser would: pages, their text and their links."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key) and not (tag == "link" and attrs.get("rel") == "canonical"):
                self.links.append(attrs[key])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def text_of(path: Path) -> str:
    """The visible text of a page, whitespace folded."""
    return re.sub(r"\s+", " ", " ".join(parse(path).text))


def broken_links(site: Path) -> list[str]:
    """Every internal link of every page that leads nowhere (file or anchor)."""
    pages = {p: parse(p) for p in site.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        if page.name == "404.html" and page.parent == site:
            continue  # served at any address by web servers, so its links are absolute
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//") or link.startswith("mailto:"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif (
                parts.fragment
                and target in pages
                and unquote(parts.fragment) not in pages[target].ids
            ):
                broken.append(f"{page.relative_to(site)} -> {link} (no such anchor)")
    return broken


def outside_requests(site: Path) -> list[str]:
    """Resources (scripts, styles, images, fonts) a page would load from another host."""
    found = []
    pattern = re.compile(
        r"<(script|link|img|iframe|source)\b[^>]*\b(src|href)=\"(https?:)?//", re.I
    )
    for page in site.rglob("*.html"):
        for match in pattern.finditer(page.read_text(encoding="utf-8")):
            tag = match.group(0)
            if match.group(1).lower() == "link" and not re.search(
                r'rel="(stylesheet|preload|icon|manifest|modulepreload)"', tag
            ):
                continue
            found.append(f"{page.relative_to(site)}: {tag}")
    return found
