"""Mapping rows as tables, and the CSV, JSON, YAML and Excel files written from them.

Every download is written from the model's rows (``Mapping``), the rows the pages
show: a set's exact duplicate rows appear once, as on its pages. Column names are the
row field names of the Mappings Explorer layout, so a download can be imported again.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.writer.excel import ExcelWriter

from .mappings import CORE_FIELDS, Mapping, MappingSet

log = logging.getLogger("mkdocs.plugins.attack_mappings.exports")

# Columns before and after the set's own extra fields (score_category, score_value ...).
LEAD_COLUMNS = CORE_FIELDS[:6]  # control, group, type and technique fields
TAIL_COLUMNS = ("status", "comments", "references")

# Columns naming the set of a row, in tables that mix sets (a technique's, a control's).
SET_COLUMNS = ("mapping_framework", "mapping_framework_version", "technology_domain")
SET_COLUMNS += ("attack_version",)

# A cell starting with one of these is a formula to a spreadsheet: CSV cells get a "'".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Excel refuses longer cells.
MAX_CELL = 32767

try:
    _Dumper = yaml.CSafeDumper
except AttributeError:  # PyYAML built without libyaml: slower, same results.
    _Dumper = yaml.SafeDumper  # type: ignore[misc]

Record = dict[str, Any]


def set_columns(mapping_set: MappingSet) -> list[str]:
    """Return the columns of a set's table: the core fields and the set's extra fields."""
    return [*LEAD_COLUMNS, *mapping_set.extra_fields, *TAIL_COLUMNS]


def mixed_columns(rows: Iterable[Mapping]) -> list[str]:
    """Return the columns of a table of rows from several sets, as their pages show them.

    Extra fields that repeat a set's metadata are left out, as on the pages.
    """
    extras: dict[str, None] = {}
    for row in rows:
        extras.update((name, None) for name in row.set.extra_fields if name not in row.set.metadata)
    return [*SET_COLUMNS, *LEAD_COLUMNS, *extras, *TAIL_COLUMNS]


def record(row: Mapping, columns: Iterable[str], *, with_set: bool = False) -> Record:
    """Return a row as a record: text or ``None`` per column, references as a list.

    ``with_set`` fills the SET_COLUMNS from the row's set, for tables that mix sets.
    """
    values: dict[str, Any] = {
        "capability_id": row.control_id,
        "capability_description": row.control_name,
        "capability_group": row.group_id,
        "mapping_type": row.mapping_type,
        "attack_object_id": row.technique_id,
        "attack_object_name": row.technique_name,
        "status": row.status,
        "comments": row.comments,
        **row.attributes,
    }
    if with_set:
        mapping_set = row.set
        values["mapping_framework"] = mapping_set.framework
        values["mapping_framework_version"] = mapping_set.framework_version
        values["technology_domain"] = mapping_set.domain
        values["attack_version"] = mapping_set.attack_version
    out: Record = {column: values.get(column) or None for column in columns}
    out["references"] = list(row.references)
    return out


def set_document(mapping_set: MappingSet) -> dict[str, Any]:
    """Return a set in the Mappings Explorer layout: its metadata and its shown rows."""
    columns = set_columns(mapping_set)
    return {
        "metadata": mapping_set.metadata,
        "mapping_objects": [record(row, columns) for row in mapping_set.shown],
    }


def json_bytes(data: Any) -> bytes:
    """Return data as compact UTF-8 JSON (indenting would make Python's encoder 3x slower)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return (text + "\n").encode("utf-8")


def yaml_bytes(data: Any) -> bytes:
    """Return data as block-style UTF-8 YAML, keys in their order."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")


# Text YAML reads back as the same text when written plain: starts with a letter, holds
# no character with a meaning in YAML, and is no word YAML reads as true, false or null.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _.,()&/-]*(?<! )")
_NOT_TEXT = frozenset(
    word
    for lower in ("y", "n", "yes", "no", "true", "false", "on", "off", "null")
    for word in (lower, lower.capitalize(), lower.upper())
)
# Characters YAML does not allow as they are, or reads as line breaks, inside quotes.
_YAML_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _yaml_scalar(value: Any) -> str:
    """Return a value as a YAML scalar: plain when safe, else a JSON (= YAML) quoted string."""
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text not in _NOT_TEXT:
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _yaml_rows(records: Iterable[Record]) -> Iterator[str]:
    """Write records as a YAML block sequence of flat mappings (lists of text allowed)."""
    for rec in records:
        lead = "- "
        for key, value in rec.items():
            if isinstance(value, list):
                items = "".join(f"\n  - {_yaml_scalar(item)}" for item in value)
                yield f"{lead}{_yaml_scalar(key)}:{items or ' []'}\n"
            else:
                yield f"{lead}{_yaml_scalar(key)}: {_yaml_scalar(value)}\n"
            lead = "  "


def set_yaml(mapping_set: MappingSet) -> bytes:
    """Return a set as YAML in the layout of its source file."""
    return document_yaml(set_document(mapping_set))


def document_yaml(document: dict[str, Any]) -> bytes:
    """Return a mapping set document (metadata, mapping_objects) as YAML.

    The rows are written directly: ten times quicker than a YAML library, and read back
    the same (tests check it on every real set).
    """
    head = yaml_bytes({"metadata": document["metadata"]})
    rows = "".join(_yaml_rows(document["mapping_objects"]))
    return head + b"mapping_objects:" + (b"\n" + rows.encode("utf-8") if rows else b" []\n")


def cell_text(value: Any) -> str:
    """Return a record value as the text of a table cell; references one per line."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value)


def csv_cell(value: Any) -> str:
    """Return a CSV cell a spreadsheet shows as text: a formula-like value gets a "'"."""
    text = cell_text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(columns: list[str], records: Iterable[Record]) -> bytes:
    """Return a table as UTF-8 CSV with a header row (RFC 4180 line ends)."""
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(columns)
    writer.writerows([csv_cell(rec[column]) for column in columns] for rec in records)
    return stream.getvalue().encode("utf-8")


def _sheet_cell(sheet: Any, value: Any) -> str | WriteOnlyCell | None:
    """Return a cell value Excel shows as text: never a formula, no refused characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", cell_text(value))
    if len(text) > MAX_CELL:
        # TODO: Excel cells stop at 32,767 characters, so longer text is cut here; the
        # CSV, JSON and YAML downloads keep it whole. Remove when no cell is this long.
        text = text[: MAX_CELL - 1] + "…"
    if not text.startswith("="):
        return text or None
    # openpyxl takes text starting with "=" for a formula unless the cell says otherwise.
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def xlsx_bytes(sheets: dict[str, tuple[list[str], Iterable[Iterable[Any]]]]) -> bytes:
    """Return a workbook with one sheet per entry: a header row, then the rows, as text."""
    book = Workbook(write_only=True)
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append([_sheet_cell(sheet, name) for name in header])
        for row in rows:
            sheet.append([_sheet_cell(sheet, value) for value in row])
    # The same rows give the same bytes: fixed document and entry times.
    book.properties.created = book.properties.modified = datetime(*FIXED_TIME)
    stream = io.BytesIO()
    ExcelWriter(book, _StableZip(stream, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return stream.getvalue()


# The time given to every workbook and to every zip entry the build writes.
FIXED_TIME = (2000, 1, 1, 0, 0, 0)


class _StableZip(zipfile.ZipFile):
    """A zip that dates every entry ``FIXED_TIME``, whatever the clock or file says."""

    def writestr(self, name, data, compress_type=None, compresslevel=None) -> None:
        if isinstance(name, str):
            name = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            name.compress_type = self.compression
            name.external_attr = 0o644 << 16
        super().writestr(name, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None) -> None:
        with open(filename, "rb") as handle:  # openpyxl's temporary sheet files
            self.writestr(arcname or str(filename), handle.read(), compress_type, compresslevel)


def metadata_rows(metadata: dict[str, Any]) -> list[tuple[str, str]]:
    """Return a set's plain metadata as (key, value) rows; nested values as JSON text."""
    rows = []
    for key, value in metadata.items():
        if key in ("mapping_types", "capability_groups"):
            continue
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False, default=str)
        rows.append((key, value))
    return rows


