"""What changed between two versions of a mapping set: rows added, removed and changed.

Rows are matched by their key: control, technique, mapping type and score category.
A matched row whose other fields differ is changed. Extra fields that repeat the set's
metadata (a row's own copy of the framework version) are not compared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .errors import natural_key
from .mappings import Mapping, MappingSet
from .model import Catalog, FrameworkVersion
from .render import PageOut, Redirect, Renderer

# The fields that identify a row across versions, as named in the mapping files.
KEY_FIELDS = ("capability_id", "attack_object_id", "mapping_type", "score_category")


@dataclass(slots=True)
class Change:
    """A row present in both versions with different values: (field, before, after)."""

    old: Mapping
    new: Mapping
    fields: list[tuple[str, str, str]]


@dataclass(slots=True)
class Comparison:
    """The differences between the rows of two sets of one domain."""

    domain: str
    old: MappingSet | None
    new: MappingSet | None
    added: list[Mapping] = field(default_factory=list)
    removed: list[Mapping] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def total(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


def row_key(row: Mapping) -> tuple:
    """Return what identifies a row across versions."""
    return (
        row.control_id,
        row.technique_id,
        row.mapping_type,
        row.attributes.get("score_category"),
    )


def row_values(row: Mapping) -> dict[str, str]:
    """Return the fields of a row compared across versions, as text."""
    values = {
        "capability_description": row.control_name,
        "capability_group": row.group_id or "",
        "attack_object_name": row.technique_name,
        "status": row.status,
        "comments": row.comments,
        "references": "\n".join(row.references),
    }
    for name, value in row.attributes.items():
        if name not in row.set.metadata and name != "score_category":
            values[name] = value
    return values


def distinct(rows: Iterable[Mapping]) -> list[Mapping]:
    """Return rows without exact duplicates, as pages show them (first one kept)."""
    first: dict[tuple, Mapping] = {}
    for row in rows:
        first.setdefault(row.identity(), row)
    return list(first.values())


def shown_rows(mapping_set: MappingSet | None) -> list[Mapping]:
    """Return the rows a set's pages show: the model's, or its distinct rows when unbuilt."""
    if mapping_set is None:
        return []
    return mapping_set.shown or distinct(mapping_set.rows)


def _sort_key(row: Mapping) -> tuple:
    return (natural_key(row.control_id or ""), natural_key(row.technique_id or ""), row.row)


def _differences(old: Mapping, new: Mapping) -> list[tuple[str, str, str]]:
    before, after = row_values(old), row_values(new)
    return [
        (name, before.get(name, ""), after.get(name, ""))
        for name in dict.fromkeys([*before, *after])
        if before.get(name, "") != after.get(name, "")
    ]


def compare_rows(
    old_rows: Iterable[Mapping], new_rows: Iterable[Mapping], domain: str = ""
) -> Comparison:
    """Compare two lists of rows; rows sharing a key are paired equal ones first."""
    result = Comparison(domain, None, None)
    old_by_key: dict[tuple, list[Mapping]] = defaultdict(list)
    new_by_key: dict[tuple, list[Mapping]] = defaultdict(list)
    for row in old_rows:
        old_by_key[row_key(row)].append(row)
    for row in new_rows:
        new_by_key[row_key(row)].append(row)
    for key in dict.fromkeys([*old_by_key, *new_by_key]):
        olds, news = list(old_by_key.get(key, ())), list(new_by_key.get(key, ()))
        for new in list(news):
            same = next((o for o in olds if row_values(o) == row_values(new)), None)
            if same is not None:
                olds.remove(same)
                news.remove(new)
                result.unchanged += 1
        for old, new in zip(olds, news, strict=False):
            result.changed.append(Change(old, new, _differences(old, new)))
        result.removed += olds[len(news) :]
        result.added += news[len(olds) :]
    result.added.sort(key=_sort_key)
    result.removed.sort(key=_sort_key)
    result.changed.sort(key=lambda change: _sort_key(change.new))
    return result


def compare_sets(old: MappingSet | None, new: MappingSet | None) -> Comparison:
    """Compare the rows two sets show (either may be missing: all rows added or removed)."""
    either = new or old
    result = compare_rows(shown_rows(old), shown_rows(new), either.domain if either else "")
    result.old, result.new = old, new
    return result


def _by_domain(version: FrameworkVersion) -> dict[str, MappingSet]:
    """Return a version's set per domain: the one made against the newest ATT&CK release."""
    found: dict[str, MappingSet] = {}
    for mapping_set in sorted(version.sets, key=lambda s: natural_key(s.attack_version)):
        found[mapping_set.domain] = mapping_set
    return found


def compare_versions(old: FrameworkVersion, new: FrameworkVersion) -> list[Comparison]:
    """Compare two versions of a framework, domain by domain."""
    before, after = _by_domain(old), _by_domain(new)
    return [
        compare_sets(before.get(domain), after.get(domain))
        for domain in dict.fromkeys([*after, *before])
    ]


class ChangePages:
    """Builds the "what changed" page of each framework version that has a previous one."""

    def __init__(self, catalog: Catalog, renderer: Renderer) -> None:
        self.catalog = catalog
        self.render = renderer
        self.addr = renderer.addresses

    def all(self) -> Iterator[PageOut | Redirect]:
        for version in self.catalog.framework_versions():
            path, previous = self.addr.changes(version), self.addr.previous(version)
            if path is None or previous is None:
                continue
            yield self.render.page(
                "changes.html.j2",
                path,
                f"What changed: {version.label}",
                search=False,
                version=version,
                previous=previous,
                comparisons=compare_versions(previous, version),
                key_fields=KEY_FIELDS,
            )
            pinned = self.addr.changes_pinned(version)
            if pinned != path:
                yield Redirect(pinned, path)
