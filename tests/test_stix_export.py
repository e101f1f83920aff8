"""STIX 2.1 bundles: valid for the stix2 library, identifiers stable from build to build."""

from __future__ import annotations

import json

import pytest
import stix2
import yaml
from attack_mappings.attack import load_release
from attack_mappings.mappings import load_mapping_set
from attack_mappings.render import SiteInfo
from attack_mappings.stix_export import BundleWriter, stix_id, stix_time

from tests.conftest import ROOT, SHARED_DATA, built
from tests.test_downloads import expected_rows

BUNDLE = "frameworks/csa_ccm/4.1/downloads/csa_ccm-4.1_attack-17.1-enterprise-stix-bundle.json"


def _bundle(site) -> dict:
    return json.loads((site / BUNDLE).read_text(encoding="utf-8"))


def test_sample_bundle_parses_and_is_the_same_in_a_second_build(sample_site, tmp_path):
    bundle = _bundle(sample_site)
    parsed = stix2.parse(bundle, allow_custom=True)
    kinds = sorted(obj.type for obj in parsed.objects)
    assert kinds == ["course-of-action"] * 9 + ["relationship"] * 9
    again = built(None, tmp_path / "site")
    assert (again / BUNDLE).read_bytes() == (sample_site / BUNDLE).read_bytes()


def _writer(mapping_set, release):
    return BundleWriter(mapping_set, release, {"name": "CCM"}, SiteInfo("x"))


def test_identifiers_depend_on_identifying_fields_only():
    release = load_release(ROOT / "data" / "attack" / "enterprise-attack-17.1.json")
    mapping_set = load_mapping_set(
        ROOT / "data" / "mappings" / "csa_ccm-4.1_attack-17.1-enterprise.yaml"
    )
    mapping_set.shown = list(mapping_set.rows)
    before = _writer(mapping_set, release).bundle()
    mapping_set.shown[0].comments = "edited"
    mapping_set.shown[1].control_name = "renamed"
    after = _writer(mapping_set, release).bundle()
    assert [o["id"] for o in before["objects"]] == [o["id"] for o in after["objects"]]
    mapping_set.shown[0].control_id = "IAM-99"
    moved = {o["id"] for o in _writer(mapping_set, release).bundle()["objects"]}
    assert moved != {o["id"] for o in before["objects"]}
    assert stix_id("relationship", "a", "b") != stix_id("relationship", "a\x1fb")


def test_timestamps_come_from_the_set_dates():
    assert stix_time({"last_update": "01/27/2026"}) == "2026-01-27T00:00:00.000Z"
    assert stix_time({"last_update": "13/45/2026", "creation_date": "2025-07-29"}) == (
        "2025-07-29T00:00:00.000Z"
    )


@pytest.mark.realdata
@pytest.mark.parametrize(
    "stem", [p.stem for p in sorted((SHARED_DATA / "mappings").glob("*.yaml"))]
)
def test_real_bundles_parse_and_point_at_attack_patterns(full_site, stem):
    (path,) = full_site.glob(f"frameworks/*/*/downloads/{stem}-stix-bundle.json")
    bundle = json.loads(path.read_text(encoding="utf-8"))
    parsed = stix2.parse(bundle, allow_custom=True)
    ids = [obj.id for obj in parsed.objects]
    assert len(ids) == len(set(ids))
    source = yaml.load((SHARED_DATA / "mappings" / f"{stem}.yaml").read_text(), yaml.CSafeLoader)
    attack = json.loads(
        (
            SHARED_DATA / "attack" / f"{source['metadata']['technology_domain']}-attack-"
            f"{source['metadata']['attack_version']}.json"
        ).read_text(encoding="utf-8")
    )
    patterns = {o["id"] for o in attack["objects"] if o["type"] == "attack-pattern"}
    relationships = [o for o in parsed.objects if o.type == "relationship"]
    assert relationships and all(r.target_ref in patterns for r in relationships)
    known = {
        ref["external_id"]
        for o in attack["objects"]
        if o["type"] == "attack-pattern"
        for ref in o.get("external_references", ())
        if ref.get("source_name", "").startswith("mitre")
    }
    mapped = [
        row
        for row in expected_rows(f"{stem}.yaml")[2]
        if row["capability_id"]
        and row["attack_object_id"] in known
        and "non_mappable" not in (row["mapping_type"], row["status"])
    ]
    assert len(relationships) == len(mapped)
    controls = {o.id for o in parsed.objects if o.type != "relationship"}
    assert all(r.source_ref in controls for r in relationships)
    if stem.startswith("kev"):
        assert {o.type for o in parsed.objects} == {"vulnerability", "relationship"}
        assert {r.relationship_type for r in relationships} == {"related-to"}
    if stem.startswith("csa_ccm"):
        assert {r.relationship_type for r in relationships} == {"mitigates"}