def set_xlsx(mapping_set: MappingSet) -> bytes:
    """Return a set as a workbook: its rows, its metadata, mapping types and groups."""
    # TODO: openpyxl takes about 1 s of CPU for the workbooks of the reference data, 40%
    # of all downloads; writing the sheet XML directly would take about 0.25 s. Remove
    # when the workbooks are written without openpyxl or the build time allows it.
    columns = set_columns(mapping_set)
    meta = mapping_set.metadata
    types = meta.get("mapping_types") or {}
    return xlsx_bytes(
        {
            "mappings": (
                columns,
                ([rec[c] for c in columns] for rec in set_document(mapping_set)["mapping_objects"]),
            ),
            "metadata": (["key", "value"], metadata_rows(meta)),
            "mapping_types": (
                ["key", "name", "description"],
                [
                    (k, (v or {}).get("name"), (v or {}).get("description"))
                    for k, v in types.items()
                ],
            ),
            "capability_groups": (
                ["id", "name"],
                list((meta.get("capability_groups") or {}).items()),
            ),
        }
    )


def set_csv(mapping_set: MappingSet) -> bytes:
    columns = set_columns(mapping_set)
    return csv_bytes(columns, (record(row, columns) for row in mapping_set.shown))


def set_json(mapping_set: MappingSet) -> bytes:
    return json_bytes(set_document(mapping_set))
