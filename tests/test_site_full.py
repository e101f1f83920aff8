"""Every mapping set, domain and release of ../shared/data in one site."""

from __future__ import annotations

import re

import pytest

from tests.sitecheck import broken_links, outside_requests, parse, text_of

pytestmark = pytest.mark.realdata


def test_technique_page_groups_mappings_by_framework(full_site):
    page = full_site / "techniques" / "T1550.001.html"
    html = page.read_text()
    headings = re.findall(r'<h3 id="[^"]+">([^<]+)</h3>', html)
    assert "CSA Cloud Controls Matrix 4.1" in headings
    assert "NIST SP 800-53 rev5" in headings
    text = text_of(page)
    assert "made against ATT&CK Enterprise 17.1" in text  # CCM
    assert "made against ATT&CK Enterprise 16.1" in text  # NIST and the others
    assert "ATT&CK Enterprise 18.1" in text  # the description shown is the newest


def test_scored_sets_show_category_and_score(full_site):
    html = (full_site / "techniques" / "T1078.html").read_text()
    assert "<th>Score category</th>" in html and "<th>Score value</th>" in html
    assert re.search(
        r"<td>(protect|detect|respond)</td>\s*<td>(minimal|partial|significant)</td>", html
    )


def test_revoked_technique_keeps_its_page_and_mappings(full_site):
    text = text_of(full_site / "techniques" / "T1574.002.html")
    assert "T1574.002 was revoked in ATT&CK Enterprise 17.1" in text
    assert "replaced by T1574.001" in text
    assert "NIST SP 800-53 rev5" in text and "VERIS 1.4.0" in text
    pinned = full_site / "attack" / "enterprise" / "16.1" / "techniques" / "T1574.002.html"
    assert "Adversaries may execute their own malicious payloads by side-loading DLLs" in text_of(
        pinned
    )


def test_row_for_a_technique_the_release_lacks_is_shown_and_flagged(full_site):
    text = text_of(full_site / "frameworks" / "nist_800_53" / "data-quality.html")
    assert "T1521.003 is not in ATT&CK Enterprise 16.1" in text
    assert "nist_800_53-rev5_attack-16.1-enterprise.yaml" in text
    assert "names T1496.002 but no control" in text
    control_pages = list((full_site / "frameworks" / "nist_800_53" / "controls").glob("*.html"))
    flagged = [
        p
        for p in control_pages
        if "T1521.003 is not in ATT&amp;CK Enterprise 16.1" in p.read_text()
    ]
    assert flagged


def test_framework_versions_written_as_dates_get_safe_addresses(full_site):
    assert (full_site / "frameworks" / "kev" / "07-28-2025" / "index.html").is_file()
    page = full_site / "frameworks" / "kev" / "controls" / "CVE-2021-44228.html"
    assert "Log4j" in text_of(page) or "Log4Shell" in text_of(page)


def test_related_controls_are_labelled_as_derived(full_site):
    page = full_site / "frameworks" / "csa_ccm" / "controls" / "IAM-08.html"
    text = text_of(page)
    assert "Related controls in other frameworks" in text
    assert "Derived by this site, not part of any mapping set" in text
    assert any("nist_800_53/controls/" in link for link in parse(page).links)


def test_release_pages_for_every_release(full_site):
    for domain, versions in {"enterprise": ["16.1", "17.1"], "mobile": [], "ics": []}.items():
        assert (full_site / "attack" / domain / "index.html").is_file()
        for version in versions:
            assert "ATT&CK " + domain.capitalize() + " " + version in text_of(
                full_site / "attack" / domain / version / "index.html"
            )


def test_no_broken_links_and_no_outside_requests(full_site):
    assert broken_links(full_site) == []
    assert outside_requests(full_site) == []
