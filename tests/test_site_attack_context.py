"""Everything in ../shared/data in one site: citations, matrices and coverage pages.

Expected numbers are worked out here from the YAML and STIX files directly, not from
the generator's model, so a mistake in the model cannot hide itself.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from tests.conftest import SHARED_DATA
from tests.sitecheck import parse

pytestmark = pytest.mark.realdata

CELL = re.compile(
    r'(?:<li class="mx-cell |<div class="mx-cell__head )mx-heat-(\d)">'
    r'<a href="[^"]*">([^<]+)</a>'
    r' <span class="mx-cell__name">[^<]*</span> <span class="mx-cell__value">([^<]*)</span>'
)


@cache
def active_techniques(domain: str, version: str) -> frozenset[str]:
    """Read the IDs of a bundle's techniques that are neither revoked nor deprecated."""
    bundle = json.loads((SHARED_DATA / "attack" / f"{domain}-attack-{version}.json").read_text())
    active = set()
    for obj in bundle["objects"]:
        if obj.get("type") != "attack-pattern" or obj.get("revoked"):
            continue
        if obj.get("x_mitre_deprecated"):
            continue
        for ref in obj.get("external_references", ()):
            if ref.get("source_name", "").startswith("mitre") and ref.get("external_id"):
                active.add(ref["external_id"])
    return frozenset(active)


