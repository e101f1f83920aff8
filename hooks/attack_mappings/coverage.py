"""What one mapping set covers of its ATT&CK release, computed once per set.

A technique is covered when at least one mappable row of the set names it with a
control. Heatmaps colour a technique by how many distinct controls map it or, in a
scored set (rows with ``score_value``), by its best score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from . import urls
from .attack import Release, Tactic, Technique
from .errors import natural_key
from .mappings import MappingSet
from .matrix import Column, build_matrix

# Upper bounds of the heatmap's count bands: 1, 2-3, 4-7, 8-15, 16 or more controls.
COUNT_BANDS = (1, 3, 7, 15)

# Colour steps of the stylesheet (mx-heat-1 to mx-heat-5); 0 is "not mapped".
STEPS = 5

SCORE_FIELD = "score_value"
SCORE_ORDER_FIELD = "score_values"


@dataclass(frozen=True, slots=True)
class Level:
    """One colour of a heatmap and what it stands for."""

    step: int
    label: str


@dataclass(frozen=True, slots=True)
class Heat:
    """A technique's cell in a heatmap: its colour step and the value shown as text."""

    step: int
    text: str


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a chart: how many of ``total`` techniques are covered."""

    label: str
    covered: int
    total: int
    href: str = ""


@dataclass(slots=True, eq=False)
class SetCoverage:
    """Everything the coverage page shows for one mapping set."""

    mapping_set: MappingSet
    release: Release
    columns: tuple[Column, ...]
    active: int
    controls: dict[str, set[str]]
    covered: set[str]
    gaps: list[Technique]
    heat: dict[str, Heat]
    levels: list[Level]
    legend: str

    @property
    def anchor(self) -> str:
        """The section's id on the coverage page: domain and ATT&CK release."""
        return urls.coverage_anchor(self.mapping_set.domain, self.mapping_set.attack_version)


def _declared_order(mapping_set: MappingSet, info: dict) -> tuple[list[str], str]:
    """Return the score order a set or its framework declares, lowest first, and who said so."""
    for value, source in (
        (mapping_set.metadata.get(SCORE_ORDER_FIELD), "the set's metadata"),
        (info.get(SCORE_ORDER_FIELD), "the framework's entry in sources.yaml"),
    ):
        if isinstance(value, str):
            value = value.split(",")
        if value:
            return [str(v).strip() for v in value if str(v).strip()], source
    return [], ""


def score_order(mapping_set: MappingSet, info: dict) -> tuple[list[str], str]:
    """Order the scores a set uses, lowest first, and say where the order comes from.

    The order is data: ``score_values`` in the set's metadata, else in the framework's
    ``sources.yaml`` entry. Scores found in rows but not declared follow, in the order
    the rows first use them; a set that declares nothing is ordered that way entirely.
    """
    declared, source = _declared_order(mapping_set, info)
    found: list[str] = []
    for row in mapping_set.rows:
        score = row.attributes.get(SCORE_FIELD)
        if row.mappable and score and score not in found:
            found.append(score)
    order = [s for s in declared if s in found] + [s for s in found if s not in declared]
    if not declared:
        return order, "in the order the set first uses them (it declares no order)"
    if any(s not in declared for s in found):
        return order, f"lowest first as {source} declares, then undeclared ones as first used"
    return order, f"lowest first, as {source} declares"


def _score_step(index: int, count: int, lowest: int = 1) -> int:
    """Spread ``count`` ordered scores over steps ``lowest`` to 5, the best always darkest."""
    if count <= 1:
        return STEPS
    return lowest + round(index * (STEPS - lowest) / (count - 1))


def _count_levels(most: int) -> list[Level]:
    """Return the count bands up to the largest count found."""
    levels, low = [], 1
    for step, high in enumerate(COUNT_BANDS, start=1):
        if low > most:
            return levels
        label = "1 control" if high == 1 else f"{low}–{high} controls"
        levels.append(Level(step, label))
        low = high + 1
    if low <= most:
        levels.append(Level(STEPS, f"{low} or more controls"))
    return levels


def _count_step(count: int) -> int:
    return next((i for i, high in enumerate(COUNT_BANDS, start=1) if count <= high), STEPS)


