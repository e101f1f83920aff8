"""The real data in a browser: search, anchors, cite boxes, dark mode, print, accessibility.

Screenshots of the home, a technique and a control page are kept in test-artifacts/.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser import axe_violations, screenshot, search, visit

pytestmark = [pytest.mark.browser, pytest.mark.realdata]

TECHNIQUE = "techniques/T1550.001.html"
CONTROL = "frameworks/csa_ccm/controls/IAM-08.html"
ROW_ON_TECHNIQUE = "map-csa_ccm-4.1-IAM-08-mitigates"
ROW_ON_CONTROL = "T1550.001-mitigates"

# A page of every kind that the accessibility check covers.
PAGES = {
    "home": "index.html",
    "framework": "frameworks/csa_ccm/index.html",
    "group": "frameworks/csa_ccm/groups/IAM.html",
    "control": CONTROL,
    "technique": TECHNIQUE,
    "matrix": "attack/enterprise/index.html",
}

CCM_SEARCHES = {
    "T1550.001": TECHNIQUE,
    "T1550": "techniques/T1550.html",
    "IAM-08": CONTROL,
    "A&A-01": "frameworks/csa_ccm/controls/A%26A-01.html",
    "Application Access Token": TECHNIQUE,
    "Use Alternate Authentication Material": "techniques/T1550.html",
    "User Access Review": CONTROL,
    "Credential Access": "tactics/TA0006.html",
}

FULL_SEARCHES = {
    "CVE-2021-44228": "frameworks/kev/controls/CVE-2021-44228.html",
    "T1550.001": TECHNIQUE,
    "T1550": "techniques/T1550.html",
    "IAM-08": CONTROL,
    "A&A-01": "frameworks/csa_ccm/controls/A%26A-01.html",
    "AC-02": "frameworks/nist_800_53/controls/AC-02.html",
    "Application Access Token": TECHNIQUE,
}


def scheme(page) -> str:
    return page.locator("body").get_attribute("data-md-color-scheme")


def test_search_puts_the_page_of_an_id_or_name_first(browser, ccm_base):
    with visit(browser, ccm_base) as site:
        page = site.open("index.html")
        found = {query: search(page, query)[0] for query in CCM_SEARCHES}
    assert found == {query: ccm_base + path for query, path in CCM_SEARCHES.items()}


def test_full_site_search_finds_ids_of_every_framework(browser, full_base):
    with visit(browser, full_base) as site:
        page = site.open("index.html")
        found = {query: search(page, query)[0] for query in FULL_SEARCHES}
    assert found == {query: full_base + path for query, path in FULL_SEARCHES.items()}


def test_full_site_search_index_stays_small(full_site):
    # Past about 10 MB, browsers stall loading a search index; summaries keep it far below.
    index = full_site / "search" / "search_index.json"
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    print(f"search index: {index.stat().st_size} bytes, {len(docs)} entries")
    assert index.stat().st_size < 2_000_000
    assert all(len(doc["text"]) < 1000 for doc in docs if doc["location"].startswith("frame"))


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return r.top >= 0 && r.top < window.innerHeight; }""",
        selector,
    )


def test_row_anchors_lead_to_their_row(browser, ccm_base):
    with visit(browser, ccm_base) as site:
        page = site.open(f"{TECHNIQUE}#{ROW_ON_TECHNIQUE}")
        row = page.locator(f"tr[id='{ROW_ON_TECHNIQUE}']")
        assert "IAM-08" in row.inner_text() and "mitigates" in row.inner_text()
        assert page.evaluate("document.querySelector(':target').id") == ROW_ON_TECHNIQUE
        assert in_view(page, ":target")

        page = site.open(f"{CONTROL}#{ROW_ON_CONTROL}")
        assert page.evaluate("document.querySelector(':target').id") == ROW_ON_CONTROL
        assert in_view(page, ":target")
        page.locator("tr[id='T1528-mitigates'] a.mx-anchor").click()
        assert page.url.endswith(f"{CONTROL}#T1528-mitigates")

        page = site.open("techniques/T1550.html#sub-csa_ccm-4.1-IAM-08")
        assert page.evaluate("document.querySelector(':target').id") == "sub-csa_ccm-4.1-IAM-08"
        assert "T1550.001" in page.locator(":target").inner_text()


