"""A site built from hostile data shows every field as text, and broken data stops the build
with one message that locates every problem, leaving the site folder as it was."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
import yaml
from attack_mappings import urls

from tests.conftest import ROOT, build_site
from tests.hostile import HOSTILE_IDS, MARK, hostile, unsafe_markup, write_hostile_data
from tests.sitecheck import broken_links, parse, text_of

SITE_IDS = [i for i in HOSTILE_IDS if len(i) <= 300]
EMPTY_SET = {
    "metadata": {
        "technology_domain": "enterprise",
        "attack_version": "1.0",
        "mapping_framework": "empty",
        "mapping_framework_version": "1",
    }
}


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    data = write_hostile_data(root / "data")
    text = yaml.safe_dump(EMPTY_SET)
    (data / "mappings" / "empty-1_attack-1.0-enterprise.yaml").write_text(text, encoding="utf-8")
    result = build_site(data, root / "site")
    assert result.returncode == 0, result.stderr[-4000:]
    return root


@pytest.fixture(scope="module")
def site(hostile_root) -> Path:
    return hostile_root / "site"


def control_page(site: Path, control_id: str) -> Path:
    return site / urls.control_path("evil", control_id)


def test_no_page_runs_or_links_what_the_data_says(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        found, _ = unsafe_markup(page.read_text(encoding="utf-8"))
        assert found == [], page.relative_to(site)
    assert broken_links(site) == []


def test_control_characters_show_as_the_replacement_character(site):
    # The data has a NUL and a bell in IDs: a page holds neither, and says where they were.
    page = control_page(site, "nul\x00byte").read_text(encoding="utf-8")
    assert "nul\ufffdbyte" in page
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text), path.relative_to(site)


def test_search_index_holds_the_data_as_escaped_text(site):
    docs = json.loads((site / "search" / "search_index.json").read_text())["docs"]
    titles = [doc["title"] for doc in docs if MARK in doc["title"]]
    assert len(titles) >= len(SITE_IDS)
    for doc in docs:
        for key in ("title", "text"):
            assert "<script" not in doc[key] and "<img" not in doc[key], doc["location"]
    assert any("&lt;script&gt;alert(" in title for title in titles)


def expected_fields(site: Path) -> dict[Path, list[str]]:
    """Which hostile fields each page shows (see tests/hostile.py for what they hold)."""
    first = control_page(site, SITE_IDS[0])
    return {
        first: [
            "control name 0",
            "technique name 0",
            "comment 0",
            "reference 0",
            "score 0",
            "extra 0",
            "type name",
            "group name",
        ],
        site / "techniques" / "T0001.html": [
            "T0001 name",
            "T0001 description",
            "T0001.001 name",
            "mitigation name",
            "mitigates description",
            "control name 3",
            "comment 5",
            "reference 7",
            "score category",
            "group name",
            "source",
            "platform",
            "tactic name",
            "sources name",
        ],
        site / "tactics" / "TA0001.html": ["tactic name", "tactic description", "T0001 name"],
        site / "frameworks" / "evil" / "index.html": [
            "sources name",
            "sources description",
            "sources publisher",
            "author",
            "contact",
            "organization",
            "creation_date",
            "last_update",
            "mapping_version",
            "type name",
            "type desc",
            "nm desc",
            "group name",
            "unknown group",
        ],
        site / "index.html": [
            "sources name",
            "sources publisher",
            "sources credit",
            "attack credit",
        ],
        site / urls.group_path("evil", "<G>"): ["group name", "control name 1"],
        site / urls.group_path("evil", hostile("unknown group")): ["unknown group"],
        site / "frameworks" / "evil" / "data-quality.html": ["unknown group"],
        control_page(site, "NM-1"): ["nm desc"],
    }


# ATT&CK descriptions are written in Markdown: bold shows as bold, links only when https.
MARKDOWN_FIELDS = {"T0001 description", "tactic description", "mitigates description"}


def test_every_field_shows_as_the_text_it_is(site):
    for page, fields in expected_fields(site).items():
        text = text_of(page)
        for field in fields:
            expected = hostile(field)
            if field in MARKDOWN_FIELDS:
                expected = expected.replace("**bold**", "bold")
            assert expected in text, (page.relative_to(site), field)


def test_titles_show_the_data_as_text(site):
    checks = {
        control_page(site, SITE_IDS[0]): f"{SITE_IDS[0]}: {hostile('control name 0')}",
        site / "techniques" / "T0001.html": f"T0001: {hostile('T0001 name')}",
        site / "tactics" / "TA0001.html": f"TA0001: {hostile('tactic name')}",
        site / "frameworks" / "evil" / "index.html": f"{hostile('sources name')} <v>1|2",
        site / urls.group_path("evil", "<G>"): f"{hostile('group name')} (",
    }
    for page, title in checks.items():
        _, titles = unsafe_markup(page.read_text(encoding="utf-8"))
        assert len(titles) == 1 and titles[0].startswith(title), page.relative_to(site)
        header = re.search(
            r'data-md-component="header-topic">\s*<span[^>]*>(.*?)</span>', _html(page), re.S
        )
        assert unescape(header.group(1).strip()).startswith(title)


def _html(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def test_table_of_contents_shows_headings_as_text(site):
    html = _html(site / "techniques" / "T0001.html")
    toc = html[html.index('class="md-nav md-nav--secondary"') :]
    entries = [
        unescape(re.sub(r"\s+", " ", m).strip())
        for m in re.findall(
            r'class="md-nav__link">\s*<span class="md-ellipsis">(.*?)</span>', toc, re.S
        )
    ]
    label = f"{hostile('sources name')} <v>1|2"
    assert entries == [
        "Sub-techniques",
        "Description",
        "Controls mapped to T0001",
        label,
        "Sets that do not map T0001",
        "Controls for T0001 and its sub-techniques",
        label,
        "ATT&CK mitigations",
        "References",
    ]


@pytest.mark.parametrize(
    ("shown", "never"),
    [
        ('<script>alert("mx-xss")</script>', '<script>alert("mx-xss")'),
        ('<img src=x onerror=alert("mx-xss")>', "<img src=x"),
        ('[click](javascript:alert("mx-xss"))', 'href="javascript:'),
        ("{{ 7*7 }} {% raw %}mx-xss{% endraw %}", ">49<"),
        ('" onmouseover="alert(1)', ' onmouseover="alert(1)"'),
        ("a | b || c", "<td> b "),
        ("**bold** &lt;b&gt; &amp; ok", "<strong>bold</strong> &lt;b&gt;"),
    ],
    ids=["html", "script", "javascript-link", "jinja", "attribute", "pipes", "markdown"],
)
def test_each_kind_of_hostile_text_is_shown_not_obeyed(site, shown, never):
    for page in (control_page(site, SITE_IDS[0]), site / "frameworks" / "evil" / "index.html"):
        assert shown in text_of(page), page.name
        assert never not in _html(page), page.name


def test_template_syntax_and_pipes_are_text(site):
    text = text_of(control_page(site, SITE_IDS[0]))
    assert "{{ 7*7 }} {% raw %}mx-xss{% endraw %}" in text
    assert "a | b || c" in text
    for page in (control_page(site, SITE_IDS[0]), site / "techniques" / "T0001.html"):
        for table in re.findall(r"<table.*?</table>", _html(page), re.S):
            widths = {
                len(re.findall(r"<t[hd][ >]", row))
                for row in re.findall(r"<tr.*?</tr>", table, re.S)
            }
            assert len(widths) == 1, (page.name, widths)


def test_every_hostile_id_has_one_page_inside_its_folder(hostile_root, site):
    assert sorted(p.name for p in hostile_root.iterdir()) == ["data", "site"]
    folder = site / "frameworks" / "evil" / "controls"
    for path in folder.iterdir():
        assert path.resolve().parent == folder.resolve()
    pages = sorted(folder.glob("*.html"))
    assert len(pages) == len(SITE_IDS) + 3  # plus SUB-1, NM-1 and Q-1
    for control_id in SITE_IDS:
        page = control_page(site, control_id)
        assert page.parent == folder and page.exists(), control_id
        shown = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "\ufffd", control_id)
        assert re.sub(r"\s+", " ", shown) in text_of(page)
    for path in site.rglob("*"):
        assert path.resolve().is_relative_to(site.resolve())


def test_a_set_with_metadata_only_gets_its_framework_page(site):
    text = text_of(site / "frameworks" / "empty" / "index.html")
    assert "Controls 0 (0 mapped to ATT&CK)" in text
    assert "frameworks/empty/index.html" in parse(site / "index.html").links


# Builds that must stop. Each writes a data folder, builds into a site folder that
# holds a previous build, and checks the message and that the folder is untouched.

BROKEN = {
    "syntax.yaml": "metadata: [1\n",
    "alias.yaml": "a: &x [1]\nb: *x\n",
    "latin1.yaml": b"metadata:\n  author: caf\xe9\n",
    "duplicate.yaml": 'metadata: {}\n"\\e[2Jkey": 1\n"\\e[2Jkey": 2\n',
    "deep.yaml": "[" * 50_000,
    "layout.yaml": (
        "metadata:\n  technology_domain: enterprise\nmapping_objects:\n- capability_id: ''\n"
    ),
    "empty.yaml": "",
}


def failed_build(tmp_path: Path, files: dict[str, str | bytes], *extra: str) -> tuple[str, Path]:
    data = write_hostile_data(tmp_path / "data")
    for name, content in files.items():
        target = data / "mappings" / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good build", encoding="utf-8")
    result = build_site(data, site, *extra)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good build"
    return result.stderr, data


def test_broken_files_stop_the_build_with_every_problem_located(tmp_path):
    stderr, data = failed_build(tmp_path, BROKEN)
    where = data / "mappings"
    expected = [
        f"{where / 'syntax.yaml'}, line 2: not valid YAML",
        f"{where / 'alias.yaml'}, line 1: YAML anchors and aliases are not allowed",
        f"{where / 'latin1.yaml'}, line 2: not UTF-8 text (byte 23)",
        f"{where / 'duplicate.yaml'}, line 3, field '\\x1b[2Jkey': duplicate key (first at line 2)",
        f"{where / 'deep.yaml'}, line 1: nested more than 100 levels deep",
        f"{where / 'layout.yaml'}, line 2, field 'metadata.attack_version': "
        "'attack_version' is a required property",
        f"{where / 'layout.yaml'}, line 4, row 1, field 'capability_id': '' should be non-empty",
        f"{where / 'layout.yaml'}, line 4, row 1, field 'attack_object_id': "
        "'attack_object_id' is a required property",
        f"{where / 'empty.yaml'}: the file is empty",
    ]
    for line in expected:
        assert line in stderr, line
    assert "\x1b" not in stderr  # terminal escapes from the data are shown, not obeyed
    assert re.search(r"\b1\d problems in the input data:", stderr)
    assert stderr.count("problems in the input data") == 1


def strict_config(tmp_path: Path, patterns: list[str]) -> Path:
    """Write an mkdocs.yml like the project's, with ``strict_sets`` set."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("strict_sets: []", f"strict_sets: {json.dumps(patterns)}")
    text = text.replace("sources: data/sources.yaml", f"sources: {ROOT / 'data' / 'sources.yaml'}")
    text = text.replace("  - hooks/", f"  - {ROOT / 'hooks'}/")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"docs_dir: {ROOT / 'docs'}\n{text}", encoding="utf-8")
    return config


def test_strict_sets_stop_the_build_on_findings(tmp_path):
    config = strict_config(tmp_path, ["evil-*.yaml"])
    stderr, data = failed_build(tmp_path, {}, "-f", str(config))
    path = data / "mappings" / "evil-1_attack-1.0-enterprise.yaml"
    # The row's unknown group, and the file's name, which says version 1.
    assert "2 problems in the input data:" in stderr
    assert "field 'metadata.mapping_framework_version': the file name says '1'" in stderr
    assert f"{path}, line " in stderr and ", row 21, field 'capability_group': group '" in stderr
