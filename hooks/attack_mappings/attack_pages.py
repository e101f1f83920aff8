"""Pages about ATT&CK itself: techniques, tactics, and each domain's release page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from . import summaries
from .attack import Release, Technique
from .errors import natural_key
from .mappings import Mapping, MappingSet
from .matrix import build_matrix
from .model import Catalog, FrameworkVersion
from .render import PageOut, Redirect, Renderer, row_anchors, technique_row_parts
from .rollup import rollup
from .text import Citations, rich_text

Output = Iterator[PageOut | Redirect]


class AttackPages:
    """Builds technique, tactic and release pages."""

    def __init__(self, catalog: Catalog, renderer: Renderer) -> None:
        self.catalog = catalog
        self.render = renderer
        self.addr = renderer.addresses
        self._fragments: dict[tuple, str] = {}
        self.set_versions = {s: v for v in catalog.framework_versions() for s in v.sets}

    def _groups(self, rows: list[Mapping]):
        by_version: dict[FrameworkVersion, dict[MappingSet, list[Mapping]]] = defaultdict(dict)
        for row in rows:
            by_version[self.set_versions[row.set]].setdefault(row.set, []).append(row)
        ordered = sorted(
            by_version, key=lambda v: (v.framework.name.lower(), -v.framework.versions.index(v))
        )
        return [
            (
                version,
                [
                    (s, sorted(r, key=lambda m: natural_key(m.control_id or "")))
                    for s, r in by_version[version].items()
                ],
            )
            for version in ordered
        ]

    def _unmapped_sets(
        self, technique_id: str, domain: str, rows: list[Mapping]
    ) -> list[MappingSet]:
        """Return the sets of the technique's domain that map it nowhere: the gaps."""
        mapped = {r.set for r in rows} | {
            r.set for r in self.catalog.assessed.get(technique_id, ())
        }
        return [
            s
            for v in self.catalog.framework_versions()
            for s in v.sets
            if s.domain == domain and s not in mapped
        ]

    def _mappings(self, technique: Technique, domain: str) -> str:
        """Render the mapping sections of a technique once for all its releases' pages."""
        key = (technique.id, tuple(technique.subtechniques))
        if key not in self._fragments:
            rows = self.catalog.by_technique.get(technique.id, [])
            self._fragments[key] = self.render.fragment(
                "technique_mappings.html.j2",
                technique=technique,
                groups=self._groups(rows),
                rollup=rollup(technique, self.catalog, self.set_versions),
                assessed=self._groups(self.catalog.assessed.get(technique.id, [])),
                unmapped_sets=self._unmapped_sets(technique.id, domain, rows),
                anchors=row_anchors(rows, technique_row_parts),
            )
        return self._fragments[key]

    def _history(self, technique: Technique, run: list[Release]) -> dict:
        """Say which releases the page shows, where the others are, and any revocation."""
        releases = self.catalog.technique_releases[technique.id]
        active = [r for r in releases if r.techniques[technique.id].active]
        return {
            "shown": _run_label(run),
            "others": [
                (_run_label(other), self.addr.technique(technique.id, other[-1]))
                for other in self.addr.technique_runs(technique.id)
                if other is not run
            ],
            "revoked_in": next((r for r in releases if r.techniques[technique.id].revoked), None),
            "last_active": active[-1] if active and technique.revoked else None,
        }

    def technique_page(
        self, technique: Technique, release: Release, path: str, run: list[Release]
    ) -> PageOut:
        citations = Citations()
        description = rich_text(technique.description, technique.sources, citations)
        mitigations = [
            (release.mitigations[mitigation_id], rich_text(how, technique.sources, citations))
            for mitigation_id, how in technique.mitigations
            if mitigation_id in release.mitigations
        ]
        rows = self.catalog.by_technique.get(technique.id, [])
        data_versions = ", ".join(sorted({v.label for v, _ in self._groups(rows)})) or "none"
        tactics = [t for t in release.tactics if t.shortname in technique.tactics]
        page = self.render.page(
            "technique.html.j2",
            path,
            f"{technique.id}: {technique.name}",
            search=path == self.addr.technique(technique.id),
            data_versions=data_versions,
            mappings=self.render.place(self._mappings(technique, release.domain), path),
            technique=technique,
            release=release,
            description=description,
            mitigations=mitigations,
            parent=release.techniques.get(technique.parent_id or ""),
            subtechniques=[release.techniques[s] for s in technique.subtechniques],
            tactics=tactics,
            citations=citations,
            **self._history(technique, run),
        )
        summaries.technique(page, technique, release, tactics)
        return page

    def techniques(self) -> Output:
        for technique_id in self.catalog.technique_releases:
            for run in self.addr.technique_runs(technique_id):
                shown = run[-1]
                path = self.addr.technique(technique_id, shown)
                yield self.technique_page(shown.techniques[technique_id], shown, path, run)
                for release in run:
                    pinned = self.addr.technique_pinned(technique_id, release)
                    if pinned != path:
                        yield Redirect(pinned, path)

    def tactics(self) -> Output:
        for release in self.catalog.releases.values():
            for tactic in release.tactics:
                path = self.addr.tactic(tactic, release)
                citations = Citations()
                page = self.render.page(
                    "tactic.html.j2",
                    path,
                    f"{tactic.id}: {tactic.name}",
                    search=path
                    == self.addr.tactic(tactic, self.catalog.releases_of(release.domain)[-1]),
                    tactic=tactic,
                    release=release,
                    description=rich_text(tactic.description, tactic.sources, citations),
                    citations=citations,
                )
                summaries.tactic(page, tactic, release)
                yield page
                pinned = self.addr.tactic_pinned(tactic, release)
                if pinned != path:
                    yield Redirect(pinned, path)

    def releases(self) -> Output:
        for release in self.catalog.releases.values():
            path = self.addr.matrix(release)
            sets = [
                s
                for v in self.catalog.framework_versions()
                for s in v.sets
                if s.domain == release.domain and s.attack_version == release.version
            ]
            yield self.render.page(
                "release.html.j2",
                path,
                release.label,
                release=release,
                releases=self.catalog.releases_of(release.domain),
                sets=[(s, self.set_versions[s]) for s in sets],
                columns=build_matrix(release),
            )
            pinned = self.addr.matrix_pinned(release)
            if pinned != path:
                yield Redirect(pinned, path)

    def all(self) -> Output:
        yield from self.techniques()
        yield from self.tactics()
        yield from self.releases()


def _run_label(run: list[Release]) -> str:
    """Name the releases of a run: ``ATT&CK Enterprise 16.1`` or ``... 16.1 and 17.1``."""
    versions = [r.version for r in run]
    if len(versions) == 1:
        return run[0].label
    return f"{run[0].label.rsplit(' ', 1)[0]} {', '.join(versions[:-1])} and {versions[-1]}"
