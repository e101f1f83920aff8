"""Page addresses: the URL contract of the site.

Every address is a pure function of identifiers found in the data (a technique ID, a
framework ID and version, a control ID), never of what else the data holds, so an
address does not move when data is added. ``docs/about/urls.md`` states the contract
for readers; ``tests/test_urls.py`` locks it.

Each item that exists in several versions (a technique in several ATT&CK releases, a
control in several versions of its framework) has two kinds of address:

- the version-free address, which shows the newest version that has the item;
- a version-pinned address per version. For the newest version it redirects to the
  version-free address; for older versions it is a page of its own.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import quote

# Characters kept as they are in a path segment. Everything else is replaced.
_UNSAFE = re.compile(r"[^A-Za-z0-9._&-]+")

# Names Windows refuses as file names, with or without an extension.
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)

# Longest readable part kept before the hash suffix takes over.
_MAX_READABLE = 80

# Path segments the site uses itself; a framework or release version may not be one.
RESERVED_SEGMENTS = frozenset(
    ["controls", "groups", "techniques", "tactics", "downloads", "index", "coverage"]
    + ["changes.html"]
)


@lru_cache(maxsize=65536)
def id_slug(identifier: str) -> str:
    """Return the file-name segment for an ID: readable, safe, and distinct per ID.

    An ID made only of upper-case letters, digits and ``. _ & -`` is used as it is
    (``IAM-08``, ``A&A-01``, ``T1550.001``, ``CVE-2021-44228``). Any other ID gets a
    readable form plus ``~`` and eight hex digits of its SHA-256, so that IDs which
    differ only in letter case, or only in characters that were replaced, never share
    a path, even on disks that fold case. ``~`` never appears in a kept ID.
    """
    readable = _UNSAFE.sub("-", identifier).strip("-.")
    if len(readable) > _MAX_READABLE:
        readable = readable[:_MAX_READABLE].rstrip("-.")
    kept = (
        readable == identifier
        and not any(ch.islower() for ch in identifier)
        and not _refused(readable)
        # techniques/ and tactics/ hold an index.html, which INDEX.html is on some disks.
        and readable.upper() != "INDEX"
    )
    if kept and readable:
        return readable
    return _hashed(readable or "id", identifier)


def _hashed(readable: str, text: str) -> str:
    """Return ``readable~`` plus eight hex digits of the text's SHA-256."""
    if readable.split(".")[0].upper() in _WINDOWS_RESERVED:
        readable = "_" + readable  # Windows refuses con.txt~12345678 as it does CON.
    return f"{readable}~{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"


def _refused(segment: str) -> bool:
    """Whether a disk or the site itself would refuse a folder or file of this name.

    Windows refuses ``CON``, ``NUL`` and the like, with or without an extension; a
    folder named ``index.html`` would stand where the site writes a page.
    """
    return segment.split(".")[0].upper() in _WINDOWS_RESERVED or segment.lower().endswith(".html")


@lru_cache(maxsize=1024)
def name_slug(name: str) -> str:
    """Return the path segment for a framework or domain name: lower case, safe characters."""
    slug = _UNSAFE.sub("-", name.strip().lower()).strip("-.")
    if not slug or _refused(slug):
        return _hashed(slug or "x", name)
    return slug


@lru_cache(maxsize=1024)
def version_slug(version: str) -> str:
    """Return the path segment for a version: ``12/12/2024`` becomes ``12-12-2024``."""
    slug = _UNSAFE.sub("-", version.strip()).strip("-.")
    if not slug or slug.lower() in RESERVED_SEGMENTS or _refused(slug):
        slug = _hashed(slug or "v", version)
    return slug


# Version-free addresses, by kind of page. ``{pinned}`` is the version segment(s).
TECHNIQUE = "techniques/{id}.html"
TECHNIQUE_PINNED = "attack/{domain}/{release}/techniques/{id}.html"
TACTIC = "tactics/{id}.html"
TACTIC_PINNED = "attack/{domain}/{release}/tactics/{id}.html"
MATRIX = "attack/{domain}/index.html"
MATRIX_PINNED = "attack/{domain}/{release}/index.html"
FRAMEWORK = "frameworks/{framework}/index.html"
FRAMEWORK_PINNED = "frameworks/{framework}/{version}/index.html"
CONTROL = "frameworks/{framework}/controls/{id}.html"
CONTROL_PINNED = "frameworks/{framework}/{version}/controls/{id}.html"
GROUP = "frameworks/{framework}/groups/{id}.html"
GROUP_PINNED = "frameworks/{framework}/{version}/groups/{id}.html"
QUALITY = "frameworks/{framework}/data-quality.html"
QUALITY_PINNED = "frameworks/{framework}/{version}/data-quality.html"
COVERAGE = "frameworks/{framework}/coverage.html"
COVERAGE_PINNED = "frameworks/{framework}/{version}/coverage.html"
DOWNLOAD = "frameworks/{framework}/{version}/downloads/{name}"
CHANGES = "frameworks/{framework}/changes.html"
CHANGES_PINNED = "frameworks/{framework}/{version}/changes.html"

# The downloads of each mapping set, by format: label, and file name from the set's
# file name (``{stem}``, made safe by ``file_slug``).
SET_DOWNLOADS = {
    "csv": ("CSV", "{stem}.csv"),
    "json": ("JSON", "{stem}.json"),
    "yaml": ("YAML", "{stem}.yaml"),
    "xlsx": ("Excel", "{stem}.xlsx"),
    "navigator": ("ATT&CK Navigator layer", "{stem}-navigator-layer.json"),
    "stix": ("STIX 2.1 bundle", "{stem}-stix-bundle.json"),
}

