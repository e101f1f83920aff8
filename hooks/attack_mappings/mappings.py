"""Load mapping sets: YAML files in the Mappings Explorer layout, checked against a schema."""

from __future__ import annotations

import difflib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema

from .errors import DataError, Problem
from .yamlfile import mapping_child, node_at, node_line, read_yaml

log = logging.getLogger("mkdocs.plugins.attack_mappings.mappings")

SCHEMA_PATH = Path(__file__).with_name("schema") / "mapping-set.schema.json"

# Row fields with a meaning of their own; any other field is shown as an extra column.
CORE_FIELDS = (
    "capability_id",
    "capability_description",
    "capability_group",
    "mapping_type",
    "attack_object_id",
    "attack_object_name",
    "comments",
    "references",
    "status",
)

# Status values (row field ``status``) and mapping types that mean "no technique applies".
NON_MAPPABLE = "non_mappable"


@dataclass(frozen=True, slots=True)
class MappingType:
    """A mapping type as the set's metadata defines it."""

    key: str
    name: str
    description: str


@dataclass(slots=True, eq=False)
class Mapping:
    """One row of a mapping set."""

    set: MappingSet
    row: int
    line: int | None
    control_id: str | None
    control_name: str
    group_id: str | None
    mapping_type: str | None
    technique_id: str | None
    technique_name: str
    status: str
    comments: str
    references: tuple[str, ...]
    attributes: dict[str, str]
    flags: list[str] = field(default_factory=list)

    @property
    def mappable(self) -> bool:
        """Whether the row maps a control to a technique (rather than saying none applies)."""
        return bool(
            self.technique_id
            and self.control_id
            and self.status != NON_MAPPABLE
            and self.mapping_type != NON_MAPPABLE
        )

    @property
    def type_label(self) -> str:
        return self.set.type_label(self.mapping_type)

    def identity(self) -> tuple:
        """Everything a reader sees of the row: equal identities are exact duplicates."""
        return (
            self.control_id,
            self.control_name,
            self.group_id,
            self.mapping_type,
            self.technique_id,
            self.technique_name,
            self.status,
            self.comments,
            self.references,
            tuple(sorted(self.attributes.items())),
        )


@dataclass(slots=True, eq=False)
class MappingSet:
    """One mapping file: a framework version mapped to one domain of one ATT&CK release."""

    path: Path
    framework: str
    framework_version: str
    domain: str
    attack_version: str
    metadata: dict[str, Any]
    mapping_types: dict[str, MappingType]
    groups: dict[str, str]
    rows: list[Mapping] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    extra_fields: list[str] = field(default_factory=list)
    # The rows pages and downloads show: ``rows`` less exact duplicates (set by the model).
    shown: list[Mapping] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The file name without extension: unique within a data folder."""
        return self.path.stem

    def type_label(self, key: str | None) -> str:
        """Return the reader-facing name of a mapping type."""
        if key is None:
            return "none given"
        known = self.mapping_types.get(key)
        label = known.name if known and known.name else key
        return label.replace("_", " ")

    def flag(self, mapping: Mapping | None, message: str, field_name: str | None = None) -> None:
        """Record a data-quality finding, on the row too when there is one."""
        if mapping is not None:
            mapping.flags.append(message)
        self.problems.append(
            Problem(
                self.path,
                message,
                line=mapping.line if mapping else None,
                row=mapping.row if mapping else None,
                field=field_name,
                kind="quality",
            )
        )


def _inline_refs(node: Any, defs: dict) -> Any:
    """Replace local ``$ref``s by what they point to: validation runs twice as fast."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline_refs(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    return node


@cache
def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = _schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(_inline_refs(schema, schema.get("$defs", {})))


@cache
def _valid() -> Callable[[Any], bool]:
    """Return a quick yes/no check against the schema, compiled to Python code.

    fastjsonschema stops at the first error and knows drafts up to 7, so it only says
    whether a file is valid (the schema uses no keyword newer than draft 7);
    jsonschema then finds and locates every error of an invalid file. On the nine
    reference files this takes the check from about 1.3 s to 0.1 s.
    """
    schema = _inline_refs(_schema(), _schema().get("$defs", {}))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    check = fastjsonschema.compile(schema)

    def valid(data: Any) -> bool:
        try:
            check(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return valid


def _short(message: str, limit: int = 300) -> str:
    """Shorten a message that quotes a long value, keeping its start and its verdict."""
    if len(message) <= limit:
        return message
    return f"{message[: limit // 2]} … {message[-limit // 3 :]}"


def _field_path(error: jsonschema.ValidationError) -> list[Any]:
    """Return the path to the field an error is about: a missing or unexpected key included."""
    where = list(error.absolute_path)
    instance = error.instance if isinstance(error.instance, dict) else {}
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in instance]
        return where + missing[:1]
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = [key for key in instance if key not in known]
        return where + extra[:1]
    return where


def _schema_problems(path: Path, data: Any, root: Any) -> list[Problem]:
    """Return every way the data breaks the layout, located by line, row and field."""
    if _valid()(data):
        return []
    problems = []
    for error in _validator().iter_errors(data):
        where = _field_path(error)
        row = None
        if where[:1] == ["mapping_objects"] and len(where) >= 2 and isinstance(where[1], int):
            row, field_parts = where[1] + 1, where[2:]
        else:
            field_parts = where
        field_name = ".".join(str(part) for part in field_parts) or None
        line = node_line(node_at(root, where))
        problems.append(Problem(path, _short(error.message), line, row, field_name))
    return sorted(problems, key=lambda p: (p.line or 0, p.row or 0, p.field or ""))


