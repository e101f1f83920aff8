"""Render page bodies from Jinja templates: HTML, escaped, with a table of contents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape as html_unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from . import urls
from .addresses import Addresses
from .attack import domain_label
from .text import plain_text

TEMPLATES = Path(__file__).with_name("templates")

_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
# Control characters and lone surrogates (a JSON "\\ud800" decodes to one).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_TAG = re.compile(r"<[^>]+>")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.I)


@dataclass(slots=True)
class PageOut:
    """A generated page: where it goes, its title as text, and its body as HTML."""

    path: str
    title: str
    html: str
    toc: list[tuple[int, str, str]] = field(default_factory=list)
    search: bool = True
    description: str = ""
    ids: tuple[str, ...] = ()
    """Identifiers a search for which should find this page first (see summaries.py)."""
    boost: float = 1.0
    """How much this page counts in search results against pages that match as well."""


@dataclass(frozen=True, slots=True)
class Redirect:
    """An address that sends the reader on to a page."""

    path: str
    target: str


@dataclass(slots=True)
class FileOut:
    """A generated download."""

    path: str
    content: bytes


def is_safe_url(value: object) -> bool:
    """Whether a URL from the data may become a link: ``http`` and ``https`` only."""
    return isinstance(value, str) and bool(_SAFE_URL.match(value))


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What pages need to know about the site as a whole."""

    name: str
    url: str = ""

    def url_of(self, path: str) -> str:
        """Return the address to cite for a page: absolute when the site URL is known."""
        if self.url:
            return self.url.rstrip("/") + "/" + quote(path)
        return quote(path)


def _humanize(name: str) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["humanize"] = _humanize
    env.filters["slug"] = urls.id_slug
    env.filters["vslug"] = urls.version_slug
    env.filters["nslug"] = urls.name_slug
    env.filters["domain"] = domain_label
    env.filters["anchor"] = anchor_text
    env.filters["plain"] = plain_text
    env.tests["safe_url"] = is_safe_url
    env.globals["notes"] = row_notes
    env.globals["extra_columns"] = extra_columns
    return env


class Renderer:
    """Renders every page of the site with one shared template environment."""

    def __init__(self, addresses: Addresses, site: SiteInfo) -> None:
        self.addresses = addresses
        self.site = site

    def page(
        self, template: str, path: str, title: str, *, search: bool = True, **context: Any
    ) -> PageOut:
        """Render one page body; links in it are made relative to ``path``."""

        def link(target: str) -> str:
            return urls.relative_url(path, target)

        html = ENV.get_template(template).render(
            link=link,
            addr=self.addresses,
            catalog=self.addresses.catalog,
            site=self.site,
            title=title,
            here=path,
            **context,
        )
        # Control characters in the data (a NUL, a bell) are not text a page can hold:
        # shown as the replacement character, as a browser would.
        if _CONTROL.search(html) or _CONTROL.search(title):
            html, title = _CONTROL.sub("\ufffd", html), _CONTROL.sub("\ufffd", title)
        # The table of contents holds the headings' text, not their HTML.
        toc = [
            (int(level), anchor, html_unescape(_TAG.sub("", text)).strip())
            for level, anchor, text in _HEADING.findall(html)
        ]
        return PageOut(path, title, html, toc, search)

    def fragment(self, template: str, **context: Any) -> str:
        """Render a part shared by several pages; ``place`` fits it into one of them."""
        html = ENV.get_template(template).render(
            link=lambda target: _ROOT + urls.relative_url("", target),
            addr=self.addresses,
            catalog=self.addresses.catalog,
            site=self.site,
            **context,
        )
        return html

    @staticmethod
    def place(fragment: str, path: str) -> Markup:
        """Make a fragment's links relative to the page at ``path``."""
        return Markup(fragment.replace(_ROOT, "../" * path.count("/")))


# Stands for the way from a page up to the site root in fragments shared by pages.
_ROOT = "\x00root\x00"


def redirect_html(path: str, target: str) -> str:
    """Return a page that forwards to ``target``; it works from disk and any web root."""
    href = escape(urls.relative_url(path, target))
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<title>Redirecting</title><link rel="canonical" href="{href}">'
        f'<meta http-equiv="refresh" content="0; url={href}">'
        '<meta name="robots" content="noindex"></head>'
        f'<body><p>This page is at <a href="{href}">{href}</a>.</p></body></html>\n'
    )


_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9._&-]+")


def anchor_text(value: object) -> str:
    """Return text fit for an HTML id: characters outside ``A-Z a-z 0-9 . _ & -`` become ``-``."""
    return _ANCHOR_UNSAFE.sub("-", str(value)).strip("-")


def row_anchors(rows: list[Any], parts: Any) -> dict[Any, str]:
    """Give each row a stable HTML id from its identifying fields (``parts(row)``).

    The id does not depend on row order, so a link to one mapping survives data
    updates; the rare rows that share every identifying field get ``-2``, ``-3``.
    """
    anchors: dict[Any, str] = {}
    used: set[str] = set()
    for row in rows:
        base = "-".join(anchor_text(p) for p in parts(row) if p)
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        anchors[row] = anchor
    return anchors


def technique_row_parts(row: Any) -> tuple:
    """Identify a row on a technique page: framework, version, control, type, category."""
    return (
        "map",
        row.set.framework,
        row.set.framework_version,
        row.control_id,
        row.mapping_type,
        row.attributes.get("score_category"),
    )


def control_row_parts(row: Any) -> tuple:
    """Identify a row on a control page: technique, type, category."""
    return (row.technique_id, row.mapping_type, row.attributes.get("score_category"))


def row_notes(row: Any) -> Markup:
    """Render a mapping row's comments, references and data notes as one cell."""
    parts = []
    if row.comments:
        parts.append(f'<div class="mx-comments">{plain_text(row.comments)}</div>')
    if row.references:
        items = "".join(
            f'<li><a href="{escape(ref)}">{escape(ref)}</a></li>'
            if is_safe_url(ref)
            else f"<li>{escape(ref)}</li>"
            for ref in row.references
        )
        parts.append(f'<ul class="mx-references">{items}</ul>')
    for flag in row.flags:
        parts.append(
            f'<p class="mx-flag"><span class="mx-flag__label">Data note:</span> {escape(flag)}</p>'
        )
    return Markup("".join(parts))


def extra_columns(mapping_set: Any) -> list[str]:
    """Return the set's row fields shown as extra columns (those not repeating metadata)."""
    return [name for name in mapping_set.extra_fields if name not in mapping_set.metadata]


ENV = _environment()
