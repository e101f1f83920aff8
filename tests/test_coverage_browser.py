"""What only a browser shows of a coverage page: heat colours in light, dark and print."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import built

pytestmark = pytest.mark.browser

# The background of each heat step and of the page, as the browser paints them.
COLOURS = """() => {
  const paint = (el) => getComputedStyle(el).backgroundColor;
  const probe = (step) => {
    const el = document.createElement("span");
    el.className = "mx-swatch mx-heat-" + step;
    document.querySelector(".mx-legend").append(el);
    const colour = paint(el);
    el.remove();
    return colour;
  };
  return {steps: [0, 1, 2, 3, 4, 5].map(probe),
          page: paint(document.querySelector("body"))};
}"""


@pytest.fixture(scope="module")
def golden_site(tmp_path_factory) -> Path:
    """The site of the hand-made golden data: a sub-technique mapped by two controls."""
    return built(Path(__file__).with_name("golden") / "data", tmp_path_factory.mktemp("golden"))


def coverage_of(site: Path) -> str:
    return (site / "frameworks" / "door_controls" / "coverage.html").as_uri()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_heat_steps_are_distinct_colours_in_both_schemes(browser, golden_site, scheme):
    page = browser.new_page(color_scheme=scheme)
    page.goto(coverage_of(golden_site))
    colours = page.evaluate(COLOURS)
    steps = colours["steps"]
    assert len(set(steps[1:])) == 5, steps  # five different tints
    assert steps[0] in ("rgba(0, 0, 0, 0)", "transparent")  # not mapped: no fill
    # The mapped technique's cell is painted with the colour its legend entry shows.
    page.locator("li.mx-cell--parent:has(a:text-is('T9001')) summary").first.click()
    cell = page.locator("li.mx-cell:has(> a:text-is('T9001.001'))").first
    legend_step = cell.get_attribute("class").split("mx-heat-")[1]
    assert cell.evaluate("el => getComputedStyle(el).backgroundColor") == steps[int(legend_step)]
    page.close()


def test_print_keeps_colours_and_opens_sub_techniques(browser, golden_site):
    page = browser.new_page()
    page.goto(coverage_of(golden_site))
    cell = page.locator("li.mx-cell:has(> a:text-is('T9001.001'))").first
    assert not cell.is_visible()  # inside a closed <details> on screen
    page.emulate_media(media="print")
    assert cell.evaluate("el => getComputedStyle(el).printColorAdjust") == "exact"
    assert cell.is_visible()
    page.close()
