"""The site a fresh clone builds from the repository's own sample data."""

from __future__ import annotations

from tests.sitecheck import broken_links, outside_requests, text_of


def test_sample_builds_and_shows_the_seed(sample_site):
    text = text_of(sample_site / "techniques" / "T1550.001.html")
    for control_id in (
        "IAM-08",
        "I&S-05",
        "I&S-07",
        "CEK-03",
        "DSP-10",
        "DSP-07",
        "DSP-17",
        "UEM-08",
        "AIS-04",
    ):
        assert control_id in text
    assert "Adversaries may use stolen application access tokens" in text
    # Citations without a known source are numbered, never shown raw.
    assert "(Citation:" not in text
    assert "Auth0 - Why You Should Always Use Access Tokens to Secure APIs Sept 2019" in text


def test_sample_links_resolve(sample_site):
    assert broken_links(sample_site) == []
    assert outside_requests(sample_site) == []


def test_control_with_ampersand_has_a_readable_page(sample_site):
    page = sample_site / "frameworks" / "csa_ccm" / "controls" / "I&S-05.html"
    assert "Production and Non-Production Environments" in text_of(page)
