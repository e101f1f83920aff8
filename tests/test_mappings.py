"""Mapping sets: the layout (JSON Schema) and how breaking it is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from attack_mappings.errors import DataError
from attack_mappings.mappings import load_mapping_set
from attack_mappings.model import load_sets

from tests.conftest import ROOT
from tests.hostile import PAYLOAD, hostile

SAMPLE = ROOT / "data" / "mappings" / "csa_ccm-4.1_attack-17.1-enterprise.yaml"

METADATA = """\
metadata:
  technology_domain: enterprise
  attack_version: '1.0'
  mapping_framework: demo
  mapping_framework_version: '1'
  mapping_types:
    mitigates: {name: mitigates, description: Stops it.}
  capability_groups:
    G: Group
"""

ROW = """\
- capability_id: {id}
  capability_description: Name
  capability_group: G
  mapping_type: mitigates
  attack_object_id: T0001
  attack_object_name: Technique
  comments: ''
  references: []
  status: complete
"""


def write(tmp_path: Path, text: str, name: str = "demo-1_attack-1.0-enterprise.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def located(path: Path) -> list[tuple[int | None, int | None, str | None, str]]:
    with pytest.raises(DataError) as caught:
        load_mapping_set(path)
    return [(p.line, p.row, p.field, p.message) for p in caught.value.problems]


def test_sample_set_loads_with_rows_and_lines():
    mapping_set = load_mapping_set(SAMPLE)
    assert (mapping_set.framework, mapping_set.framework_version) == ("csa_ccm", "4.1")
    assert [row.control_id for row in mapping_set.rows][:3] == ["IAM-08", "I&S-05", "I&S-07"]
    lines = [row.line for row in mapping_set.rows]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)
    first = SAMPLE.read_text(encoding="utf-8").splitlines()[lines[0] - 1]
    assert first == "- capability_id: IAM-08"


def test_every_layout_problem_is_listed_with_line_row_and_field(tmp_path):
    rows = (
        ROW.format(id="OK-1")
        + "- just text\n"
        + ROW.format(id="''")
        + ROW.format(id="A" * 301)
        + ROW.format(id="X-1").replace("attack_object_id: T0001", "attack_object_id: t-1")
        + ROW.format(id="X-2").replace("references: []", "references: [1]")
        + ROW.format(id="X-3").replace("status: complete", "status: complete\n  extra: [1]")
        + ROW.format(id="X-4").replace("  mapping_type: mitigates\n", "")
    )
    text = METADATA.replace("  attack_version: '1.0'\n", "") + "mapping_objects:\n" + rows
    found = located(write(tmp_path, text))
    # Each problem: line, row, field. Rows are 9 lines long; row 2 is one line.
    assert [(line, row, field) for line, row, field, _ in found] == [
        (2, None, "metadata.attack_version"),
        (19, 2, None),
        (20, 3, "capability_id"),
        (29, 4, "capability_id"),
        (42, 5, "attack_object_id"),
        (54, 6, "references.0"),
        (65, 7, "extra"),
        (66, 8, "mapping_type"),
    ]
    messages = [message for *_, message in found]
    assert messages[0] == "'attack_version' is a required property"
    assert messages[2] == "'' should be non-empty"
    assert messages[3].endswith("is too long") and len(messages[3]) < 320


def test_wrong_types_at_the_top_are_located(tmp_path):
    text = METADATA + "mapping_objects:\n  a: 1\nmapping_object: []\n"
    assert [(line, field) for line, _, field, _ in located(write(tmp_path, text))] == [
        (11, "mapping_objects"),
        (12, "mapping_object"),
    ]
    assert located(write(tmp_path, "- a\n- b\n"))[0][3] == "['a', 'b'] is not of type 'object'"
    nested = METADATA.replace("{name: mitigates,", "{name: [1],") + "mapping_objects: []\n"
    assert located(write(tmp_path, nested))[0][:3] == (
        7,
        None,
        "metadata.mapping_types.mitigates.name",
    )


@pytest.mark.parametrize("text", ["", "# nothing\n", "---\n"])
def test_an_empty_file_says_what_it_lacks(tmp_path, text):
    ((line, row, field, message),) = located(write(tmp_path, text))
    assert message == "the file is empty: expected 'metadata' and 'mapping_objects'"


@pytest.mark.parametrize("rows", ["", "mapping_objects:\n", "mapping_objects: []\n"])
def test_a_set_with_metadata_only_has_no_rows(tmp_path, rows):
    mapping_set = load_mapping_set(write(tmp_path, METADATA + rows))
    assert mapping_set.rows == [] and mapping_set.problems == []
    assert mapping_set.groups == {"G": "Group"}


def test_dates_and_numbers_where_text_belongs_are_layout_errors(tmp_path):
    text = METADATA.replace("  mapping_types:", "  creation_date: 2024-01-31\n  mapping_types:")
    text += "mapping_objects:\n" + ROW.format(id="3.5")
    found = located(write(tmp_path, text))
    assert [(line, row, field) for line, row, field, _ in found] == [
        (6, None, "metadata.creation_date"),
        (12, 1, "capability_id"),
    ]


def test_hostile_text_is_kept_exactly(tmp_path):
    data = yaml.safe_load(METADATA + "mapping_objects:\n" + ROW.format(id="H-1"))
    data["mapping_objects"][0]["comments"] = PAYLOAD
    data["mapping_objects"][0]["capability_description"] = f"  {PAYLOAD}\n"
    (mapping,) = load_mapping_set(write(tmp_path, yaml.safe_dump(data))).rows
    assert mapping.comments == PAYLOAD
    assert mapping.control_name == PAYLOAD  # stray whitespace around it is dropped


def test_keys_that_are_numbers_become_text(tmp_path):
    text = METADATA.replace("    G: Group", "    7: Seven").replace("mitigates: {", "1: {")
    text += "mapping_objects:\n" + ROW.format(id="N-1").replace("group: G", "group: '7'")
    mapping_set = load_mapping_set(write(tmp_path, text))
    assert mapping_set.groups == {"7": "Seven"}
    assert list(mapping_set.mapping_types) == ["1"]
    assert mapping_set.type_label("1") == "mitigates"


def test_every_broken_file_of_a_folder_is_reported_at_once(tmp_path):
    write(tmp_path, METADATA + "mapping_objects:\n" + ROW.format(id="OK"), "good.yaml")
    write(tmp_path, "a: [1\n", "syntax.yaml")
    write(tmp_path, "a: 1\na: 2\n", "duplicate.yaml")
    write(tmp_path, METADATA + "mapping_objects:\n- 1\n", "layout.yaml")
    (tmp_path / "latin1.yml").write_bytes(b"a: caf\xe9\n")
    with pytest.raises(DataError) as caught:
        load_sets(tmp_path)
    found = sorted((p.path.name, p.line) for p in caught.value.problems)
    assert found == [
        ("duplicate.yaml", 2),
        ("latin1.yml", 1),
        ("layout.yaml", 11),
        ("syntax.yaml", 2),
    ]
    assert caught.value.summary().startswith("4 problems in the input data:\n")


def test_hostile_fixture_rows_load(tmp_path):
    from tests.hostile import mapping_set

    text = yaml.safe_dump(mapping_set(), allow_unicode=True, sort_keys=False)
    loaded = load_mapping_set(write(tmp_path, text))
    assert loaded.rows[0].control_id == "../../etc/passwd"
    assert loaded.rows[0].comments == hostile("comment 0")
    assert loaded.metadata["author"] == hostile("author")


def test_a_misspelt_field_is_a_finding_not_a_silent_column(tmp_path):
    from attack_mappings.mappings import load_mapping_set

    path = tmp_path / "typo.yaml"
    path.write_text(
        "metadata:\n  technology_domain: enterprise\n  attack_version: '17.1'\n"
        "  mapping_framework: demo\n  mapping_framework_version: '1'\n"
        "mapping_objects:\n- capability_id: C-1\n  capabilty_description: Typo\n"
        "  mapping_type: mitigates\n  attack_object_id: T1001\n",
        encoding="utf-8",
    )
    found = load_mapping_set(path).problems
    assert len(found) == 1
    assert found[0].field == "capabilty_description" and found[0].row == 1
    assert "is it 'capability_description'?" in found[0].message


@pytest.mark.parametrize(
    ("name", "field", "told"),
    [
        ("demo-2_attack-17.1-enterprise.yaml", "mapping_framework_version", "'2'"),
        ("demo-07.28.2025_attack-16.1-enterprise.yaml", "attack_version", "'16.1'"),
        ("other-07.28.2025_attack-17.1-mobile.yaml", "mapping_framework", "'other'"),
    ],
)
def test_a_file_named_for_another_set_is_a_finding(tmp_path, name, field, told):
    path = tmp_path / name
    path.write_text(
        "metadata:\n  technology_domain: enterprise\n  attack_version: '17.1'\n"
        "  mapping_framework: demo\n  mapping_framework_version: 07/28/2025\n",
        encoding="utf-8",
    )
    found = {p.field: p for p in load_mapping_set(path).problems}
    problem = found[f"metadata.{field}"]
    assert problem.kind == "quality" and problem.line is not None
    assert f"the file name says {told}" in problem.message


@pytest.mark.parametrize(
    "name",
    [
        "demo-07.28.2025_attack-17.1-enterprise.yaml",
        "DEMO-07.28.2025_attack-17.1-Enterprise.yaml",
        "my set.yaml",
    ],
)
def test_a_file_named_for_its_set_or_otherwise_is_no_finding(tmp_path, name):
    path = tmp_path / name
    path.write_text(
        "metadata:\n  technology_domain: enterprise\n  attack_version: '17.1'\n"
        "  mapping_framework: demo\n  mapping_framework_version: 07/28/2025\n",
        encoding="utf-8",
    )
    assert load_mapping_set(path).problems == []
