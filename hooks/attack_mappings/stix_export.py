"""STIX 2.1 bundles of mapping sets, with identifiers that stay the same from build to build.

Each control becomes a ``course-of-action`` (or the STIX type its framework names in
``sources.yaml`` as ``stix_type``, such as ``vulnerability`` for CVEs); each mapping row
a relationship to the ATT&CK ``attack-pattern`` of its technique, by the identifier of
the set's own ATT&CK bundle (rows naming a technique the release lacks get none). Read
the bundle together with that ATT&CK bundle.
Identifiers are UUIDv5 of the items' identifying fields, never of their text, so an
edited comment keeps its relationship's identifier.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from typing import Any

from .attack import Release
from .errors import natural_key
from .mappings import Mapping, MappingSet
from .render import SiteInfo, is_safe_url
from .urls import control_path

# The namespace of every identifier this site makes (a UUIDv5 of the project's name).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "attack-control-mappings:stix")

# STIX object types a control may become, and the relationship a mapping type gives.
CONTROL_TYPES = frozenset(["course-of-action", "vulnerability", "tool", "infrastructure"])
MITIGATES = "mitigates"

# Used when the set's metadata gives no date it was made or updated.
NO_DATE = "1970-01-01T00:00:00.000Z"

_DATE = re.compile(r"^(?:(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2}))")


def stix_id(kind: str, *key: str | None) -> str:
    """Return a deterministic STIX identifier of a type from identifying fields."""
    # JSON text of the fields: no two different keys give the same name.
    name = json.dumps([kind, *key], ensure_ascii=False)
    return f"{kind}--{uuid.uuid5(NAMESPACE, name)}"


def stix_time(metadata: dict[str, Any]) -> str:
    """Return the set's last update (or creation) date as a STIX timestamp."""
    for key in ("last_update", "creation_date"):
        match = _DATE.match(str(metadata.get(key) or "").strip())
        if not match:
            continue
        month, day, year = match.group(1, 2, 3) if match.group(3) else match.group(5, 6, 4)
        try:
            return date(int(year), int(month), int(day)).isoformat() + "T00:00:00.000Z"
        except ValueError:
            continue
    return NO_DATE


class BundleWriter:
    """Writes the STIX 2.1 bundle of one mapping set."""

    def __init__(
        self, mapping_set: MappingSet, release: Release, info: dict[str, str], site: SiteInfo
    ) -> None:
        self.set = mapping_set
        self.release = release
        self.site = site
        self.source_name = info.get("stix_source") or info.get("name") or mapping_set.framework
        kind = info.get("stix_type", "course-of-action")
        self.control_type = kind if kind in CONTROL_TYPES else "course-of-action"
        self.time = stix_time(mapping_set.metadata)
        self.ids: set[str] = set()

    def _common(self, kind: str, object_id: str) -> dict[str, Any]:
        return {
            "type": kind,
            "spec_version": "2.1",
            "id": object_id,
            "created": self.time,
            "modified": self.time,
        }

    def _control(self, row: Mapping) -> dict[str, Any]:
        key = (self.set.framework, self.set.framework_version, row.control_id)
        obj = self._common(self.control_type, stix_id(self.control_type, *key))
        obj["name"] = (
            row.control_id
            if self.control_type == "vulnerability"
            else (row.control_name or row.control_id)
        )
        if row.control_name and obj["name"] != row.control_name:
            obj["description"] = row.control_name
        reference = {"source_name": self.source_name, "external_id": row.control_id}
        if self.site.url:
            page = control_path(self.set.framework, row.control_id, self.set.framework_version)
            reference["url"] = self.site.url_of(page)
        obj["external_references"] = [reference]
        obj["x_mappings_framework"] = self.set.framework
        obj["x_mappings_framework_version"] = self.set.framework_version
        if row.group_id:
            obj["x_mappings_capability_group"] = row.group_id
        return obj

    def _relationship(self, row: Mapping, control_id: str, target: str) -> dict[str, Any]:
        key = (
            self.set.framework,
            self.set.framework_version,
            row.control_id,
            row.technique_id,
            row.mapping_type,
            row.attributes.get("score_category"),
        )
        object_id, n = stix_id("relationship", *key), 1
        while object_id in self.ids:  # rows that share every identifying field
            n += 1
            object_id = stix_id("relationship", *key, str(n))
        self.ids.add(object_id)
        obj = self._common("relationship", object_id)
        is_mitigation = row.mapping_type == MITIGATES and self.control_type == "course-of-action"
        obj["relationship_type"] = MITIGATES if is_mitigation else "related-to"
        obj["source_ref"] = control_id
        obj["target_ref"] = target
        if row.comments:
            obj["description"] = row.comments
        if row.references:
            source = f"{self.set.name} row {row.row}"
            obj["external_references"] = [
                {"source_name": source, "url": ref}
                if is_safe_url(ref)
                else {"source_name": source, "description": ref}
                for ref in row.references
            ]
        obj["x_mappings_mapping_type"] = row.mapping_type or ""
        obj["x_mappings_technique_id"] = row.technique_id
        for name, value in sorted(row.attributes.items()):
            if re.fullmatch(r"[a-z0-9_]{1,200}", name):
                obj[f"x_mappings_{name}"] = value
        return obj

    def bundle(self) -> dict[str, Any]:
        """Return the bundle as a JSON-ready dictionary."""
        controls: dict[str, dict[str, Any]] = {}
        relationships = []
        for row in self.set.shown:
            if not row.control_id:
                continue
            if row.control_id not in controls:
                controls[row.control_id] = self._control(row)
            technique = self.release.techniques.get(row.technique_id or "")
            if row.mappable and technique is not None:
                source = controls[row.control_id]["id"]
                relationships.append(self._relationship(row, source, technique.stix_id))
        objects = [controls[key] for key in sorted(controls, key=natural_key)]
        return {
            "type": "bundle",
            "id": stix_id("bundle", self.set.name),
            "objects": objects + relationships,
        }
