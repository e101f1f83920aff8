"""Two versions of one framework side by side: version-free and pinned addresses."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import SHARED_DATA, built, make_data_folder, needs_shared_data
from tests.sitecheck import broken_links, text_of

pytestmark = pytest.mark.realdata


class NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """CCM 4.1 as published plus a made-up 4.2: IAM-08 renamed, STA-11 dropped, XYZ-01 added."""
    needs_shared_data()
    source = SHARED_DATA / "mappings" / "csa_ccm-4.1_attack-17.1-enterprise.yaml"
    newer = yaml.load(source.read_text(), Loader=yaml.CSafeLoader)
    newer["metadata"]["mapping_framework_version"] = "4.2"
    rows = [r for r in newer["mapping_objects"] if r["capability_id"] != "STA-11"]
    for row in rows:
        if row["capability_id"] == "IAM-08":
            row["capability_description"] = "User Access Review, revised"
    rows.append({**rows[0], "capability_id": "XYZ-01", "capability_description": "New control"})
    newer["mapping_objects"] = rows
    folder = tmp_path_factory.mktemp("versions")
    data = make_data_folder(folder / "data", ["enterprise-attack-17.1.json"], [source])
    target = data / "mappings" / "csa_ccm-4.2_attack-17.1-enterprise.yaml"
    target.write_text(yaml.dump(newer, Dumper=NoAliases))
    return built(data, folder / "site")


def test_version_free_addresses_show_the_newest(two_versions):
    text = text_of(two_versions / "frameworks" / "csa_ccm" / "controls" / "IAM-08.html")
    assert "User Access Review, revised" in text
    assert "CSA Cloud Controls Matrix 4.2" in text
    assert "Other versions: CSA Cloud Controls Matrix 4.1" in text


def test_pinned_addresses_keep_their_version(two_versions):
    pinned = two_versions / "frameworks" / "csa_ccm" / "4.1" / "controls" / "IAM-08.html"
    text = text_of(pinned)
    assert "User Access Review" in text and "revised" not in text
    newest_pinned = two_versions / "frameworks" / "csa_ccm" / "4.2" / "controls" / "IAM-08.html"
    assert 'http-equiv="refresh"' in newest_pinned.read_text()
    assert (
        'http-equiv="refresh"'
        not in (two_versions / "frameworks" / "csa_ccm" / "4.1" / "index.html").read_text()
    )


def test_item_missing_from_the_newest_version_shows_its_last_one(two_versions):
    text = text_of(two_versions / "frameworks" / "csa_ccm" / "controls" / "STA-11.html")
    assert "CSA Cloud Controls Matrix 4.1" in text
    assert (two_versions / "frameworks" / "csa_ccm" / "4.1" / "controls" / "STA-11.html").is_file()
    assert not (
        two_versions / "frameworks" / "csa_ccm" / "4.2" / "controls" / "STA-11.html"
    ).exists()


def test_technique_page_lists_both_versions(two_versions):
    text = text_of(two_versions / "techniques" / "T1550.001.html")
    assert "CSA Cloud Controls Matrix 4.2" in text and "CSA Cloud Controls Matrix 4.1" in text
    assert text.index("CSA Cloud Controls Matrix 4.2") < text.index(
        "CSA Cloud Controls Matrix 4.1 "
    )


def test_links_resolve(two_versions):
    assert broken_links(two_versions) == []
