"""Loading ATT&CK releases from STIX bundles, in the 2.0 and the 2.1 form."""

from __future__ import annotations

import json

import pytest
from attack_mappings.attack import load_release
from attack_mappings.errors import DataError

from tests.conftest import ROOT, SHARED_DATA, needs_shared_data


@pytest.fixture(scope="module")
def enterprise_17():
    needs_shared_data()
    return load_release(SHARED_DATA / "attack" / "enterprise-attack-17.1.json")


def test_release_counts_and_identity(enterprise_17):
    assert enterprise_17.key == ("enterprise", "17.1")
    active = [t for t in enterprise_17.techniques.values() if t.active]
    assert len(active) == 679
    assert len(enterprise_17.techniques) == 823
    assert [t.id for t in enterprise_17.tactics][:3] == ["TA0043", "TA0042", "TA0001"]
    assert len(enterprise_17.tactics) == 14


def test_technique_fields(enterprise_17):
    technique = enterprise_17.techniques["T1550.001"]
    assert technique.name == "Application Access Token"
    assert technique.parent_id == "T1550"
    assert "T1550.001" in enterprise_17.techniques["T1550"].subtechniques
    assert set(technique.tactics) == {"defense-evasion", "lateral-movement"}
    assert technique.url == "https://attack.mitre.org/techniques/T1550/001"
    assert (
        "Auth0 - Why You Should Always Use Access Tokens to Secure APIs Sept 2019"
        in technique.sources
    )
    assert technique.mitigations and all(m.startswith("M") for m, _ in technique.mitigations)


def test_revoked_technique_knows_its_replacement(enterprise_17):
    technique = enterprise_17.techniques["T1574.002"]
    assert technique.revoked and not technique.active
    assert technique.revoked_by == "T1574.001"


def test_tactic_lists_active_parent_techniques_only(enterprise_17):
    credential_access = next(t for t in enterprise_17.tactics if t.id == "TA0006")
    assert "T1110" in credential_access.techniques
    assert all(
        enterprise_17.techniques[t].active and not enterprise_17.techniques[t].is_subtechnique
        for t in credential_access.techniques
    )


def test_stix_21_bundle_is_identified_by_its_collection(tmp_path):
    bundle = json.loads((ROOT / "data" / "attack" / "enterprise-attack-17.1.json").read_text())
    path = tmp_path / "any-name.json"
    path.write_text(json.dumps(bundle))
    release = load_release(path)
    assert release.key == ("enterprise", "17.1")
    assert release.techniques["T1550.001"].is_subtechnique


def test_bundle_without_collection_needs_a_telling_name(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps({"type": "bundle", "id": "bundle--1", "objects": []}))
    with pytest.raises(DataError) as error:
        load_release(path)
    assert str(path) in str(error.value)
    assert "<domain>-attack-<version>.json" in str(error.value)


def test_mobile_and_ics_load():
    needs_shared_data()
    mobile = load_release(SHARED_DATA / "attack" / "mobile-attack-16.1.json")
    ics = load_release(SHARED_DATA / "attack" / "ics-attack-16.1.json")
    assert mobile.key == ("mobile", "16.1") and ics.key == ("ics", "16.1")
    assert "T1521.003" in mobile.techniques
    assert all(t.id.startswith("T0") for t in ics.techniques.values())
    assert mobile.tactics and ics.tactics
