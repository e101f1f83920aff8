"""ATT&CK Navigator layers: layer format 4.5, scored by controls or by score, with links back."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from attack_mappings.addresses import Addresses
from attack_mappings.downloads import Downloads
from attack_mappings.model import build_catalog
from attack_mappings.render import Renderer, SiteInfo
from attack_mappings.sources import load_sources

from tests.conftest import ROOT, SHARED_DATA

pytestmark = pytest.mark.realdata

DOWNLOADS = "frameworks/{}/downloads/{}-navigator-layer.json"


def layer_of(site: Path, folder: str, stem: str) -> dict:
    return json.loads((site / DOWNLOADS.format(folder, stem)).read_text(encoding="utf-8"))


def source_rows(name: str) -> list[dict]:
    path = SHARED_DATA / "mappings" / name
    return yaml.load(path.read_text(), Loader=yaml.CSafeLoader)["mapping_objects"]


def release_ids(bundle: str) -> set[str]:
    data = json.loads((SHARED_DATA / "attack" / bundle).read_text(encoding="utf-8"))
    return {
        ref["external_id"]
        for obj in data["objects"]
        if obj.get("type") == "attack-pattern"
        for ref in obj.get("external_references", ())
        if ref.get("source_name") == "mitre-attack"
    }


def test_layer_scores_each_technique_by_its_number_of_controls(full_site):
    layer = layer_of(full_site, "csa_ccm/4.1", "csa_ccm-4.1_attack-17.1-enterprise")
    assert layer["versions"]["layer"] == "4.5"
    assert layer["versions"]["attack"] == "17.1"
    assert layer["domain"] == "enterprise-attack"
    known = release_ids("enterprise-attack-17.1.json")
    controls = defaultdict(set)
    for row in source_rows("csa_ccm-4.1_attack-17.1-enterprise.yaml"):
        if row["mapping_type"] == "mitigates" and row["attack_object_id"] in known:
            controls[row["attack_object_id"]].add(row["capability_id"])
    scores = {t["techniqueID"]: t["score"] for t in layer["techniques"]}
    assert scores == {tid: len(ids) for tid, ids in controls.items()}
    assert layer["gradient"]["maxValue"] == max(scores.values())
    assert layer["legendItems"] and all(i["label"] and i["color"] for i in layer["legendItems"])


def test_layer_of_a_scored_set_uses_the_best_score(full_site):
    layer = layer_of(full_site, "m365/07-18-2025", "m365-07.18.2025_attack-16.1-enterprise")
    scale = load_sources(ROOT / "data" / "sources.yaml").score_values
    assert scale == {"minimal": 1.0, "partial": 2.0, "significant": 3.0}
    known = release_ids("enterprise-attack-16.1.json")
    best = defaultdict(float)
    for row in source_rows("m365-07.18.2025_attack-16.1-enterprise.yaml"):
        if row["attack_object_id"] in known and row.get("score_value"):
            tid = row["attack_object_id"]
            best[tid] = max(best[tid], scale[row["score_value"].strip().lower()])
    assert {t["techniqueID"]: t["score"] for t in layer["techniques"]} == best
    assert [item["label"] for item in layer["legendItems"]] == ["minimal", "partial", "significant"]
    assert (layer["gradient"]["minValue"], layer["gradient"]["maxValue"]) == (0, 3)


def test_layer_links_lead_to_pages_of_the_site(full_site):
    layer = layer_of(full_site, "kev/07-28-2025", "kev-07.28.2025_attack-16.1-mobile")
    assert layer["domain"] == "mobile-attack"
    links = [link["url"] for t in layer["techniques"] for link in t["links"]]
    assert links and all((full_site / url.replace("%26", "&")).is_file() for url in links)
    assert "techniques/T1660.html" in links


def test_layer_links_are_absolute_when_the_site_address_is_known(tmp_path):
    catalog = build_catalog(ROOT / "data", load_sources(ROOT / "data" / "sources.yaml"))
    site = SiteInfo("Mappings", "https://mappings.example.org/")
    writer = Downloads(catalog, Renderer(Addresses(catalog), site))
    mapping_set = catalog.frameworks["csa_ccm"].newest.sets[0]
    layer = json.loads(writer.navigator_layer(mapping_set))
    urls = [link["url"] for link in layer["techniques"][0]["links"]]
    assert urls[0] == "https://mappings.example.org/techniques/T1550.001.html"
    assert "https://mappings.example.org/frameworks/csa_ccm/4.1/controls/IAM-08.html" in urls
