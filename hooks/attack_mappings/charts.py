"""Bar charts drawn at build time as inline SVG: geometry here, markup in ``charts.html.j2``."""

from __future__ import annotations

from dataclasses import dataclass

from .coverage import Bar

# Drawing units of the SVG viewBox; the chart scales to the page width.
WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 110
ROW_HEIGHT = 22
BAR_HEIGHT = 14
# Longest label drawn in full; the table beside the chart always has the whole label.
MAX_LABEL = 34


@dataclass(frozen=True, slots=True)
class DrawnBar:
    """A bar placed on the chart."""

    bar: Bar
    label: str
    y: int
    track: int
    length: int
    share: str


@dataclass(frozen=True, slots=True)
class BarChart:
    """A horizontal bar chart with its accessible title and description."""

    id: str
    title: str
    column: str
    description: str
    bars: tuple[DrawnBar, ...]
    width: int
    height: int
    label_width: int
    bar_height: int


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _percent(covered: int, total: int) -> str:
    return f"{100 * covered / total:.0f}%" if total else "0%"


def describe(bars: list[Bar], what: str) -> str:
    """Say in one sentence what the chart shows: the text alternative for non-visual readers."""
    if not bars:
        return f"No {what} to show."
    best = max(bars, key=lambda b: (b.covered / b.total if b.total else 0, b.covered))
    worst = min(bars, key=lambda b: (b.covered / b.total if b.total else 0, b.covered))
    return (
        f"Techniques covered per {what}, {len(bars)} bars. Highest: {best.label}, "
        f"{best.covered} of {best.total} ({_percent(best.covered, best.total)}). Lowest: "
        f"{worst.label}, {worst.covered} of {worst.total} ({_percent(worst.covered, worst.total)})."
    )


def bar_chart(chart_id: str, title: str, column: str, bars: list[Bar]) -> BarChart:
    """Place bars of covered-of-total, one per row, on a chart."""
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    drawn = tuple(
        DrawnBar(
            bar=bar,
            label=_short(bar.label),
            y=i * ROW_HEIGHT,
            track=track,
            # A covered technique always shows, however long the track.
            length=max(1, round(track * bar.covered / bar.total)) if bar.covered else 0,
            share=_percent(bar.covered, bar.total),
        )
        for i, bar in enumerate(bars)
    )
    return BarChart(
        id=chart_id,
        title=title,
        column=column,
        description=describe(bars, column.lower()),
        bars=drawn,
        width=WIDTH,
        height=max(len(drawn), 1) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
    )
