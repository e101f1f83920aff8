"""Cross-referencing: frameworks, versions, controls, and the data-quality findings."""

from __future__ import annotations

import json

import pytest
import yaml
from attack_mappings.errors import DataError
from attack_mappings.model import build_catalog
from attack_mappings.sources import Sources

from tests.conftest import SHARED_DATA, make_data_folder, needs_shared_data

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def full_catalog():
    needs_shared_data()
    return build_catalog(SHARED_DATA, Sources())


def _findings(catalog, framework, text):
    version = catalog.frameworks[framework].newest
    return [p for p in version.problems if text in p.message]


def test_every_set_becomes_a_framework_version(full_catalog):
    versions = {(f.id, v.version) for f in full_catalog.frameworks.values() for v in f.versions}
    assert versions == {
        ("aws", "12/12/2024"),
        ("csa_ccm", "4.1"),
        ("kev", "07/28/2025"),
        ("m365", "07/18/2025"),
        ("nist_800_53", "rev5"),
        ("veris", "1.4.0"),
    }


def test_null_control_rows_are_kept_as_assessments_and_flagged(full_catalog):
    flagged = _findings(full_catalog, "nist_800_53", "but no control")
    assert len(flagged) == 96
    assert all(p.row and p.line and p.field == "capability_id" for p in flagged)
    assert any(m.set.framework == "nist_800_53" for m in full_catalog.assessed["T1496.002"])


def test_technique_missing_from_the_release_is_flagged_not_dropped(full_catalog):
    flagged = _findings(full_catalog, "nist_800_53", "T1521.003 is not in ATT&CK Enterprise 16.1")
    assert flagged and flagged[0].field == "attack_object_id"
    rows = full_catalog.by_technique["T1521.003"]
    assert rows and rows[0].flags


def test_exact_duplicates_are_shown_once(full_catalog):
    nist = full_catalog.frameworks["nist_800_53"].newest
    duplicates = _findings(full_catalog, "nist_800_53", "exact duplicate of row")
    assert len(duplicates) == 50
    raw = yaml.load(
        (SHARED_DATA / "mappings" / "nist_800_53-rev5_attack-16.1-enterprise.yaml").read_text(),
        Loader=yaml.CSafeLoader,
    )["mapping_objects"]
    mappable = [r for r in raw if r["capability_id"] and r["status"] != "non_mappable"]
    assert len(nist.mappings) == len(mappable) - 50


def test_two_scores_for_one_control_and_technique_are_both_kept(full_catalog):
    flagged = _findings(full_catalog, "m365", "both kept")
    assert len(flagged) == 10
    row = next(
        m
        for m in full_catalog.frameworks["m365"].newest.mappings
        if m.flags and "both kept" in m.flags[0]
    )
    twins = [
        m
        for m in full_catalog.by_technique[row.technique_id]
        if m.control_id == row.control_id
        and m.set is row.set
        and m.attributes.get("score_category") == row.attributes.get("score_category")
    ]
    assert len({m.attributes["score_value"] for m in twins}) == 2


def test_one_control_gathers_rows_of_several_domain_files(full_catalog):
    kev = full_catalog.frameworks["kev"].newest
    assert len(kev.sets) == 2
    both = [c for c in kev.controls.values() if len({m.set.domain for m in c.mappings}) == 2]
    assert both, "a CVE mapped in the enterprise and the mobile file is one control"


def test_case_twins_stay_distinct_controls(full_catalog):
    veris = full_catalog.frameworks["veris"].newest
    assert "Action.Hacking.Variety.Other" in veris.controls
    assert "action.hacking.variety.Other" in veris.controls


def test_missing_release_stops_with_file_and_field(tmp_path):
    needs_shared_data()
    data = make_data_folder(
        tmp_path, ["enterprise-attack-17.1.json"], ["aws-12.12.2024_attack-16.1-enterprise.yaml"]
    )
    with pytest.raises(DataError) as error:
        build_catalog(data, Sources())
    message = str(error.value)
    assert "aws-12.12.2024_attack-16.1-enterprise.yaml" in message
    assert "metadata.attack_version" in message and "16.1" in message


def test_strict_sets_make_findings_fatal(tmp_path):
    needs_shared_data()
    data = make_data_folder(
        tmp_path, ["enterprise-attack-17.1.json"], ["csa_ccm-4.1_attack-17.1-enterprise.yaml"]
    )
    build_catalog(data, Sources(), strict_sets=("nist*",))
    with pytest.raises(DataError) as error:
        build_catalog(data, Sources(), strict_sets=("csa_ccm-*.yaml",))
    assert "exact duplicate of row" in str(error.value)


def test_framework_versions_are_ordered_newest_last(tmp_path):
    needs_shared_data()
    source = SHARED_DATA / "mappings" / "csa_ccm-4.1_attack-17.1-enterprise.yaml"
    newer = yaml.load(source.read_text(), Loader=yaml.CSafeLoader)
    newer["metadata"]["mapping_framework_version"] = "4.10"
    data = make_data_folder(tmp_path, ["enterprise-attack-17.1.json"], [source])
    (data / "mappings" / "csa_ccm-4.10.yaml").write_text(json.dumps(newer))  # JSON is YAML
    catalog = build_catalog(data, Sources())
    assert [v.version for v in catalog.frameworks["csa_ccm"].versions] == ["4.1", "4.10"]


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("12.12.2024", "07.28.2025"),
        ("12/12/2024", "07/28/2025"),
        ("7-28-2025", "2025-12-01"),
        ("4.9", "4.10"),
        ("rev4", "rev5"),
    ],
)
def test_versions_written_as_dates_order_by_date(older, newer):
    from attack_mappings.model import _version_order

    assert _version_order(older) < _version_order(newer)
