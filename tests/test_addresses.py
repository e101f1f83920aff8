"""Published addresses never break: across data updates, and against the manifest."""

from __future__ import annotations

import pytest

from scripts.addresses import missing, site_addresses
from tests.conftest import ROOT, built, make_data_folder, needs_shared_data

pytestmark = pytest.mark.realdata

MANIFEST = ROOT / "addresses" / "full-data.txt"

SETS_16_1 = [
    "aws-12.12.2024_attack-16.1-enterprise.yaml",
    "kev-07.28.2025_attack-16.1-enterprise.yaml",
    "kev-07.28.2025_attack-16.1-mobile.yaml",
    "m365-07.18.2025_attack-16.1-enterprise.yaml",
    "nist_800_53-rev5_attack-16.1-enterprise.yaml",
    "veris-1.4.0_attack-16.1-enterprise.yaml",
    "veris-1.4.0_attack-16.1-ics.yaml",
    "veris-1.4.0_attack-16.1-mobile.yaml",
]
BUNDLES_16_1 = ["enterprise-attack-16.1.json", "mobile-attack-16.1.json", "ics-attack-16.1.json"]


def test_every_address_of_the_manifest_resolves(full_site):
    assert MANIFEST.is_file()
    assert missing(full_site, MANIFEST) == []


def test_addresses_of_the_16_1_era_survive_later_releases(full_site, tmp_path):
    needs_shared_data()
    data = make_data_folder(tmp_path / "data", BUNDLES_16_1, SETS_16_1)
    early = site_addresses(built(data, tmp_path / "site"))
    assert "techniques/T1574.002.html" in early
    assert "attack/enterprise/16.1/techniques/T1574.002.html" in early  # then a redirect
    later = site_addresses(full_site)
    assert early - later == set()
    # The pinned 16.1 page was a redirect; now that 17.1 and 18.1 exist it is a page.
    pinned = full_site / "attack" / "enterprise" / "16.1" / "techniques" / "T1574.002.html"
    assert 'http-equiv="refresh"' not in pinned.read_text()
