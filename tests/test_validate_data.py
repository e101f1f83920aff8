"""The validate script runs the build's checks and reports what the build reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED_DATA, build_site, make_data_folder, needs_shared_data

SCRIPT = [sys.executable, str(ROOT / "scripts" / "validate_data.py")]
SAMPLE = ROOT / "data" / "mappings" / "csa_ccm-4.1_attack-17.1-enterprise.yaml"
BUNDLE = ROOT / "data" / "attack" / "enterprise-attack-17.1.json"


def validate(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([*SCRIPT, *map(str, args)], capture_output=True, text=True)


def broken_folder(tmp_path: Path) -> Path:
    folder = make_data_folder(tmp_path / "data", [BUNDLE], [])
    text = SAMPLE.read_text(encoding="utf-8")
    bad_row = text.replace("attack_object_id: T1550.001", "attack_object_id: not-an-id", 2)
    (folder / "mappings" / "bad-row.yaml").write_text(bad_row, encoding="utf-8")
    twice = text.replace("metadata:\n", "metadata:\n  x_note: a\n  x_note: b\n")
    (folder / "mappings" / "twice.yaml").write_text(twice, encoding="utf-8")
    return folder


def test_reports_every_problem_the_build_reports(tmp_path):
    folder = broken_folder(tmp_path)
    text = SAMPLE.read_text(encoding="utf-8")
    result = validate(folder)
    assert result.returncode == 1
    errors = [line.removeprefix("error: ") for line in result.stdout.splitlines()]
    assert len(errors) == 3
    lines = (folder / "mappings" / "bad-row.yaml").read_text().splitlines()
    first = next(n for n, line in enumerate(lines, 1) if "not-an-id" in line)
    bad = f"{folder}/mappings/bad-row.yaml, line {first}, row 1, field 'attack_object_id'"
    assert errors[0].startswith(bad)
    assert "row 2, field 'attack_object_id'" in errors[1]
    first = next(n for n, line in enumerate(text.splitlines(), 1) if line == "metadata:")
    duplicate = f"twice.yaml, line {first + 2}, field 'x_note': duplicate key (first at line"
    assert duplicate in errors[2]
    build = build_site(folder, tmp_path / "site")
    assert build.returncode != 0
    for error in errors:
        assert error in build.stderr


def test_clean_folder_passes_and_findings_are_listed(tmp_path):
    assert validate(ROOT / "data").returncode == 0
    needs_shared_data()
    folder = make_data_folder(
        tmp_path / "ccm",
        ["enterprise-attack-17.1.json"],
        ["csa_ccm-4.1_attack-17.1-enterprise.yaml"],
    )
    result = validate(folder)
    assert result.returncode == 0
    assert "exact duplicate of row" in result.stdout and "row " in result.stdout
    assert validate(folder, "--strict").returncode == 1
    strict = validate(folder, "--strict-sets", "csa_ccm-*.yaml", "-q")
    assert strict.returncode == 1 and strict.stdout.startswith("error: ")


@pytest.mark.parametrize("args,code", [(["--help"], 0), ([], 2), (["/nowhere"], 2)])
def test_usage(args, code):
    assert validate(*args).returncode == code


def test_missing_release_is_named(tmp_path):
    needs_shared_data()
    folder = make_data_folder(
        tmp_path / "d", [SHARED_DATA / "attack" / "ics-attack-16.1.json"], [SAMPLE]
    )
    result = validate(folder)
    assert result.returncode == 1
    assert "field 'metadata.attack_version': maps ATT&CK enterprise 17.1" in result.stdout
