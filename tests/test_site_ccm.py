"""The real CSA CCM 4.1 set on ATT&CK Enterprise 17.1, as a reader sees it."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import SHARED_DATA
from tests.sitecheck import broken_links, outside_requests, parse, text_of

pytestmark = pytest.mark.realdata

SEED_CONTROLS = {
    "IAM-08": "User Access Review",
    "I&S-05": "Production and Non-Production Environments",
    "I&S-07": "Migration to Cloud Environments",
    "CEK-03": "Data Encryption",
    "DSP-10": "Sensitive Data Transfer",
    "DSP-07": "Data Protection by Design and Default",
    "DSP-17": "Sensitive Data Protection",
    "UEM-08": "Storage Encryption",
    "AIS-04": "Secure Application Design and Development",
}


def test_t1550_001_shows_the_nine_seed_controls_with_type_and_comments(ccm_site):
    page = ccm_site / "techniques" / "T1550.001.html"
    text = text_of(page)
    assert "T1550.001: Application Access Token" in text
    assert "Adversaries may use stolen application access tokens" in text
    rows = re.findall(
        r'<tr id="map-csa_ccm-4\.1-([^"]+)-mitigates"', page.read_text().replace("&amp;", "&")
    )
    assert sorted(rows) == sorted(SEED_CONTROLS)
    for control_id, name in SEED_CONTROLS.items():
        assert control_id in text and name in text
    assert "This control describes the periodic review and validation of user access" in text
    assert "mitigates" in text
    assert "(Citation:" not in text


def test_control_page_links_back_to_the_technique(ccm_site):
    page = ccm_site / "frameworks" / "csa_ccm" / "controls" / "IAM-08.html"
    parsed = parse(page)
    assert "../../../techniques/T1550.001.html" in parsed.links
    assert "User Access Review" in text_of(page)
    # The technique page links to the control page.
    technique = parse(ccm_site / "techniques" / "T1550.001.html")
    assert "../frameworks/csa_ccm/controls/IAM-08.html" in technique.links


def test_every_control_and_technique_has_a_page(ccm_site):
    data = yaml.load(
        (SHARED_DATA / "mappings" / "csa_ccm-4.1_attack-17.1-enterprise.yaml").read_text(),
        Loader=yaml.CSafeLoader,
    )
    controls = {row["capability_id"] for row in data["mapping_objects"]}
    assert len(controls) == 204
    pages = {p.stem for p in (ccm_site / "frameworks" / "csa_ccm" / "controls").glob("*.html")}
    assert pages == controls  # every ID here is kept as it is in its file name
    techniques = list((ccm_site / "techniques").glob("T*.html"))
    retired = re.compile(r'admonition-title">(Revoked|Deprecated)<')
    active = [p for p in techniques if not retired.search(p.read_text())]
    assert len(active) == 679
    assert len(techniques) == 823  # revoked and deprecated ones keep their pages


def test_non_mappable_control_says_what_it_means(ccm_site):
    text = text_of(ccm_site / "frameworks" / "csa_ccm" / "controls" / "STA-11.html")
    assert "Non-mappable" in text
    assert "out of scope" in text  # the set's own description of non_mappable


def test_unmapped_technique_states_the_gap(ccm_site):
    text = text_of(ccm_site / "techniques" / "T1001.001.html")
    assert "No control of any mapping set maps T1001.001." in text


def test_group_and_framework_pages(ccm_site):
    groups = list((ccm_site / "frameworks" / "csa_ccm" / "groups").glob("*.html"))
    assert len(groups) == 17
    text = text_of(ccm_site / "frameworks" / "csa_ccm" / "index.html")
    assert "204" in text and "mitigates" in text and "Audit and Assurance" in text
    home = text_of(ccm_site / "index.html")
    assert "MITRE" in home and "Apache License" in home


def test_pinned_addresses_redirect_to_the_newest(ccm_site):
    pinned = ccm_site / "frameworks" / "csa_ccm" / "4.1" / "controls" / "IAM-08.html"
    assert 'url=../../controls/IAM-08.html"' in pinned.read_text()
    pinned = ccm_site / "attack" / "enterprise" / "17.1" / "techniques" / "T1550.001.html"
    assert "../../../../techniques/T1550.001.html" in pinned.read_text()


def test_no_broken_links_and_no_outside_requests(ccm_site):
    assert broken_links(ccm_site) == []
    assert outside_requests(ccm_site) == []


def test_duplicate_row_is_listed_on_the_data_quality_page(ccm_site):
    text = text_of(ccm_site / "frameworks" / "csa_ccm" / "data-quality.html")
    assert "exact duplicate of row" in text
    assert "csa_ccm-4.1_attack-17.1-enterprise.yaml" in text
