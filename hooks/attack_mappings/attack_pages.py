"""Pages about ATT&CK itself: techniques, tactics, and each domain's release page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from . import summaries
from .attack import Release, Technique
from .errors import natural_key
from .mappings import Mapping, MappingSet
from .model import Catalog, FrameworkVersion
from .render import (
    PageOut,
    Redirect,
    Renderer,
    row_anchors,
    sub_row_parts,
    technique_row_parts,
)
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
            sub_rows = [
                row
                for sub in technique.subtechniques
                for row in self.catalog.by_technique.get(sub, [])
            ]
            self._fragments[key] = self.render.fragment(
                "technique_mappings.html.j2",
                technique=technique,
                groups=self._groups(rows),
                sub_groups=self._groups(sub_rows),
                assessed=self._groups(self.catalog.assessed.get(technique.id, [])),
                unmapped_sets=self._unmapped_sets(technique.id, domain, rows),
                anchors=row_anchors(rows, technique_row_parts),
                sub_anchors=row_anchors(sub_rows, sub_row_parts),
            )
        return self._fragments[key]

    def technique_page(self, technique: Technique, release: Release, path: str) -> PageOut:
        citations = Citations()
        description = rich_text(technique.description, technique.sources, citations)
        mitigations = []
        for mitigation_id, how in technique.mitigations:
            mitigation = release.mitigations.get(mitigation_id)
            if mitigation:
                mitigations.append((mitigation, rich_text(how, technique.sources, citations)))
        rows = self.catalog.by_technique.get(technique.id, [])
        subtechniques = [release.techniques[s] for s in technique.subtechniques]
        releases = self.catalog.technique_releases[technique.id]
        revoked_in = next((r for r in releases if r.techniques[technique.id].revoked), None)
        active = [r for r in releases if r.techniques[technique.id].active]
        others = [
            (f"{r.label}", self.addr.technique(technique.id, r))
            for r in releases
            if r is not release
        ]
        data_versions = ", ".join(sorted({f"{v.label}" for v, _ in self._groups(rows)})) or "none"
        tactics = [t for t in release.tactics if t.shortname in technique.tactics]
        page = self.render.page(
            "technique.html.j2",
            path,
            f"{technique.id}: {technique.name}",
            search=path == self.addr.technique(technique.id),
            revoked_in=revoked_in,
            last_active=active[-1] if active and technique.revoked else None,
            others=others,
            data_versions=data_versions,
            mappings=self.render.place(self._mappings(technique, release.domain), path),
            technique=technique,
            release=release,
            releases=releases,
            description=description,
            mitigations=mitigations,
            parent=release.techniques.get(technique.parent_id or ""),
            subtechniques=subtechniques,
            tactics=tactics,
            citations=citations,
        )
        summaries.technique(page, technique, release, tactics)
        return page

    def techniques(self) -> Output:
        for technique_id, releases in self.catalog.technique_releases.items():
            for release in releases:
                technique = release.techniques[technique_id]
                path = self.addr.technique(technique_id, release)
                yield self.technique_page(technique, release, path)
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
                sets=sets,
            )
            pinned = self.addr.matrix_pinned(release)
            if pinned != path:
                yield Redirect(pinned, path)

    def all(self) -> Output:
        yield from self.techniques()
        yield from self.tactics()
        yield from self.releases()