def _text(value: Any) -> str:
    """Return a cell as display text: strip stray whitespace, never ``None``."""
    if value is None:
        return ""
    return str(value).strip()


def _check_field_name(mapping_set: MappingSet, key: str, row: int, line: int | None) -> None:
    """Flag a field that looks like a misspelt one of the layout (``capabilty_id``)."""
    close = difflib.get_close_matches(key, CORE_FIELDS, n=1, cutoff=0.85)
    if close:
        message = (
            f"unknown field '{key}', shown as an extra column: is it '{close[0]}'? "
            "(first seen here)"
        )
        mapping_set.problems.append(Problem(mapping_set.path, message, line, row, key, "quality"))


def _row(mapping_set: MappingSet, index: int, line: int | None, raw: dict) -> Mapping:
    attributes = {}
    for key, value in raw.items():
        if key not in CORE_FIELDS and value not in (None, ""):
            attributes[key] = _text(value)
            if key not in mapping_set.extra_fields:
                mapping_set.extra_fields.append(key)
                _check_field_name(mapping_set, key, index + 1, line)
    references = tuple(_text(ref) for ref in raw.get("references") or () if _text(ref))
    return Mapping(
        set=mapping_set,
        row=index + 1,
        line=line,
        control_id=_text(raw.get("capability_id")) or None,
        control_name=_text(raw.get("capability_description")),
        group_id=_text(raw.get("capability_group")) or None,
        mapping_type=_text(raw.get("mapping_type")) or None,
        technique_id=_text(raw.get("attack_object_id")) or None,
        technique_name=_text(raw.get("attack_object_name")),
        status=_text(raw.get("status")),
        comments=_text(raw.get("comments")),
        references=references,
        attributes=attributes,
    )


# Mappings Explorer names a set's file after its metadata, a version's slashes as dots:
# <framework>-<version>_attack-<ATT&CK version>-<domain>.yaml.
_FILE_NAME = re.compile(
    r"(?P<framework>[^-]+)-(?P<version>.+)_attack-(?P<attack>[^-_]+)-(?P<domain>\w+)"
)


def _check_file_name(mapping_set: MappingSet, root: Any) -> None:
    """Flag a file named for another set than its metadata says (a copied file, say)."""
    named = _FILE_NAME.fullmatch(mapping_set.path.stem)
    if named is None:
        return  # named some other way: nothing to compare
    said = {
        "mapping_framework": (named["framework"], mapping_set.framework),
        "mapping_framework_version": (
            named["version"],
            mapping_set.framework_version.replace("/", "."),
        ),
        "attack_version": (named["attack"], mapping_set.attack_version),
        "technology_domain": (named["domain"], mapping_set.domain),
    }
    for key, (in_name, in_metadata) in said.items():
        if in_name.lower() != in_metadata.lower():
            message = (
                f"the file name says {in_name!r} but the metadata says "
                f"{mapping_set.metadata[key]!r}; the site follows the metadata"
            )
            line = node_line(node_at(root, ["metadata", key]))
            problem = Problem(mapping_set.path, message, line, None, f"metadata.{key}", "quality")
            mapping_set.problems.append(problem)


def parse_mapping_set(path: Path, data: Any, root: Any = None) -> MappingSet:
    """Build a mapping set from parsed YAML, or raise ``DataError`` listing every problem."""
    if data is None:
        raise DataError(path, "the file is empty: expected 'metadata' and 'mapping_objects'")
    problems = _schema_problems(path, data, root)
    if problems:
        raise DataError(problems=problems)
    meta = data["metadata"]
    # Keys may be numbers in YAML (``1: {...}``); rows name them as text.
    mapping_types = {
        str(key): MappingType(
            str(key), _text((value or {}).get("name")), _text((value or {}).get("description"))
        )
        for key, value in (meta.get("mapping_types") or {}).items()
    }
    groups = {
        str(key): _text(name) or str(key)
        for key, name in (meta.get("capability_groups") or {}).items()
    }
    mapping_set = MappingSet(
        path=path,
        framework=meta["mapping_framework"].strip().lower(),
        framework_version=meta["mapping_framework_version"].strip(),
        domain=meta["technology_domain"].strip().lower(),
        attack_version=meta["attack_version"].strip(),
        metadata=meta,
        mapping_types=mapping_types,
        groups=groups,
    )
    _check_file_name(mapping_set, root)
    rows_node = mapping_child(root, "mapping_objects")
    for index, raw in enumerate(data.get("mapping_objects") or ()):
        line = node_line(rows_node.value[index]) if rows_node is not None else None
        mapping_set.rows.append(_row(mapping_set, index, line, raw))
    return mapping_set


def load_mapping_set(path: Path) -> MappingSet:
    """Read and check one mapping file."""
    data, root = read_yaml(path)
    mapping_set = parse_mapping_set(path, data, root)
    log.debug("Read %s: %d rows", path, len(mapping_set.rows))
    return mapping_set