@cache
def mapping_sets() -> dict[str, dict]:
    """Read every mapping file: metadata and, per technique, the controls that map it."""
    sets = {}
    for path in sorted((SHARED_DATA / "mappings").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        controls: dict[str, set[str]] = defaultdict(set)
        scores: dict[str, list[str]] = defaultdict(list)
        for row in data["mapping_objects"] or ():
            tid, control = row.get("attack_object_id"), row.get("capability_id")
            kinds = (row.get("status"), row.get("mapping_type"))
            if tid and control and "non_mappable" not in kinds:
                controls[tid].add(str(control).strip())
                if row.get("score_value"):
                    scores[tid].append(row["score_value"])
        sets[path.name] = {"meta": data["metadata"], "controls": controls, "scores": scores}
    return sets


def section(html: str, anchor: str) -> str:
    """Return the part of a coverage page about one mapping set."""
    start = html.index(f'<h2 id="{anchor}">')
    end = html.find("<h2 ", start + 1)
    return html[start : end if end > 0 else len(html)]


def coverage_page(full_site: Path, framework: str) -> str:
    """Return the coverage page of a framework the data holds in one version only."""
    versions = {
        s["meta"]["mapping_framework_version"]
        for s in mapping_sets().values()
        if s["meta"]["mapping_framework"] == framework
    }
    assert len(versions) == 1, "the version-free page shows the newest of several versions"
    return (full_site / "frameworks" / framework / "coverage.html").read_text(encoding="utf-8")


def test_no_page_shows_a_raw_citation_marker(full_site):
    pages = list(full_site.rglob("*.html"))
    assert len(pages) > 6000
    raw = [str(p.relative_to(full_site)) for p in pages if "(Citation:" in p.read_text("utf-8")]
    assert raw == []


@pytest.mark.parametrize(
    ("domain", "version", "page"),
    [
        ("enterprise", "18.1", "attack/enterprise/index.html"),
        ("enterprise", "17.1", "attack/enterprise/17.1/index.html"),
        ("enterprise", "16.1", "attack/enterprise/16.1/index.html"),
        ("mobile", "16.1", "attack/mobile/index.html"),
        ("ics", "16.1", "attack/ics/index.html"),
    ],
)
def test_matrix_links_every_active_technique_of_its_release(full_site, domain, version, page):
    path = full_site / page
    linked = {}
    for href in parse(path).links:
        target = (path.parent / unquote(href.split("#")[0])).resolve()
        if target.parent.name == "techniques":
            linked[target.stem] = target
    assert set(linked) >= active_techniques(domain, version)
    assert all(target.is_file() for target in linked.values())
    # Each link shows the technique as of this release: its pinned page, the page of a
    # later release that describes it alike, or the newest page.
    later = {v for v in ("16.1", "17.1", "18.1") if float(v) >= float(version)}
    for tid, target in linked.items():
        relative = target.relative_to(full_site).as_posix()
        allowed = {f"techniques/{tid}.html"} | {
            f"attack/{domain}/{v}/techniques/{tid}.html" for v in later
        }
        assert relative in allowed


@pytest.mark.parametrize("file_name", sorted(p.name for p in (SHARED_DATA / "mappings").glob("*")))
def test_coverage_numbers_agree_with_the_data(full_site, file_name):
    data = mapping_sets()[file_name]
    meta = data["meta"]
    domain, release = meta["technology_domain"], meta["attack_version"]
    active = active_techniques(domain, release)
    covered = active & data["controls"].keys()
    html = section(coverage_page(full_site, meta["mapping_framework"]), f"{domain}-{release}")

    gap_count = re.search(r'class="mx-gap-count"><a [^>]+>(\d+)</a>', html)
    assert int(gap_count[1]) == len(active - covered)
    gap_list = html[html.index('<ul class="mx-gap-list">') :] if active - covered else ""
    listed = set(re.findall(r'<li><a href="[^"]+">([^<]+)</a>', gap_list))
    assert listed == active - covered
    assert f'class="mx-covered">{len(covered)} (' in html
    assert f'<th scope="row">Active techniques and sub-techniques</th><td>{len(active)}<' in html


def test_count_heatmap_shows_distinct_controls_per_technique(full_site):
    data = mapping_sets()["nist_800_53-rev5_attack-16.1-enterprise.yaml"]
    html = section(coverage_page(full_site, "nist_800_53"), "enterprise-16.1")
    cells = CELL.findall(html)
    assert len(cells) > 600
    for step, tid, value in cells:
        count = len(data["controls"].get(tid, ()))
        assert value == (str(count) if count else "–"), tid
        assert int(step) == (
            0
            if not count
            else 1
            if count == 1
            else 2
            if count <= 3
            else 3
            if count <= 7
            else 4
            if count <= 15
            else 5
        ), tid


@pytest.mark.parametrize(
    ("file_name", "framework"),
    [
        ("aws-12.12.2024_attack-16.1-enterprise.yaml", "aws"),
        ("m365-07.18.2025_attack-16.1-enterprise.yaml", "m365"),
    ],
)
def test_score_heatmap_shows_the_best_score(full_site, file_name, framework):
    order = ["minimal", "partial", "significant"]
    data = mapping_sets()[file_name]
    html = section(coverage_page(full_site, framework), "enterprise-16.1")
    legend = re.findall(r'<li><span class="mx-swatch mx-heat-(\d)"></span> ([^<]+)</li>', html)
    assert legend == [
        ("0", "– not mapped"),
        ("1", "minimal"),
        ("3", "partial"),
        ("5", "significant"),
    ]
    cells = CELL.findall(html)
    assert {value for _, _, value in cells} == {"–", *order}
    for step, tid, value in cells:
        scores = data["scores"].get(tid)
        expected = max(scores, key=order.index) if scores else "–"
        assert value == expected, tid
        assert int(step) == ({"–": 0, "minimal": 1, "partial": 3, "significant": 5}[value])


def test_parent_technique_rolls_up_its_sub_techniques(full_site):
    data = mapping_sets()["nist_800_53-rev5_attack-16.1-enterprise.yaml"]
    subs = {tid for tid in data["controls"] if tid.startswith("T1003.")}
    expected = set().union(
        data["controls"].get("T1003", set()), *(data["controls"][s] for s in subs)
    )
    html = (full_site / "techniques" / "T1003.html").read_text(encoding="utf-8")
    part = html[html.index('id="from-sub-techniques"') :]
    part = part[part.index('<h3 id="sub-nist_800_53') :]
    part = part[: part.index("</table>")]
    rows = re.findall(r'<tr id="sub-[^"]+"><td><a href="[^"]+">([^<]+)</a>', part)
    assert sorted(rows) == sorted(expected)  # each control once
    direct = len(data["controls"].get("T1003", ()))
    assert f"{len(expected)} controls: {direct} map T1003 itself" in part
