"""Read mapping sets written in other formats: Mappings Explorer JSON, CSV and Excel.

A table (CSV, or the first sheet of a workbook, or its ``mappings`` sheet) has one row
per mapping and column headers equal to the row field names of the YAML layout.
References are one per line in their cell. Metadata comes from the workbook's own
``metadata``, ``mapping_types`` and ``capability_groups`` sheets (as the site's Excel
downloads have them), from a sidecar file, or from the caller.
"""

from __future__ import annotations

import contextlib
import csv
import json
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .errors import DataError, Problem
from .exports import FORMULA_START
from .mappings import MappingSet, parse_mapping_set
from .yamlfile import read_yaml

# Row fields a table must have: the schema requires them in every row.
REQUIRED_COLUMNS = ("capability_id", "attack_object_id", "mapping_type")

# Metadata the schema requires, by the option that can give it.
REQUIRED_METADATA = (
    "mapping_framework",
    "mapping_framework_version",
    "attack_version",
    "technology_domain",
)

Table = list[tuple[int, dict[str, Any]]]


def cell_value(column: str, text: Any) -> Any:
    """Return a table cell as a row value: empty is null, references a list of lines."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        text = str(text)
    # The site's CSV downloads put a "'" before text a spreadsheet would run as a formula.
    if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_START:
        text = text[1:]
    if column == "references":
        return [line.strip() for line in text.splitlines() if line.strip()]
    return text if text.strip() else None


def _check_header(path: Path, header: list[str], line: int) -> list[str]:
    """Return the header's column names, or raise naming what is missing or repeated."""
    names = [str(name or "").strip() for name in header]
    problems = [
        Problem(path, f"column '{name}' is missing", line=line, field=name)
        for name in REQUIRED_COLUMNS
        if name not in names
    ]
    problems += [
        Problem(path, f"column '{name}' appears more than once", line=line, field=name)
        for name in sorted({n for n in names if n and names.count(n) > 1})
    ]
    if problems:
        raise DataError(problems=problems)
    return names


def _padded(names: list[str], values: list[Any]) -> zip:
    """Pair column names with a row's values; missing trailing values are empty."""
    return zip(names, [*values, *[None] * (len(names) - len(values))], strict=False)


def read_csv(path: Path) -> Table:
    """Read a CSV table: (line where each record starts, row fields)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            header = next(reader, None)
            if header is None:
                raise DataError(path, "the file is empty: expected a header row", line=1)
            names = _check_header(path, header, 1)
            rows: Table = []
            start = reader.line_num + 1
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    fields = {n: cell_value(n, c) for n, c in _padded(names, cells) if n}
                    rows.append((start, fields))
                start = reader.line_num + 1
    except UnicodeDecodeError as error:
        raise DataError(path, f"not UTF-8 text (byte {error.start})") from None
    except csv.Error as error:
        raise DataError(path, f"not valid CSV: {error}") from None
    except OSError as error:
        raise DataError(path, f"cannot read the file: {error.strerror}") from None
    return rows


def _sheet_rows(sheet: Any, width: int = 0) -> list[tuple[int, list[Any]]]:
    """Return a sheet's filled rows by number, each padded to ``width`` cells."""
    return [
        (number, [*values, *[None] * (width - len(values))])
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        if any(v not in (None, "") for v in values)
    ]


def _metadata_from_sheets(book: Any) -> dict[str, Any]:
    """Return the metadata a workbook's own sheets hold (the site's Excel layout)."""
    metadata: dict[str, Any] = {}
    if "metadata" in book.sheetnames:
        for _, values in _sheet_rows(book["metadata"], 2)[1:]:
            key, value = values[:2]
            text = "" if value is None else str(value)
            if text.startswith(("{", "[")):
                # Nested values are written as JSON text; other text stays text.
                with contextlib.suppress(json.JSONDecodeError):
                    value = json.loads(text)
            metadata[str(key)] = value if value not in ("",) else None
    if "mapping_types" in book.sheetnames:
        metadata["mapping_types"] = {
            str(values[0]): {"name": values[1] or "", "description": values[2] or ""}
            for _, values in _sheet_rows(book["mapping_types"], 3)[1:]
        }
    if "capability_groups" in book.sheetnames:
        metadata["capability_groups"] = {
            str(values[0]): "" if values[1] is None else str(values[1])
            for _, values in _sheet_rows(book["capability_groups"], 2)[1:]
        }
    return metadata


