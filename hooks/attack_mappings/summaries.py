"""What the search index holds for a generated page: a line of plain text and its IDs.

The index gets a summary, not the page body, so that the full-data index stays small
(a browser loads all of it before the first search). The IDs go in as tags: the
theme's search indexes tags as whole strings with a high boost, so searching an ID
such as ``T1550.001`` or ``A&A-01`` puts its page first.
"""

from __future__ import annotations

import re

from .attack import Release, Tactic, Technique
from .model import Control, FrameworkVersion, Group
from .render import PageOut
from .text import strip_citations

# Longest first sentence kept, in characters; longer ones are cut at a word.
FIRST_SENTENCE = 200

# Search boosts: short names first among equals; revoked and deprecated techniques
# after the active ones that match as well.
NAME_BOOST = 0.1
RETIRED = 0.5

# IDs that are codes (upper-case letters, digits and ". & -": T1550.001, A&A-01,
# CVE-2021-44228) go into the index as tags. Other IDs are words ("access_ctrl",
# "action.hacking.vector.Web application"): as tags they would outrank pages whose
# names hold those words, so they are found through the title only.
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9.&-]*$")

_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\s]+\)")
_MARKUP = re.compile(r"</?code>|`|\*\*|(?<!\w)[*_]|[*_](?!\w)")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z(])")


def first_sentence(text: str, limit: int = FIRST_SENTENCE) -> str:
    """Return the first sentence of an ATT&CK description as plain text."""
    text = _MARKUP.sub("", _LINK.sub(r"\1", strip_citations(text)))
    text = " ".join(text.split())
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def codes(*ids: str) -> tuple[str, ...]:
    """Return the IDs that are codes, to be indexed whole."""
    return tuple(i for i in ids if _CODE.match(i))


def _join(*parts: str) -> str:
    """Join parts into sentences, each ending in one full stop (or an ellipsis)."""
    return " ".join(p if p.endswith(("…", ".", "?", "!")) else p + "." for p in parts if p)


def technique(page: PageOut, item: Technique, release: Release, tactics: list[Tactic]) -> None:
    """Summarise a technique page: kind, parent, tactics, first sentence."""
    parent = release.techniques.get(item.parent_id or "")
    kind = "Sub-technique" if item.is_subtechnique else "Technique"
    if parent:
        kind += f" of {parent.name}"
    if item.revoked or item.deprecated:
        kind += ", revoked" if item.revoked else ", deprecated"
    names = ", ".join(t.name for t in tactics)
    page.description = _join(
        f"{kind} in {release.label}",
        f"Tactics: {names}" if names else "",
        first_sentence(item.description),
    )
    # A search for "T1550" matches "T1550.001" too (search matches the start of words):
    # a technique's ID is listed twice, which ranks it above its sub-techniques.
    page.ids = codes(item.id) if item.is_subtechnique else codes(item.id, item.id)
    page.boost = round(name_boost(item.name) * (1.0 if item.active else RETIRED), 3)


def name_boost(name: str) -> float:
    """Rank short names a little higher among pages that match a search equally.

    Search ranks by the words a page shares with the query, never by words it has
    beyond them, so "Steal Application Access Token" would tie with "Application
    Access Token" for that search; this small boost puts the exact name first.
    """
    return round(1 + NAME_BOOST / max(1, len(name.split())), 3)


def tactic(page: PageOut, item: Tactic, release: Release) -> None:
    """Summarise a tactic page."""
    page.description = _join(f"Tactic of {release.label}", first_sentence(item.description))
    page.ids = codes(item.id)
    page.boost = name_boost(item.name)


def control(page: PageOut, item: Control) -> None:
    """Summarise a control page: framework, group, how many techniques it maps."""
    group = item.group
    count = len(item.techniques)
    mapped = f"Maps {count} technique{'s' if count != 1 else ''}" if count else "Maps none"
    page.description = _join(
        f"Control of {item.version.label}",
        f"Group: {group.name}" if group else "",
        mapped,
    )
    page.ids = codes(item.id)
    page.boost = name_boost(item.name)


def group(page: PageOut, item: Group, version: FrameworkVersion) -> None:
    """Summarise a capability group page."""
    count = len(item.controls)
    page.description = _join(
        f"Capability group of {version.label}", f"{count} control{'s' if count != 1 else ''}"
    )
    page.ids = codes(item.id)
    page.boost = name_boost(item.name)


def framework(page: PageOut, version: FrameworkVersion) -> None:
    """Summarise a framework version page."""
    page.description = _join(
        f"Framework {version.label}",
        f"{len(version.controls)} controls mapped to ATT&CK",
        first_sentence(str(version.framework.info.get("description") or "")),
    )
