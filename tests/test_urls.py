"""The address rules: documented examples, hostile IDs, and properties over any ID."""

from __future__ import annotations

import itertools
import os
import posixpath
import re
from urllib.parse import unquote

import pytest
from attack_mappings import urls
from attack_mappings.urls import id_slug, name_slug, version_slug
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hostile import HOSTILE_IDS

SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9_&][A-Za-z0-9._&~-]*$")
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{name}{n}" for name in ("COM", "LPT") for n in range(1, 10)
}
PROPERTIES = settings(max_examples=int(os.environ.get("MX_FUZZ_EXAMPLES", "500")), deadline=None)


def assert_safe_segment(segment: str) -> None:
    """A file or folder name every disk accepts and no web server treats specially."""
    assert SAFE_SEGMENT.match(segment), segment
    assert "/" not in segment and "\\" not in segment
    assert not segment.startswith(".") and not segment.endswith(".")
    assert segment.split(".")[0].upper() not in WINDOWS_RESERVED
    assert not segment.lower().endswith(".html")
    assert len(segment) <= 90


@pytest.mark.parametrize(
    ("identifier", "slug"),
    [
        ("T1550.001", "T1550.001"),
        ("IAM-08", "IAM-08"),
        ("A&A-01", "A&A-01"),
        ("CVE-2021-44228", "CVE-2021-44228"),
        ("action.hacking.variety.Other", "action.hacking.variety.Other~f39a3f8a"),
    ],
)
def test_documented_examples(identifier, slug):
    assert id_slug(identifier) == slug


def test_documented_version_and_name_rules():
    assert version_slug("12/12/2024") == "12-12-2024"
    assert version_slug("4.1") == "4.1"
    assert name_slug("csa_ccm") == "csa_ccm"
    assert name_slug("Enterprise") == "enterprise"


@pytest.mark.parametrize("identifier", HOSTILE_IDS + ["", " ", "-", "~", "-.-", "\x00", "..\\.."])
def test_hostile_ids_stay_in_their_folder(identifier):
    path = urls.control_path("evil", identifier, "1")
    folder, name = path.rsplit("/", 1)
    assert folder == "frameworks/evil/1/controls"
    assert name.endswith(".html")
    assert_safe_segment(name[: -len(".html")])
    assert posixpath.normpath(path) == path


@pytest.mark.parametrize("identifier", ["CON", "nul", "Com1.txt", "LPT9", "INDEX", "index"])
def test_names_disks_or_the_site_refuse_get_a_hash(identifier):
    assert "~" in id_slug(identifier)
    assert id_slug(identifier).lower() != "index"


@pytest.mark.parametrize("name", ["con", "index.html", "Data-Quality.HTML", "..", "", "NUL.x"])
def test_framework_and_version_names_that_would_clash_get_a_hash(name):
    for slug in (name_slug(name), version_slug(name)):
        assert "~" in slug
        assert_safe_segment(slug)
    assert "~" in version_slug("controls") and "~" in version_slug("Downloads")


def test_short_ids_over_a_small_alphabet_never_share_a_file():
    # Every ID of up to three characters from letters that fold together, separators
    # that get replaced, and characters that are kept: no two share a slug, in any case.
    alphabet = "aA/-._&~ é"
    ids = ["".join(p) for n in range(4) for p in itertools.product(alphabet, repeat=n)]
    slugs = {id_slug(i).lower() for i in ids}
    assert len(slugs) == len(ids)


ANY_ID = st.text(max_size=120) | st.text(
    alphabet=st.sampled_from("AZaz09._&-~/\\: \t\x00%é"), max_size=20
)


@PROPERTIES
@given(ANY_ID)
def test_any_id_gives_a_safe_file_name(identifier):
    assert_safe_segment(id_slug(identifier))


@PROPERTIES
@given(ANY_ID)
def test_any_name_or_version_gives_a_safe_folder_name(text):
    assert_safe_segment(name_slug(text))
    slug = version_slug(text)
    assert_safe_segment(slug)
    assert slug.lower() not in urls.RESERVED_SEGMENTS


def _variants(identifier: str) -> set[str]:
    """IDs a careless export makes from one: other letter case, other separators."""
    return {
        identifier.lower(),
        identifier.upper(),
        identifier.swapcase(),
        identifier.casefold(),
        identifier.replace("-", "_"),
        identifier.replace("-", "/"),
        identifier.replace(".", "-"),
        identifier + " ",
        identifier + "-",
        "." + identifier,
    } - {identifier}


@PROPERTIES
@given(ANY_ID, ANY_ID)
def test_distinct_ids_never_share_a_file(first, second):
    if first != second:
        assert id_slug(first) != id_slug(second)
        assert id_slug(first).lower() != id_slug(second).lower()


@PROPERTIES
@given(ANY_ID)
def test_near_identical_ids_never_share_a_file_even_ignoring_case(identifier):
    slug = id_slug(identifier).lower()
    for other in _variants(identifier):
        assert id_slug(other).lower() != slug, (identifier, other)


@PROPERTIES
@given(ANY_ID, ANY_ID, ANY_ID, st.sampled_from(["", "1", "12/12/2024", "../x"]))
def test_links_between_any_two_pages_lead_there(framework, control, technique, version):
    pages = [
        urls.control_path(framework, control, version),
        urls.group_path(framework, control, version),
        urls.technique_path(technique, "enterprise", version),
        urls.technique_path(technique),
        urls.quality_path(framework, version),
        "index.html",
    ]
    for start, target in itertools.permutations(pages, 2):
        assert not target.startswith("/") and ".." not in target.split("/")
        link = urls.relative_url(start, target + "#a b")
        path, _, anchor = link.partition("#")
        assert posixpath.normpath(posixpath.join(posixpath.dirname(start), unquote(path))) == (
            target
        )
        assert unquote(anchor) == "a b"
