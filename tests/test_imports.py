"""Importing CSV, Excel and Mappings Explorer JSON: round trips and clear errors."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from attack_mappings.changes import distinct
from attack_mappings.exports import document_yaml, set_csv, set_json, set_xlsx
from attack_mappings.imports import cell_value
from attack_mappings.mappings import load_mapping_set
from openpyxl import load_workbook

from tests.conftest import ROOT, SHARED_DATA, needs_shared_data

SCRIPT = [sys.executable, str(ROOT / "scripts" / "import_mappings.py")]
SAMPLE = ROOT / "data" / "mappings" / "csa_ccm-4.1_attack-17.1-enterprise.yaml"
OPTIONS = ["--framework", "csa_ccm", "--framework-version", "4.1"]
OPTIONS += ["--attack-version", "17.1", "--domain", "enterprise"]


def run(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([*SCRIPT, *map(str, args)], capture_output=True, text=True)


def shown(path: Path) -> list[tuple]:
    """Return the distinct rows of a mapping file as the site reads them."""
    return list(dict.fromkeys(row.identity() for row in load_mapping_set(path).rows))


def exported(source: Path, folder: Path) -> dict[str, Path]:
    mapping_set = load_mapping_set(source)
    mapping_set.shown = distinct(mapping_set.rows)
    files = {}
    for suffix, writer in ((".csv", set_csv), (".json", set_json), (".xlsx", set_xlsx)):
        files[suffix] = folder / f"{source.stem}{suffix}"
        files[suffix].write_bytes(writer(mapping_set))
    return files


def _blank(value):
    if isinstance(value, dict):
        return {key: _blank(item) for key, item in value.items()}
    return value if value != "" else None


def _sources() -> list[Path]:
    sources = [SAMPLE]
    if (SHARED_DATA / "mappings").is_dir():
        sources += [
            SHARED_DATA / "mappings" / "m365-07.18.2025_attack-16.1-enterprise.yaml",
            SHARED_DATA / "mappings" / "kev-07.28.2025_attack-16.1-mobile.yaml",
        ]
    return sources


@pytest.mark.parametrize("source", _sources(), ids=lambda p: p.stem)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_export_then_import_gives_the_same_rows(tmp_path, source, suffix):
    files = exported(source, tmp_path)
    target = tmp_path / "imported.yaml"
    extra = ["--metadata", files[".json"]] if suffix == ".csv" else []
    result = run(files[suffix], "-o", target, *extra)
    assert result.returncode == 0, result.stderr
    assert shown(target) == shown(source)
    # A spreadsheet cell cannot tell empty text from no value.
    assert _blank(load_mapping_set(target).metadata) == _blank(load_mapping_set(source).metadata)


def test_csv_with_metadata_from_options_only(tmp_path):
    files = exported(SAMPLE, tmp_path)
    result = run(files[".csv"], *OPTIONS)
    assert result.returncode == 0, result.stderr
    (tmp_path / "out.yaml").write_text(result.stdout, encoding="utf-8")
    imported = load_mapping_set(tmp_path / "out.yaml")
    assert imported.groups == {g: g for g in ("IAM", "I&S", "CEK", "DSP", "UEM", "AIS")}
    assert [r.identity() for r in imported.rows] == shown(SAMPLE)


def test_missing_metadata_is_a_usage_error_naming_the_options(tmp_path):
    files = exported(SAMPLE, tmp_path)
    result = run(files[".csv"], "--framework", "csa_ccm")
    assert result.returncode == 2
    assert "--framework-version, --attack-version, --domain" in result.stderr


def test_bad_row_is_reported_with_file_line_row_and_field(tmp_path):
    table = tmp_path / "bad.csv"
    table.write_text(
        "capability_id,mapping_type,attack_object_id,comments\n"
        'A-1,mitigates,T1001,"two\nlines"\n'
        "A-2,mitigates,not-a-technique,\n",
        encoding="utf-8",
    )
    result = run(table, *OPTIONS)
    assert result.returncode == 1
    assert f"{table}, line 4, row 2, field 'attack_object_id'" in result.stderr


def test_missing_column_and_unreadable_files(tmp_path):
    table = tmp_path / "no-type.csv"
    table.write_text("capability_id,attack_object_id\nA-1,T1001\n", encoding="utf-8")
    result = run(table, *OPTIONS)
    assert result.returncode == 1 and "column 'mapping_type' is missing" in result.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    result = run(broken, *OPTIONS)
    assert result.returncode == 1 and "not an Excel workbook" in result.stderr
    assert run(tmp_path / "missing.csv", *OPTIONS).returncode == 2
    assert run("--help").returncode == 0


def test_formula_like_text_stays_text_in_every_format(tmp_path):
    formula = '=HYPERLINK("http://127.0.0.1/x","click")'
    source = tmp_path / "set.yaml"
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["mapping_objects"][0]["comments"] = formula
    data["mapping_objects"][1]["capability_description"] = "-starts with a minus"
    source.write_bytes(document_yaml(data))
    files = exported(source, tmp_path)
    rows = list(csv.reader(io.StringIO(files[".csv"].read_text())))
    assert rows[1][rows[0].index("comments")] == "'" + formula
    assert rows[2][rows[0].index("capability_description")] == "'-starts with a minus"
    sheet = load_workbook(files[".xlsx"])["mappings"]
    formula_cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=")]
    assert formula_cells and all(c.data_type == "s" for c in formula_cells)
    for suffix in (".csv", ".xlsx"):
        target = tmp_path / f"back{suffix}.yaml"
        assert run(files[suffix], "-o", target, "--metadata", files[".json"]).returncode == 0
        assert shown(target) == shown(source)


def test_cell_values():
    assert cell_value("comments", "  ") is None
    assert cell_value("comments", "'=1+1") == "=1+1"
    assert cell_value("comments", "'quoted") == "'quoted"
    assert cell_value("references", "https://a\n\nhttps://b ") == ["https://a", "https://b"]
    assert cell_value("score_value", 3) == "3"


def test_existing_output_needs_force(tmp_path):
    needs_shared_data()
    files = exported(SAMPLE, tmp_path)
    target = tmp_path / "exists.yaml"
    target.write_text("keep me", encoding="utf-8")
    assert run(files[".json"], "-o", target).returncode == 2
    assert target.read_text() == "keep me"
    assert run(files[".json"], "-o", target, "--force").returncode == 0