# Formats of the table of a page, written beside the page: ``IAM-08.html`` -> ``IAM-08.csv``.
TABLE_FORMATS = ("csv", "json")


def technique_path(technique_id: str, domain: str = "", release: str = "") -> str:
    """Return the address of a technique page, pinned to a release when one is given."""
    if release:
        return TECHNIQUE_PINNED.format(
            domain=name_slug(domain), release=version_slug(release), id=id_slug(technique_id)
        )
    return TECHNIQUE.format(id=id_slug(technique_id))


def tactic_path(tactic_id: str, domain: str = "", release: str = "") -> str:
    """Return the address of a tactic page, pinned to a release when one is given."""
    if release:
        return TACTIC_PINNED.format(
            domain=name_slug(domain), release=version_slug(release), id=id_slug(tactic_id)
        )
    return TACTIC.format(id=id_slug(tactic_id))


def matrix_path(domain: str, release: str = "") -> str:
    """Return the address of a domain's release page (its matrix)."""
    if release:
        return MATRIX_PINNED.format(domain=name_slug(domain), release=version_slug(release))
    return MATRIX.format(domain=name_slug(domain))


def framework_path(framework: str, version: str = "") -> str:
    """Return the address of a framework page, pinned to a version when one is given."""
    if version:
        return FRAMEWORK_PINNED.format(
            framework=name_slug(framework), version=version_slug(version)
        )
    return FRAMEWORK.format(framework=name_slug(framework))


def control_path(framework: str, control_id: str, version: str = "") -> str:
    """Return the address of a control page, pinned to a framework version when one is given."""
    if version:
        return CONTROL_PINNED.format(
            framework=name_slug(framework), version=version_slug(version), id=id_slug(control_id)
        )
    return CONTROL.format(framework=name_slug(framework), id=id_slug(control_id))


def group_path(framework: str, group_id: str, version: str = "") -> str:
    """Return the address of a capability group page, pinned when a version is given."""
    if version:
        return GROUP_PINNED.format(
            framework=name_slug(framework), version=version_slug(version), id=id_slug(group_id)
        )
    return GROUP.format(framework=name_slug(framework), id=id_slug(group_id))


def quality_path(framework: str, version: str = "") -> str:
    """Return the address of a framework's data-quality page."""
    if version:
        return QUALITY_PINNED.format(framework=name_slug(framework), version=version_slug(version))
    return QUALITY.format(framework=name_slug(framework))


def coverage_path(framework: str, version: str = "") -> str:
    """Return the address of a framework version's coverage page (heatmaps, charts, gaps)."""
    if version:
        return COVERAGE_PINNED.format(framework=name_slug(framework), version=version_slug(version))
    return COVERAGE.format(framework=name_slug(framework))


def coverage_anchor(domain: str, release: str) -> str:
    """Return the id of a mapping set's section on a coverage page: ``enterprise-16.1``."""
    return f"{name_slug(domain)}-{version_slug(release)}"


def download_path(framework: str, version: str, name: str) -> str:
    """Return the address of a downloadable file of a framework version."""
    return DOWNLOAD.format(framework=name_slug(framework), version=version_slug(version), name=name)


def set_download_name(stem: str, kind: str) -> str:
    """Return the file name of one download of a mapping set (``kind`` keys SET_DOWNLOADS)."""
    return SET_DOWNLOADS[kind][1].format(stem=file_slug(stem))


@lru_cache(maxsize=1024)
def file_slug(name: str) -> str:
    """Return a file name kept as it is when safe, else made safe and told apart by a hash."""
    readable = _UNSAFE.sub("-", name).strip("-.")
    if readable == name and readable.split(".")[0].upper() not in _WINDOWS_RESERVED:
        return readable
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{readable or 'file'}~{digest}"


def changes_path(framework: str, version: str = "") -> str:
    """Return the address of the "what changed" page of a framework version."""
    if version:
        return CHANGES_PINNED.format(framework=name_slug(framework), version=version_slug(version))
    return CHANGES.format(framework=name_slug(framework))


def table_path(page_path: str, fmt: str) -> str:
    """Return the address of a page's table as a download: the page's, with ``.csv`` or
    ``.json`` in place of ``.html``."""
    if fmt not in TABLE_FORMATS or not page_path.endswith(".html"):
        raise ValueError(f"no {fmt} table for {page_path}")
    return page_path[: -len(".html")] + "." + fmt


def relative_url(from_path: str, to_path: str) -> str:
    """Return the link from one page to another, as an escaped relative URL.

    Both paths are site-relative file paths (``techniques/T1001.html``). Relative links
    keep the built folder working from any web root and opened from disk.
    """
    to_path, hash_mark, anchor = to_path.partition("#")
    start = from_path.rsplit("/", 1)[0] if "/" in from_path else ""
    return _relative(start, to_path) + (hash_mark + quote(anchor, safe="") if hash_mark else "")


@lru_cache(maxsize=262144)
def _relative(start: str, to_path: str) -> str:
    here = start.split("/") if start else []
    there = to_path.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    parts = [".."] * (len(here) - common) + there[common:]
    return quote("/".join(parts))
