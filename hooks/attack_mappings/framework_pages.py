"""Pages about frameworks: each framework version, its groups, its controls, its data quality."""

from __future__ import annotations

from collections.abc import Iterator

from . import summaries
from .errors import natural_key
from .model import Catalog, Control, FrameworkVersion
from .related import RelatedControls
from .render import PageOut, Redirect, Renderer, control_row_parts, row_anchors

Output = Iterator[PageOut | Redirect]


class FrameworkPages:
    """Builds framework, group, control and data-quality pages."""

    def __init__(self, catalog: Catalog, renderer: Renderer) -> None:
        self.catalog = catalog
        self.render = renderer
        self.addr = renderer.addresses
        self.related = RelatedControls(catalog)

    def _placed(self, page: PageOut, pinned: str) -> Output:
        yield page
        if pinned != page.path:
            yield Redirect(pinned, page.path)

    def _others(self, versions: list[FrameworkVersion], shown: FrameworkVersion, path_of) -> list:
        return [(v.label, path_of(v)) for v in versions if v is not shown]

    def control_page(self, control: Control) -> PageOut:
        version = control.version
        rows = sorted(
            control.mappings,
            key=lambda m: (natural_key(m.technique_id or ""), m.mapping_type or ""),
        )
        by_set = {}
        for row in rows:
            by_set.setdefault(row.set, []).append(row)
        non_mappable_types = [
            version_type
            for s in version.sets
            for key, version_type in s.mapping_types.items()
            if key == "non_mappable"
        ]
        others = self._others(
            self.addr.control_versions(control),
            version,
            lambda v: self.addr.control(v.controls[control.id]),
        )
        page = self.render.page(
            "control.html.j2",
            self.addr.control(control),
            f"{control.id}: {control.name}" if control.name else control.id,
            control=control,
            version=version,
            by_set=by_set,
            anchors=row_anchors(rows, control_row_parts),
            non_mappable_type=non_mappable_types[0] if non_mappable_types else None,
            others=others,
            related=self.related.of(control) if control.mappings else [],
        )
        summaries.control(page, control)
        return page

    def controls(self) -> Output:
        for version in self.catalog.framework_versions():
            for control in version.controls.values():
                yield from self._placed(
                    self.control_page(control), self.addr.control_pinned(control)
                )

    def groups(self) -> Output:
        for version in self.catalog.framework_versions():
            for group in version.groups.values():
                page = self.render.page(
                    "group.html.j2",
                    self.addr.group(version, group.id),
                    f"{group.name} ({version.label})",
                    group=group,
                    version=version,
                    others=self._others(
                        self.addr.group_versions(version, group.id),
                        version,
                        lambda v, group_id=group.id: self.addr.group(v, group_id),
                    ),
                )
                summaries.group(page, group, version)
                yield from self._placed(page, self.addr.group_pinned(version, group.id))

    def _coverage(self, version: FrameworkVersion) -> list[dict]:
        """Count, per mapping set, what the set covers of its ATT&CK release."""
        rows = []
        for mapping_set in version.sets:
            release = self.catalog.releases[(mapping_set.domain, mapping_set.attack_version)]
            active = {t.id for t in release.techniques.values() if t.active}
            mapped = {
                m.technique_id
                for m in mapping_set.rows
                if m.mappable and m.technique_id in release.techniques
            }
            controls = {m.control_id for m in mapping_set.rows if m.control_id}
            mapped_controls = {m.control_id for m in mapping_set.rows if m.mappable}
            rows.append(
                {
                    "set": mapping_set,
                    "release": release,
                    "rows": len(mapping_set.rows),
                    "controls": len(controls),
                    "mapped_controls": len(mapped_controls),
                    "techniques": len(mapped & active),
                    "active": len(active),
                }
            )
        return rows

    def framework_pages(self) -> Output:
        for framework in self.catalog.frameworks.values():
            for version in framework.versions:
                page = self.render.page(
                    "framework.html.j2",
                    self.addr.framework(version),
                    version.label,
                    framework=framework,
                    version=version,
                    coverage=self._coverage(version),
                    mapped_controls=sum(1 for c in version.controls.values() if c.mappings),
                    others=self._others(framework.versions, version, self.addr.framework),
                )
                summaries.framework(page, version)
                yield from self._placed(page, self.addr.framework_pinned(version))
                page = self.render.page(
                    "quality.html.j2",
                    self.addr.quality(version),
                    f"Data quality: {version.label}",
                    version=version,
                    problems=version.problems,
                    others=self._others(framework.versions, version, self.addr.quality),
                )
                yield from self._placed(page, self.addr.quality_pinned(version))

    def all(self) -> Output:
        yield from self.framework_pages()
        yield from self.groups()
        yield from self.controls()
