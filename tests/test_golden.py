"""Golden files: page bodies rendered from the hand-made data in tests/golden/data.

Run with UPDATE_GOLDEN=1 to rewrite tests/golden/expected/ after an intended change,
then read the diff before committing it.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
from attack_mappings.generate import SiteOutput, generate_site
from attack_mappings.model import build_catalog
from attack_mappings.render import SiteInfo
from attack_mappings.sources import load_sources

from tests.conftest import built
from tests.sitecheck import broken_links, outside_requests

GOLDEN = Path(__file__).with_name("golden")
DATA = GOLDEN / "data"
EXPECTED = GOLDEN / "expected"

# Golden file name -> address of the generated page whose body it holds.
CASES = {
    "technique-T9001.html": "techniques/T9001.html",
    "coverage-door_controls.html": "frameworks/door_controls/coverage.html",
    "coverage-door_tool.html": "frameworks/door_tool/coverage.html",
    "release-enterprise.html": "attack/enterprise/index.html",
}


@pytest.fixture(scope="module")
def output() -> SiteOutput:
    catalog = build_catalog(DATA, load_sources(DATA / "sources.yaml"))
    return generate_site(catalog, SiteInfo("Golden"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_page_body_matches_golden_file(output: SiteOutput, name: str) -> None:
    html = output.pages[CASES[name]].html
    golden = EXPECTED / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(html, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(True), html.splitlines(True), str(golden), "rendered", n=2
        )
    )
    assert html == expected, f"{name} differs (UPDATE_GOLDEN=1 rewrites it):\n{diff[:4000]}"


def test_rendering_twice_gives_the_same_bytes(output: SiteOutput) -> None:
    again = generate_site(
        build_catalog(DATA, load_sources(DATA / "sources.yaml")), SiteInfo("Golden")
    )
    for path in CASES.values():
        assert again.pages[path].html == output.pages[path].html


def test_citations_are_numbered_links_to_the_sources(output: SiteOutput) -> None:
    html = output.pages["techniques/T9001.html"].html
    assert "(Citation:" not in html
    # Three sources are cited in the description and two in the mitigation, one of
    # them again; each is numbered once, in order of first use, and every number
    # links to its entry.
    entries = re.findall(r'<li id="(ref-\d+)">', html)
    assert entries == ["ref-1", "ref-2", "ref-3", "ref-4"]
    for anchor in entries:
        assert f'href="#{anchor}"' in html
    assert '<a href="https://example.org/doors">A. Author. (2020). The door guide.</a>' in html
    # A source whose URL is not http(s) is listed as text, never as a link.
    assert "javascript:" not in html
    assert "B. Writer. (2021). Notes on locks." in html
    # The mitigation cites a source that only its relationship object lists.
    assert '<a href="https://example.org/locks">C. Smith. (2022). Locks that hold.</a>' in html
    # Markup in a description is shown as text.
    assert "&lt;b&gt;loudly&lt;/b&gt;" in html


def test_heatmap_colours_by_best_declared_score(output: SiteOutput) -> None:
    html = output.pages["frameworks/door_tool/coverage.html"].html
    # T9001 is scored high and low: the best, high, is the darkest step.
    assert re.search(r'<div class="mx-cell__head mx-heat-5"><a [^>]+>T9001</a>', html)
    # T9003 is scored low and medium: medium, the middle of three steps.
    assert re.search(r'mx-cell mx-heat-3"><a [^>]+>T9003</a>', html)
    assert "Best score of any control, lowest first, as the set&#39;s metadata declares." in html


def test_heatmap_counts_distinct_controls(output: SiteOutput) -> None:
    html = output.pages["frameworks/door_controls/coverage.html"].html
    # DC-1 and DC-2 map T9001: two controls, the 2-3 band.
    assert re.search(r'<div class="mx-cell__head mx-heat-2"><a [^>]+>T9001</a>.*?>2</span>', html)
    # Count Rooms is a gap; the deprecated Old Trick is left out, mapped or not.
    gaps = html[html.index('id="enterprise-1.0-gaps"') :]
    assert "T9003</a> Count Rooms" in gaps
    assert "T9004" not in gaps


def test_golden_site_builds_strict_with_no_broken_link(tmp_path: Path) -> None:
    site = built(DATA, tmp_path / "site")
    assert broken_links(site) == []
    assert outside_requests(site) == []
