"""Cross-checks of well-formed rows (data quality), strict sets, and names that would clash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from attack_mappings.errors import DataError
from attack_mappings.model import build_catalog
from attack_mappings.sources import Sources

from tests.hostile import bundle

SET_NAME = "demo-1_attack-1.0-enterprise.yaml"


def row(control: str | None, technique: str | None, **fields: str) -> dict:
    return {
        "capability_id": control,
        "capability_description": fields.pop("name", "One"),
        "capability_group": fields.pop("group", "G"),
        "mapping_type": fields.pop("type", "mitigates"),
        "attack_object_id": technique,
        "attack_object_name": "",
        "comments": "",
        "references": [],
        "status": fields.pop("status", "complete"),
        **fields,
    }


def metadata(framework: str = "demo", version: str = "1") -> dict:
    return {
        "technology_domain": "enterprise",
        "attack_version": "1.0",
        "mapping_framework": framework,
        "mapping_framework_version": version,
        "mapping_types": {"mitigates": {"name": "mitigates", "description": "Stops it."}},
        "capability_groups": {"G": "Group G"},
    }


def data_folder(tmp_path: Path, sets: dict[str, dict]) -> Path:
    (tmp_path / "attack").mkdir()
    (tmp_path / "mappings").mkdir()
    stix = bundle()
    revoked = dict(stix["objects"][4], id="attack-pattern--9", revoked=True)
    revoked["external_references"] = [{"source_name": "mitre-attack", "external_id": "T0003"}]
    stix["objects"].append(revoked)
    (tmp_path / "attack" / "enterprise-attack-1.0.json").write_text(json.dumps(stix))
    for name, content in sets.items():
        text = yaml.safe_dump(content, sort_keys=False)
        (tmp_path / "mappings" / name).write_text(text, encoding="utf-8")
    return tmp_path


ROWS = [
    row("C-1", "T0001"),
    row("C-1", "T0001"),
    row("C-1", "T0002", name="Uno"),
    row("C-1", "T0001.001", group="H"),
    row("C-2", "T9999"),
    row("  ", "T0002"),
    row("C-3", None),
    row("C-4", "T0001", type="detects"),
    row("C-5", "T0003"),
    row("C-6", "T0001", score_category="protect", score_value="5"),
    row("C-6", "T0001", score_category="protect", score_value="7"),
]
FINDINGS = [
    (2, None, "exact duplicate of row 1; shown once"),
    (3, "capability_description", "names C-1 'Uno', row 1 'One'"),
    (4, "capability_group", "group 'H' is not in the set's capability_groups"),
    (4, "capability_group", "puts C-1 in group 'H', row 1 in 'G'"),
    (5, "attack_object_id", "T9999 is not in ATT&CK Enterprise 1.0"),
    (6, "capability_id", "names T0002 but no control"),
    (7, "attack_object_id", "has no ATT&CK ID but is not marked non-mappable"),
    (8, "mapping_type", "mapping type 'detects' is not in the set's mapping_types"),
    (9, "attack_object_id", "T0003 is revoked in ATT&CK Enterprise 1.0"),
    (
        11,
        "score_value",
        "scores 7 where row 10 scores 5 for the same control, technique and category; both kept",
    ),
]


def test_defects_inside_rows_are_flagged_with_line_row_and_field(tmp_path):
    folder = data_folder(tmp_path, {SET_NAME: {"metadata": metadata(), "mapping_objects": ROWS}})
    catalog = build_catalog(folder, Sources())
    (version,) = catalog.frameworks["demo"].versions
    (mapping_set,) = version.sets
    found = sorted((p.row, p.field, p.message) for p in mapping_set.problems)
    assert found == sorted(FINDINGS)
    lines = {p.row: p.line for p in mapping_set.problems}
    assert lines == {r.row: r.line for r in mapping_set.rows if r.row in lines}
    assert all(p.kind == "quality" and p.path.name == SET_NAME for p in mapping_set.problems)
    # Flagged rows are kept (the duplicate once); the control shows in both its groups.
    control = version.controls["C-1"]
    assert [m.row for m in control.mappings] == [1, 3, 4]
    assert [c.id for c in version.groups["H"].controls] == ["C-1"]
    assert "C-1" in [c.id for c in version.groups["G"].controls]


def test_strict_sets_make_findings_fatal_for_matching_files_only(tmp_path):
    folder = data_folder(
        tmp_path,
        {
            SET_NAME: {"metadata": metadata(), "mapping_objects": ROWS},
            "other-1_attack-1.0-enterprise.yaml": {
                "metadata": metadata("other"),
                "mapping_objects": [row("O-1", "T9999")],
            },
        },
    )
    with pytest.raises(DataError) as caught:
        build_catalog(folder, Sources(), ("demo-*.yaml",))
    found = sorted((p.path.name, p.row, p.field, p.message) for p in caught.value.problems)
    assert found == sorted((SET_NAME, *finding) for finding in FINDINGS)
    assert caught.value.summary().startswith("10 problems in the input data:")
    build_catalog(folder, Sources(), ("nothing-*.yaml",))


@pytest.mark.parametrize(
    ("first", "second", "field"),
    [
        (("demo one", "1"), ("demo-one", "1"), "metadata.mapping_framework"),
        (("demo", "4/1"), ("demo", "4-1"), "metadata.mapping_framework_version"),
        (("demo", "RC1"), ("demo", "rc1"), "metadata.mapping_framework_version"),
        (("demo", "1"), ("demo", "2"), None),
    ],
)
def test_names_that_would_share_a_folder_stop_the_build(tmp_path, first, second, field):
    sets = {
        f"set{n}.yaml": {"metadata": metadata(*names), "mapping_objects": [row("C-1", "T0001")]}
        for n, names in enumerate((first, second))
    }
    folder = data_folder(tmp_path, sets)
    if field is None:
        build_catalog(folder, Sources())
        return
    with pytest.raises(DataError) as caught:
        build_catalog(folder, Sources())
    ((problem),) = caught.value.problems
    assert (problem.path.name, problem.field) == ("set1.yaml", field)
    assert "(in set0.yaml) would share the folder frameworks/" in problem.message


def test_a_set_whose_release_is_missing_is_named(tmp_path):
    meta = dict(metadata(), attack_version="9.9")
    folder = data_folder(tmp_path, {SET_NAME: {"metadata": meta, "mapping_objects": []}})
    with pytest.raises(DataError) as caught:
        build_catalog(folder, Sources())
    ((problem),) = caught.value.problems
    assert problem.field == "metadata.attack_version"
    assert "maps ATT&CK enterprise 9.9" in problem.message


def test_two_files_of_one_set_stop_the_build(tmp_path):
    content = {"metadata": metadata("demo", "1"), "mapping_objects": [row("C-1", "T0001")]}
    copy = {"metadata": metadata("demo", "1 "), "mapping_objects": [row("C-2", "T0001")]}
    folder = data_folder(tmp_path, {"a.yaml": content, "b.yaml": copy})
    with pytest.raises(DataError) as caught:
        build_catalog(folder, Sources())
    ((problem),) = caught.value.problems
    assert (problem.path.name, problem.field) == ("b.yaml", "metadata")
    assert problem.message == (
        "maps demo 1 to ATT&CK enterprise 1.0, as a.yaml does: one file per set"
    )


def test_hidden_files_are_not_data(tmp_path):
    content = {"metadata": metadata(), "mapping_objects": [row("C-1", "T0001")]}
    folder = data_folder(tmp_path, {SET_NAME: content})
    # An editor's lock file (a link to nowhere) and macOS's resource fork.
    (folder / "mappings" / f".#{SET_NAME}").symlink_to(tmp_path / "nowhere")
    (folder / "mappings" / f"._{SET_NAME}").write_bytes(b"\x00\x05\x16\x07")
    (folder / "attack" / "._enterprise-attack-1.0.json").write_bytes(b"\x00\x05")
    catalog = build_catalog(folder, Sources())
    assert [s.path.name for v in catalog.framework_versions() for s in v.sets] == [SET_NAME]


def test_bundle_and_mapping_problems_are_reported_together(tmp_path):
    content = {"metadata": metadata(), "mapping_objects": [row("", "T0001")]}
    folder = data_folder(tmp_path, {SET_NAME: content})
    (folder / "attack" / "enterprise-attack-2.0.json").write_text('{"type": "bundle"')
    with pytest.raises(DataError) as caught:
        build_catalog(folder, Sources())
    found = sorted((p.path.name, p.field) for p in caught.value.problems)
    assert found == [(SET_NAME, "capability_id"), ("enterprise-attack-2.0.json", None)]


def test_a_folder_without_bundles_names_each_set(tmp_path):
    content = {"metadata": metadata(), "mapping_objects": [row("C-1", "T0001")]}
    folder = data_folder(tmp_path, {SET_NAME: content})
    (folder / "attack" / "enterprise-attack-1.0.json").unlink()
    with pytest.raises(DataError) as caught:
        build_catalog(folder, Sources())
    ((problem),) = caught.value.problems
    assert (problem.path.name, problem.field) == (SET_NAME, "metadata.attack_version")
