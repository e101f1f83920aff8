"""The downloads of every real mapping set agree with its source YAML, row by row.

Expected rows are computed here from the YAML files alone (not through the generator):
cells stripped, empty cells empty, references one per line, exact duplicate rows once.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
import yaml
from attack_mappings.exports import FORMULA_START, LEAD_COLUMNS, TAIL_COLUMNS
from openpyxl import load_workbook

from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.realdata

SETS = sorted(p.name for p in (SHARED_DATA / "mappings").glob("*.yaml"))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v).strip() for v in value if str(v).strip())
    return str(value).strip()


def expected_rows(name: str) -> tuple[dict, list[str], list[dict[str, str]]]:
    """Return a source file's metadata, its columns and its distinct rows as text."""
    data = yaml.load((SHARED_DATA / "mappings" / name).read_text(), Loader=yaml.CSafeLoader)
    extras = []
    for row in data["mapping_objects"]:
        for key, value in row.items():
            core = key in LEAD_COLUMNS or key in TAIL_COLUMNS
            if not core and _text(value) and key not in extras:
                extras.append(key)
    columns = [*LEAD_COLUMNS, *extras, *TAIL_COLUMNS]
    rows, seen = [], set()
    for row in data["mapping_objects"]:
        cells = {column: _text(row.get(column)) for column in columns}
        identity = tuple(cells.items())
        if identity not in seen:
            seen.add(identity)
            rows.append(cells)
    return data["metadata"], columns, rows


def downloads(site, name: str):
    """Return where the downloads of a source file are: by its framework and version."""
    metadata = expected_rows(name)[0]
    version = metadata["mapping_framework_version"].replace("/", "-")
    folder = site / "frameworks" / metadata["mapping_framework"] / version / "downloads"
    stem = name.removesuffix(".yaml")
    return lambda suffix: folder / f"{stem}{suffix}"


@pytest.mark.parametrize("name", SETS)
def test_csv_has_every_shown_row_with_its_values(full_site, name):
    _, columns, rows = expected_rows(name)
    text = downloads(full_site, name)(".csv").read_text(encoding="utf-8")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == columns
    guarded = [
        ["'" + rows_cell if rows_cell.startswith(FORMULA_START) else rows_cell for rows_cell in r]
        for r in ([row[c] for c in columns] for row in rows)
    ]
    assert len(table) - 1 == len(rows)
    assert table[1:] == guarded


@pytest.mark.parametrize("name", SETS)
def test_json_and_yaml_hold_the_metadata_and_rows(full_site, name):
    metadata, columns, rows = expected_rows(name)
    path = downloads(full_site, name)
    document = json.loads(path(".json").read_text(encoding="utf-8"))
    assert document["metadata"] == metadata
    got = [
        {column: _text(record[column]) for column in columns}
        for record in document["mapping_objects"]
    ]
    assert got == rows
    assert yaml.load(path(".yaml").read_bytes(), Loader=yaml.CSafeLoader) == document


@pytest.mark.parametrize(
    "name",
    ["csa_ccm-4.1_attack-17.1-enterprise.yaml", "aws-12.12.2024_attack-16.1-enterprise.yaml"],
)
def test_excel_workbook_holds_rows_and_metadata_as_text(full_site, name):
    metadata, columns, rows = expected_rows(name)
    book = load_workbook(downloads(full_site, name)(".xlsx"), read_only=True)
    # A sheet row ends at its last filled cell.
    table = [
        ["" if v is None else v for v in values] + [""] * (len(columns) - len(values))
        for values in book["mappings"].iter_rows(values_only=True)
    ]
    assert table[0] == columns
    assert table[1:] == [[row[c] for c in columns] for row in rows]
    groups = dict(list(book["capability_groups"].iter_rows(values_only=True))[1:])
    assert groups == metadata["capability_groups"]
    meta = {r[0]: r[1:2] for r in list(book["metadata"].iter_rows(values_only=True))[1:]}
    assert meta["attack_version"] == (metadata["attack_version"],)
    assert meta["author"] == ()  # empty in the source
    book.close()


def test_framework_page_links_every_download(full_site):
    page = (full_site / "frameworks" / "veris" / "index.html").read_text(encoding="utf-8")
    for domain in ("enterprise", "mobile", "ics"):
        stem = f"veris-1.4.0_attack-16.1-{domain}"
        for suffix in (".csv", ".json", ".yaml", ".xlsx", "-navigator-layer.json"):
            assert f'href="1.4.0/downloads/{stem}{suffix}"' in page


def _page_rows(page, pattern: str) -> list[str]:
    return re.findall(pattern, html.unescape(page.read_text(encoding="utf-8")))


def test_technique_table_has_the_rows_of_its_page(ccm_site):
    page = ccm_site / "techniques" / "T1550.001.html"
    shown = _page_rows(page, r'<tr id="map-csa_ccm-4\.1-([^"]+)-mitigates"')
    table = list(csv.DictReader(io.StringIO((page.with_suffix(".csv")).read_text())))
    assert sorted(r["capability_id"] for r in table) == sorted(shown)
    assert len(table) == 9
    assert {r["mapping_framework"] for r in table} == {"csa_ccm"}
    document = json.loads(page.with_suffix(".json").read_text())
    assert document["technique"] == {"id": "T1550.001", "name": "Application Access Token"}
    assert [r["capability_id"] for r in document["mappings"]] == [r["capability_id"] for r in table]
    assert 'href="../techniques/T1550.001.csv"' in page.read_text()


def test_control_table_agrees_with_the_source_yaml(ccm_site):
    page = ccm_site / "frameworks" / "csa_ccm" / "controls" / "IAM-08.html"
    _, columns, rows = expected_rows("csa_ccm-4.1_attack-17.1-enterprise.yaml")
    expected = [r for r in rows if r["capability_id"] == "IAM-08" and r["attack_object_id"]]
    table = list(csv.DictReader(io.StringIO(page.with_suffix(".csv").read_text())))
    assert len(table) == len(expected) == len(_page_rows(page, r'<tr id="(T[0-9.]+)-mitigates"'))
    by_technique = {r["attack_object_id"]: r for r in expected}
    for row in table:
        assert {c: row[c] for c in columns} == by_technique[row["attack_object_id"]]
    assert 'href="IAM-08.csv"' in page.read_text()


def test_non_mappable_control_has_no_table(ccm_site):
    page = ccm_site / "frameworks" / "csa_ccm" / "controls" / "STA-11.html"
    assert not page.with_suffix(".csv").exists()
    assert ".csv" not in page.read_text()
