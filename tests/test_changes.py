"""What changed between two versions of a set: the comparison, the page and the script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from attack_mappings.changes import compare_rows
from attack_mappings.exports import document_yaml
from attack_mappings.mappings import parse_mapping_set

from tests.conftest import ROOT, SHARED_DATA, built, make_data_folder, needs_shared_data
from tests.sitecheck import broken_links, text_of

CCM = "csa_ccm-4.1_attack-17.1-enterprise.yaml"


def _set(rows: list[dict], version: str = "1"):
    meta = {
        "technology_domain": "enterprise",
        "attack_version": "17.1",
        "mapping_framework": "x",
        "mapping_framework_version": version,
    }
    return parse_mapping_set(Path(f"x-{version}.yaml"), {"metadata": meta, "mapping_objects": rows})


def _row(control: str, technique: str, **extra) -> dict:
    return {"capability_id": control, "attack_object_id": technique, "mapping_type": "m", **extra}


def test_rows_are_matched_by_key_and_compared_field_by_field():
    old = _set([_row("A", "T1"), _row("A", "T2", comments="x"), _row("B", "T1")]).rows
    new = _set([_row("A", "T2", comments="y"), _row("B", "T1"), _row("C", "T3")], "2").rows
    result = compare_rows(old, new)
    assert [(r.control_id, r.technique_id) for r in result.added] == [("C", "T3")]
    assert [(r.control_id, r.technique_id) for r in result.removed] == [("A", "T1")]
    assert [c.fields for c in result.changed] == [[("comments", "x", "y")]]
    assert result.unchanged == 1


def test_score_category_is_part_of_the_key_and_equal_rows_pair_first():
    scored = [
        _row("A", "T1", score_category="protect", score_value="minimal"),
        _row("A", "T1", score_category="detect", score_value="partial"),
    ]
    new = [
        _row("A", "T1", score_category="detect", score_value="partial"),
        _row("A", "T1", score_category="protect", score_value="significant"),
    ]
    result = compare_rows(_set(scored).rows, _set(new, "2").rows)
    assert result.unchanged == 1 and not result.added and not result.removed
    assert result.changed[0].fields == [("score_value", "minimal", "significant")]


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory) -> tuple[Path, dict]:
    """CCM 4.1 and a "4.2" made from it: two rows removed, one added, one changed."""
    needs_shared_data()
    folder = make_data_folder(
        tmp_path_factory.mktemp("changes"), ["enterprise-attack-17.1.json"], [CCM]
    )
    data = yaml.load((SHARED_DATA / "mappings" / CCM).read_text(), Loader=yaml.CSafeLoader)
    rows = data["mapping_objects"]
    keys = [(r["capability_id"], r["attack_object_id"], r["mapping_type"]) for r in rows]
    unique = [i for i, k in enumerate(keys) if keys.count(k) == 1 and rows[i]["attack_object_id"]]
    removed = [rows[unique[0]], rows[unique[1]]]
    changed = rows[unique[2]]
    changed["comments"] = "Rewritten for the new version."
    added = dict(rows[unique[3]], attack_object_id="T1001", attack_object_name="Data Obfuscation")
    data["mapping_objects"] = [r for r in rows if r not in removed] + [added]
    data["metadata"]["mapping_framework_version"] = "4.2"
    newer = folder / "mappings" / "csa_ccm-4.2_attack-17.1-enterprise.yaml"
    newer.write_bytes(document_yaml(data))
    return folder, {"removed": removed, "changed": changed, "added": added}


@pytest.mark.realdata
def test_newer_version_has_a_what_changed_page(two_versions, tmp_path):
    folder, edits = two_versions
    site = built(folder, tmp_path / "site")
    page = site / "frameworks" / "csa_ccm" / "changes.html"
    text = text_of(page)
    assert "Added (1)" in text and "Removed (2)" in text and "Changed (1)" in text
    for row in edits["removed"]:
        assert row["capability_id"] in text
    assert "Rewritten for the new version." in text
    assert 'url=../changes.html"' in (site / "frameworks/csa_ccm/4.2/changes.html").read_text()
    assert not (site / "frameworks/csa_ccm/4.1/changes.html").exists()
    assert "What changed since CSA Cloud Controls Matrix 4.1" in text_of(
        site / "frameworks" / "csa_ccm" / "index.html"
    )
    assert not [link for link in broken_links(site) if "changes" in link]


@pytest.mark.realdata
def test_compare_script_reports_the_same_rows(two_versions):
    folder, edits = two_versions
    old, new = (
        folder / "mappings" / f"csa_ccm-{v}_attack-17.1-enterprise.yaml" for v in ("4.1", "4.2")
    )
    script = [sys.executable, str(ROOT / "scripts" / "compare_sets.py"), str(old), str(new)]
    result = subprocess.run([*script, "--format", "json"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert sorted(r["capability_id"] for r in report["removed"]) == sorted(
        r["capability_id"] for r in edits["removed"]
    )
    assert [(r["capability_id"], r["attack_object_id"]) for r in report["added"]] == [
        (edits["added"]["capability_id"], "T1001")
    ]
    assert report["changed"][0]["fields"][0]["field"] == "comments"
    failing = subprocess.run([*script, "--fail-on-change"], capture_output=True, text=True)
    assert failing.returncode == 1 and "1 added, 2 removed, 1 changed" in failing.stdout
    same = subprocess.run(
        [*script[:2], str(old), str(old), "--fail-on-change"], capture_output=True
    )
    assert same.returncode == 0
    missing = subprocess.run([*script[:2], str(old), "nowhere.yaml"], capture_output=True)
    assert missing.returncode == 2
