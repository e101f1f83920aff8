"""Turn text from data files into safe HTML.

ATT&CK descriptions are written in a small Markdown dialect with ``(Citation: Name)``
markers. They are escaped first, so no markup from the data survives, and only then
given paragraphs, lists, code spans, emphasis, ``https`` links and numbered citations.
Comments and names from mapping files are escaped and nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .attack import Source

_CITATION = re.compile(r"\s*\(Citation:\s*([^)]*?)\s*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_CODE = re.compile(r"`([^`\n]+)`|&lt;code&gt;(.*?)&lt;/code&gt;")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])[*_](?=\S)([^*_\n]+?)(?<=\S)[*_](?![\w*])")
_BULLET = re.compile(r"^\s*[*-]\s+")
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


@dataclass
class Citations:
    """The numbered sources one page cites, in order of first use."""

    prefix: str = "ref"
    entries: list[Source] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)

    def number(self, source: Source) -> int:
        if source.name not in self.numbers:
            self.entries.append(source)
            self.numbers[source.name] = len(self.entries)
        return self.numbers[source.name]

    def anchor(self, number: int) -> str:
        return f"{self.prefix}-{number}"


def _cite(names: str, sources: dict[str, Source], citations: Citations) -> str:
    """Render one citation marker as superscript numbers linking to the list of sources."""
    marks = []
    for name in (n.strip() for n in names.split(";")):
        source = sources.get(name) or Source(name, "", "")
        number = citations.number(source)
        marks.append(f'<a href="#{citations.anchor(number)}" title="{escape(name)}">{number}</a>')
    return f'<sup class="citation">[{", ".join(marks)}]</sup>'


def _inline(text: str, sources: dict[str, Source], citations: Citations) -> str:
    """Render the inline syntax of already-escaped text."""
    stash: list[str] = []

    def keep(html: str) -> str:
        stash.append(html)
        return f"\x00{len(stash) - 1}\x00"

    text = _CODE.sub(lambda m: keep(f"<code>{m[1] or m[2]}</code>"), text)
    text = _CITATION.sub(
        lambda m: keep(_cite(str(Markup(m[1]).unescape()), sources, citations)), text
    )
    text = _LINK.sub(lambda m: keep(f'<a href="{m[2]}">{m[1]}</a>'), text)
    text = _STRONG.sub(r"<strong>\1</strong>", text)
    text = _EMPHASIS.sub(r"<em>\1</em>", text)
    while _PLACEHOLDER.search(text):
        text = _PLACEHOLDER.sub(lambda m: stash[int(m[1])], text)
    return text


def rich_text(text: str, sources: dict[str, Source], citations: Citations) -> Markup:
    """Render an ATT&CK description: escaped, with paragraphs, lists and citations."""
    blocks = []
    for block in re.split(r"\n\s*\n", str(escape(text.strip()))):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            items = "".join(
                f"<li>{_inline(_BULLET.sub('', line), sources, citations)}</li>" for line in lines
            )
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append(f"<p>{_inline(' '.join(lines), sources, citations)}</p>")
    return Markup("\n".join(blocks))


def plain_text(text: str) -> Markup:
    """Render a comment or name from a mapping file: escaped, paragraphs kept, nothing else."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return Markup("".join(f"<p>{escape(p)}</p>" for p in paragraphs))


def strip_citations(text: str) -> str:
    """Return a description without citation markers (for summaries and exports)."""
    return _CITATION.sub("", text)