def _scored_heat(
    mapping_set: MappingSet, covered: set[str], info: dict
) -> tuple[dict[str, Heat], list[Level], str]:
    """Colour each covered technique by the best score any row gives it."""
    order, origin = score_order(mapping_set, info)
    rank = {score: i for i, score in enumerate(order)}
    best: dict[str, int] = {}
    for row in mapping_set.rows:
        score = row.attributes.get(SCORE_FIELD)
        if row.mappable and score and row.technique_id in covered:
            best[row.technique_id] = max(best.get(row.technique_id, -1), rank[score])
    # Techniques mapped only by rows without a score get the lightest step to themselves.
    unscored = covered - best.keys()
    lowest = 2 if unscored else 1
    steps = [_score_step(i, len(order), lowest) for i in range(len(order))]
    heat = {tid: Heat(steps[i], order[i]) for tid, i in best.items()}
    heat.update((tid, Heat(1, "no score")) for tid in unscored)
    levels = [Level(1, "no score")] if unscored else []
    levels += [Level(step, score) for step, score in zip(steps, order, strict=True)]
    return heat, levels, f"Best score of any control, {origin}."


def _counted_heat(
    controls: dict[str, set[str]], covered: set[str]
) -> tuple[dict[str, Heat], list[Level], str]:
    """Colour each covered technique by how many distinct controls map it."""
    heat = {tid: Heat(_count_step(len(controls[tid])), str(len(controls[tid]))) for tid in covered}
    most = max((len(controls[tid]) for tid in covered), default=0)
    return heat, _count_levels(most), "Number of distinct controls that map the technique."


def _mapped_controls(mapping_set: MappingSet, release: Release) -> dict[str, set[str]]:
    """Return, per technique of the release, the distinct controls of the set that map it."""
    controls: dict[str, set[str]] = defaultdict(set)
    for row in mapping_set.rows:
        if row.mappable and row.technique_id in release.techniques:
            controls[row.technique_id].add(row.control_id)
    return dict(controls)


def set_coverage(mapping_set: MappingSet, release: Release, info: dict) -> SetCoverage:
    """Compute a set's coverage of its release: heat per technique, gaps, chart bars."""
    active = {tid for tid, t in release.techniques.items() if t.active}
    controls = _mapped_controls(mapping_set, release)
    covered = active & controls.keys()
    scored = any(r.mappable and r.attributes.get(SCORE_FIELD) for r in mapping_set.rows)
    if scored:
        heat, levels, legend = _scored_heat(mapping_set, covered, info)
    else:
        heat, levels, legend = _counted_heat(controls, covered)
    gaps = sorted(
        (release.techniques[t] for t in active - covered), key=lambda t: natural_key(t.id)
    )
    return SetCoverage(
        mapping_set=mapping_set,
        release=release,
        columns=build_matrix(release),
        active=len(active),
        controls=controls,
        covered=covered,
        gaps=gaps,
        heat=heat,
        levels=levels,
        legend=legend,
    )


def tactic_bars(coverage: SetCoverage, href_of: Callable[[Tactic], str]) -> list[Bar]:
    """Count covered techniques and sub-techniques per tactic column of the matrix."""
    bars = []
    for column in coverage.columns:
        ids = {t.id for cell in column.cells for t in (cell.technique, *cell.subtechniques)}
        label = column.tactic.name if column.tactic else "No tactic"
        href = href_of(column.tactic) if column.tactic else ""
        bars.append(Bar(label, len(ids & coverage.covered), len(ids), href))
    return bars


def group_bars(
    coverage: SetCoverage, names: dict[str, str], href_of: Callable[[str], str]
) -> list[Bar]:
    """Count the active techniques each capability group's controls map, of all active ones."""
    by_group: dict[str, set[str]] = {group_id: set() for group_id in coverage.mapping_set.groups}
    for row in coverage.mapping_set.rows:
        if row.group_id is None or not row.control_id:
            continue  # a group holds controls; a row without one names no group's control
        techniques = by_group.setdefault(row.group_id, set())
        if row.mappable and row.technique_id in coverage.covered:
            techniques.add(row.technique_id)
    return [
        Bar(names.get(group_id, group_id), len(techniques), coverage.active, href_of(group_id))
        for group_id, techniques in by_group.items()
    ]
