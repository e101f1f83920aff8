"""Every download of the site: each mapping set in six formats, and the tables of pages.

Files are written from the same model and rows as the pages. Per-page tables are
written for version-free pages only: a technique's mappings, a control's techniques.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from . import urls
from .errors import natural_key
from .exports import (
    csv_bytes,
    json_bytes,
    mixed_columns,
    record,
    set_csv,
    set_json,
    set_xlsx,
    set_yaml,
)
from .mappings import Mapping, MappingSet
from .model import Catalog, Control, FrameworkVersion
from .navigator import LayerWriter
from .render import FileOut, Renderer
from .stix_export import BundleWriter


class Downloads:
    """Builds the downloadable files of the site."""

    def __init__(self, catalog: Catalog, renderer: Renderer) -> None:
        self.catalog = catalog
        self.addr = renderer.addresses
        self.site = renderer.site
        self.set_versions = {s: v for v in catalog.framework_versions() for s in v.sets}
        self.writers: dict[str, Callable[[MappingSet], bytes]] = {
            "csv": set_csv,
            "json": set_json,
            "yaml": set_yaml,
            "xlsx": set_xlsx,
            "navigator": self.navigator_layer,
            "stix": self.stix_bundle,
        }

    def navigator_layer(self, mapping_set: MappingSet) -> bytes:
        release = self.catalog.releases[(mapping_set.domain, mapping_set.attack_version)]
        writer = LayerWriter(mapping_set, release, self.site, self.set_versions[mapping_set].label)
        return json_bytes(writer.layer(self.catalog.sources.score_values))

    def stix_bundle(self, mapping_set: MappingSet) -> bytes:
        release = self.catalog.releases[(mapping_set.domain, mapping_set.attack_version)]
        info = self.catalog.sources.framework(mapping_set.framework)
        return json_bytes(BundleWriter(mapping_set, release, info, self.site).bundle())

    def set_files(self) -> Iterator[FileOut]:
        for version in self.catalog.framework_versions():
            for mapping_set in version.sets:
                for kind in urls.SET_DOWNLOADS:
                    name = urls.set_download_name(mapping_set.name, kind)
                    path = self.addr.download(version, name)
                    yield FileOut(path, self.writers[kind](mapping_set))

    def _table(self, page: str, about: dict[str, Any], rows: list[Mapping]) -> Iterator[FileOut]:
        """Write a page's table as CSV and as JSON (``about`` says what the page is)."""
        columns = mixed_columns(rows)
        records = [record(row, columns, with_set=True) for row in rows]
        yield FileOut(urls.table_path(page, "csv"), csv_bytes(columns, records))
        document = {**about, "page": self.site.url_of(page), "mappings": records}
        yield FileOut(urls.table_path(page, "json"), json_bytes(document))

    def _technique_order(self, row: Mapping) -> tuple:
        """Order rows as a technique page does: framework, newest version first, control."""
        version = self.set_versions[row.set]
        return (
            version.framework.name.lower(),
            -version.framework.versions.index(version),
            version.sets.index(row.set),
            natural_key(row.control_id or ""),
        )

    def technique_tables(self) -> Iterator[FileOut]:
        for technique_id, rows in self.catalog.by_technique.items():
            if not rows or not self.addr.has_technique(technique_id):
                continue
            technique = self.catalog.newest(technique_id)
            about = {"technique": {"id": technique.id, "name": technique.name}}
            ordered = sorted(rows, key=self._technique_order)
            yield from self._table(self.addr.technique(technique_id), about, ordered)

    def _control_about(self, control: Control, version: FrameworkVersion) -> dict[str, Any]:
        return {
            "control": {
                "id": control.id,
                "name": control.name,
                "group": control.group_id,
                "framework": version.framework.id,
                "framework_version": version.version,
            }
        }

    def control_tables(self) -> Iterator[FileOut]:
        for version in self.catalog.framework_versions():
            for control in version.controls.values():
                if not control.mappings or self.addr.control_table(control, "csv") is None:
                    continue
                rows = sorted(
                    control.mappings,
                    key=lambda m: (natural_key(m.technique_id or ""), m.mapping_type or ""),
                )
                # The page shows one table per set, in the order the sets first appear.
                sets = list(dict.fromkeys(row.set for row in rows))
                rows.sort(key=lambda row: sets.index(row.set))
                about = self._control_about(control, version)
                yield from self._table(self.addr.control(control), about, rows)

    def all(self) -> Iterator[FileOut]:
        yield from self.set_files()
        yield from self.technique_tables()
        yield from self.control_tables()
