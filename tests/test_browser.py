"""What only a browser shows: navigation, search, anchors, dark mode, print, accessibility.

Each test opens the site through ``visit``, which fails the test on any request to
another host and on any console error. Pages are read over http://127.0.0.1 and from
a copy on disk (file://) unpacked from the site's own zip.
"""

from __future__ import annotations

import zipfile

import pytest

from tests.browser import search, visit

pytestmark = pytest.mark.browser

ZIP = "downloads/site.zip"
TECHNIQUE = "techniques/T1550.001.html"
CONTROL = "frameworks/csa_ccm/controls/IAM-08.html"


def heading(page) -> str:
    return page.locator("article h1").first.inner_text().strip()


def test_zip_holds_the_whole_site_but_not_itself(sample_site):
    with zipfile.ZipFile(sample_site / ZIP) as archive:
        names = {n.split("/", 1)[1] for n in archive.namelist()}
    built = {p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*") if p.is_file()}
    assert names == built - {ZIP}
    assert "search/search_index.js" in names  # search from disk reads this one


def test_navigation_from_home_to_technique_to_control_and_back(browser, sample_base):
    with visit(browser, sample_base) as site:
        page = site.open("index.html")
        page.get_by_role("link", name="technique", exact=True).first.click()
        assert heading(page) == "Techniques"
        page.get_by_role("link", name="T1550.001", exact=True).first.click()
        assert heading(page) == "T1550.001: Application Access Token"
        page.get_by_role("link", name="IAM-08", exact=True).first.click()
        assert heading(page) == "IAM-08: User Access Review"
        page.get_by_role("link", name="T1550.001", exact=True).first.click()
        assert page.url.endswith(TECHNIQUE)
        page.locator(".md-nav__link", has_text="Frameworks").first.click()
        assert heading(page) == "Frameworks"


SAMPLE_SEARCHES = {
    "T1550.001": TECHNIQUE,
    "IAM-08": CONTROL,
    "I&S-05": "frameworks/csa_ccm/controls/I%26S-05.html",
    "Application Access Token": TECHNIQUE,
}


def test_search_puts_the_page_of_an_id_first(browser, sample_base):
    with visit(browser, sample_base) as site:
        page = site.open("index.html")
        for query, expected in SAMPLE_SEARCHES.items():
            assert search(page, query)[0] == sample_base + expected, query


def test_sortable_table_sorts_by_mouse_and_reports_its_order(browser, sample_base):
    with visit(browser, sample_base) as site:
        page = site.open(TECHNIQUE)
        table = page.locator("table[data-sortable]").first
        header = table.locator("th").first
        first_cells = table.locator("tbody tr td:first-child a:not(.mx-anchor)")
        header.get_by_role("button").click()
        ascending = first_cells.all_inner_texts()
        assert header.get_attribute("aria-sort") == "ascending"
        assert ascending == sorted(ascending) and len(ascending) == 9
        header.get_by_role("button").click()
        assert header.get_attribute("aria-sort") == "descending"
        assert first_cells.all_inner_texts() == ascending[::-1]


def test_the_guard_blocks_other_hosts_and_reports_console_errors(browser, sample_base):
    # 127.0.0.2 is on this machine but is not the site: the guard must stop it.
    outside = "http://127.0.0.2:9/font.woff2"
    refused = pytest.raises(AssertionError, match="requests left the site")
    with refused, visit(browser, sample_base) as site:
        page = site.open("index.html")
        page.evaluate("url => fetch(url).catch(() => null)", outside)
    assert site.outside == [outside]

    refused = pytest.raises(AssertionError, match="console showed errors")
    with refused, visit(browser, sample_base) as site:
        site.open("index.html").evaluate("console.error('broken')")
    assert site.errors == [f"{sample_base}index.html: broken"]