def test_cite_box_gives_both_addresses_and_the_data_versions(browser, ccm_base):
    cases = {
        TECHNIQUE: [
            "techniques/T1550.001.html",
            "attack/enterprise/17.1/techniques/T1550.001.html",
            "ATT&CK Enterprise 17.1",
            "CSA Cloud Controls Matrix 4.1",
        ],
        CONTROL: [
            "frameworks/csa_ccm/controls/IAM-08.html",
            "frameworks/csa_ccm/4.1/controls/IAM-08.html",
            "csa_ccm-4.1_attack-17.1-enterprise.yaml",
        ],
    }
    with visit(browser, ccm_base) as site:
        for path, expected in cases.items():
            page = site.open(path)
            box = page.locator("details.mx-cite")
            assert not box.locator("dl").is_visible()
            box.locator("summary").click()
            text = box.locator("dl").inner_text()
            assert [e for e in expected if e not in text] == [], path


def test_dark_mode_follows_the_system_and_the_toggle(browser, ccm_base):
    with visit(browser, ccm_base, color_scheme="dark") as site:
        page = site.open(TECHNIQUE)
        assert scheme(page) == "slate"
        screenshot(page, "technique-dark")
    with visit(browser, ccm_base, color_scheme="light") as site:
        page = site.open("index.html")
        assert scheme(page) == "default"
        page.locator("label[title='Switch to dark mode']").click()
        # The theme's script switches the scheme after the click: wait for it.
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        page.get_by_role("link", name="Frameworks").first.click()
        page.wait_for_url("**/frameworks/index.html")
        # The choice holds on the next page.
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_no_wcag_aa_violation_on_any_kind_of_page(browser, ccm_site, color_scheme):
    from tests.browser import serve

    found = {}
    with serve(ccm_site) as base, visit(browser, base, color_scheme=color_scheme) as site:
        for kind, path in PAGES.items():
            page = site.open(path)
            found[kind] = axe_violations(page)
            if color_scheme == "light" and kind in ("home", "technique", "control"):
                screenshot(page, kind)
    assert found == {kind: [] for kind in PAGES}


def focused(page) -> str:
    """Describe the focused element: ``tag.class text``."""
    return page.evaluate(
        """() => { const e = document.activeElement;
                   const classes = [...e.classList].filter(c => c !== 'focus-visible');
                   const text = e.textContent.trim().slice(0, 40);
                   return `${e.tagName}.${classes.join('.')} ${text}`; }"""
    )


def test_keyboard_alone_searches_opens_a_page_and_sorts_a_table(browser, ccm_base):
    with visit(browser, ccm_base) as site:
        page = site.open("index.html")
        page.keyboard.press("Tab")
        assert focused(page) == "A.md-skip Skip to content"

        page.keyboard.press("/")
        page.keyboard.type("IAM-08")
        # Results come as each key is typed: wait for those of the whole query.
        page.locator(".md-search-result__link[href*='h=iam+08']").first.wait_for()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: CONTROL in url)

        for _ in range(40):
            page.keyboard.press("Tab")
            if focused(page).startswith("BUTTON.mx-sort"):
                break
        assert focused(page) == "BUTTON.mx-sort Technique"
        page.keyboard.press("Enter")
        header = page.locator("th[aria-sort]")
        assert header.inner_text().startswith("Technique")
        assert header.get_attribute("aria-sort") == "ascending"
        page.keyboard.press(" ")
        assert header.get_attribute("aria-sort") == "descending"


@pytest.mark.parametrize("path", [TECHNIQUE, CONTROL])
def test_print_shows_the_page_alone_with_whole_tables(browser, ccm_site, path):
    from tests.browser import serve

    # About the width of a printed page, so that a table too wide for paper shows here.
    paper = {"width": 760, "height": 1000}
    with serve(ccm_site) as base, visit(browser, base, viewport=paper) as site:
        page = site.open(path)
        page.emulate_media(media="print")
        for chrome in (
            ".md-header",
            ".md-sidebar--primary",
            ".md-sidebar--secondary",
            ".md-footer",
        ):
            assert not page.locator(chrome).first.is_visible(), chrome
        clipped = page.evaluate(
            """() => [...document.querySelectorAll('table')].filter(t =>
                 t.scrollWidth > t.clientWidth + 1 ||
                 t.getBoundingClientRect().right > document.documentElement.clientWidth + 1
               ).map(t => t.className)"""
        )
        assert clipped == []
        assert page.locator("details.mx-cite dl").is_visible()  # the citation prints
        assert len(page.pdf()) > 10_000