def read_xlsx(path: Path) -> tuple[Table, dict[str, Any]]:
    """Read a workbook: its table of mappings (rows by sheet row number) and metadata."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as error:
        raise DataError(path, f"not an Excel workbook (.xlsx): {error}") from None
    try:
        sheet = book["mappings"] if "mappings" in book.sheetnames else book.worksheets[0]
        rows = _sheet_rows(sheet)
        if not rows:
            raise DataError(path, f"sheet '{sheet.title}' is empty: expected a header row")
        header_line, header = rows[0]
        names = _check_header(path, header, header_line)
        # A sheet row ends at its last filled cell: pad it to the header's width.
        table = [
            (number, {n: cell_value(n, v) for n, v in _padded(names, values) if n})
            for number, values in rows[1:]
        ]
        return table, _metadata_from_sheets(book)
    finally:
        book.close()


def read_document(path: Path) -> dict[str, Any]:
    """Read a Mappings Explorer JSON file (or a YAML one): metadata and mapping_objects."""
    if path.suffix.lower() in (".yaml", ".yml"):
        data, _ = read_yaml(path)
    else:
        try:
            data = json.loads(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise DataError(path, f"not UTF-8 text (byte {error.start})") from None
        except json.JSONDecodeError as error:
            raise DataError(path, f"not valid JSON: {error.msg}", line=error.lineno) from None
        except OSError as error:
            raise DataError(path, f"cannot read the file: {error.strerror}") from None
    if not isinstance(data, dict) or not isinstance(data.get("metadata"), dict):
        raise DataError(path, "expected an object with 'metadata' and 'mapping_objects'")
    return {"metadata": data["metadata"], "mapping_objects": data.get("mapping_objects") or []}


def read_metadata(path: Path) -> dict[str, Any]:
    """Read a sidecar of metadata: YAML or JSON, the metadata itself or under 'metadata'."""
    data, _ = read_yaml(path)  # JSON is YAML too
    if isinstance(data, dict) and isinstance(data.get("metadata"), dict):
        data = data["metadata"]
    if not isinstance(data, dict):
        raise DataError(path, "expected a mapping of metadata fields")
    return data


def _derived(metadata: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Fill in mapping types and capability groups from the rows when none are given."""
    metadata = dict(metadata)
    if not metadata.get("mapping_types"):
        types = dict.fromkeys(r["mapping_type"] for r in rows if r.get("mapping_type"))
        metadata["mapping_types"] = {t: {"name": t, "description": ""} for t in types}
    if not metadata.get("capability_groups"):
        groups = dict.fromkeys(r["capability_group"] for r in rows if r.get("capability_group"))
        metadata["capability_groups"] = {g: g for g in groups}
    return metadata


def missing_metadata(metadata: dict[str, Any]) -> list[str]:
    """Return the required metadata fields that are not given."""
    return [key for key in REQUIRED_METADATA if not str(metadata.get(key) or "").strip()]


def build_document(
    path: Path, metadata: dict[str, Any], table: Table, header_lines: bool = True
) -> tuple[dict[str, Any], MappingSet]:
    """Make a mapping set document from metadata and rows, checked as the build checks it.

    Problems name the input file, and the line (CSV) or sheet row (Excel) of each row.
    """
    rows = [fields for _, fields in table]
    document = {"metadata": _derived(metadata, rows), "mapping_objects": rows}
    try:
        return document, parse_mapping_set(path, document)
    except DataError as error:
        if not header_lines:
            raise
        located = [
            Problem(p.path, p.message, table[p.row - 1][0], p.row, p.field, p.kind)
            if p.row and p.row <= len(table)
            else p
            for p in error.problems
        ]
        raise DataError(problems=located) from None
