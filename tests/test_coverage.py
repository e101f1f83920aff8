"""Coverage of a mapping set: score order, heat levels, gaps, chart bars and the matrix."""

from __future__ import annotations

from pathlib import Path

import pytest
from attack_mappings.attack import load_release
from attack_mappings.charts import bar_chart
from attack_mappings.coverage import Bar, Heat, group_bars, score_order, set_coverage, tactic_bars
from attack_mappings.mappings import parse_mapping_set
from attack_mappings.matrix import build_matrix, matrix_ids

GOLDEN_DATA = Path(__file__).with_name("golden") / "data"


@pytest.fixture(scope="module")
def release():
    return load_release(GOLDEN_DATA / "attack" / "enterprise-attack-1.0.json")


def scored_set(scores: list[str], metadata: dict | None = None):
    """Make a set whose rows give T9001 the scores in order, one control each."""
    rows = [
        {
            "capability_id": f"C-{i}",
            "capability_group": "G",
            "mapping_type": "scores",
            "attack_object_id": "T9001",
            "score_value": score,
        }
        for i, score in enumerate(scores)
    ]
    meta = {
        "technology_domain": "enterprise",
        "attack_version": "1.0",
        "mapping_framework": "made_up",
        "mapping_framework_version": "1",
        **(metadata or {}),
    }
    return parse_mapping_set(Path("made_up.yaml"), {"metadata": meta, "mapping_objects": rows})


def test_score_order_comes_from_the_set_metadata_first():
    mapping_set = scored_set(["high", "low"], {"score_values": ["low", "mid", "high"]})
    order, origin = score_order(mapping_set, {"score_values": "high, low"})
    assert order == ["low", "high"]  # only the scores the rows use
    assert "the set's metadata" in origin


def test_score_order_from_sources_yaml_when_the_set_declares_none():
    order, origin = score_order(scored_set(["high", "low"]), {"score_values": "low, high"})
    assert order == ["low", "high"]
    assert "sources.yaml" in origin


def test_undeclared_scores_follow_in_order_of_first_use():
    order, origin = score_order(scored_set(["odd", "high", "low", "odd"]), {})
    assert order == ["odd", "high", "low"]
    assert "first uses" in origin
    order, origin = score_order(scored_set(["odd", "high"]), {"score_values": "low,high"})
    assert order == ["high", "odd"]
    assert "undeclared" in origin


def test_best_score_colours_the_technique(release):
    mapping_set = scored_set(["b", "c", "a"], {"score_values": ["a", "b", "c"]})
    coverage = set_coverage(mapping_set, release, {})
    assert coverage.heat["T9001"].text == "c"
    assert coverage.heat["T9001"].step == 5
    assert [(level.step, level.label) for level in coverage.levels] == [
        (1, "a"),
        (3, "b"),
        (5, "c"),
    ]


def test_mapped_technique_without_a_score_has_a_level_of_its_own(release):
    mapping_set = scored_set(["low", "high"], {"score_values": ["low", "high"]})
    mapping_set.rows[0].technique_id = "T9002"
    del mapping_set.rows[0].attributes["score_value"]
    coverage = set_coverage(mapping_set, release, {})
    assert [(level.step, level.label) for level in coverage.levels] == [
        (1, "no score"),
        (5, "high"),
    ]
    assert coverage.heat["T9002"] == Heat(1, "no score")


def test_count_levels_stop_at_the_largest_count(release):
    rows = [
        {"capability_id": f"C-{i}", "mapping_type": "m", "attack_object_id": "T9001"}
        for i in range(5)
    ] + [{"capability_id": "C-0", "mapping_type": "m", "attack_object_id": "T9002"}]
    meta = {
        "technology_domain": "enterprise",
        "attack_version": "1.0",
        "mapping_framework": "made_up",
        "mapping_framework_version": "1",
    }
    mapping_set = parse_mapping_set(Path("x.yaml"), {"metadata": meta, "mapping_objects": rows})
    coverage = set_coverage(mapping_set, release, {})
    assert [level.label for level in coverage.levels] == [
        "1 control",
        "2–3 controls",
        "4–7 controls",
    ]
    assert (coverage.heat["T9001"].step, coverage.heat["T9001"].text) == (3, "5")
    assert (coverage.heat["T9002"].step, coverage.heat["T9002"].text) == (1, "1")
    # Gaps are the active techniques nobody maps; the deprecated T9004 is not one.
    assert [t.id for t in coverage.gaps] == ["T9001.001", "T9001.002", "T9003"]
    assert coverage.active == len(coverage.covered) + len(coverage.gaps)


def test_bars_count_per_tactic_and_group(release):
    mapping_set = scored_set(["a"])
    coverage = set_coverage(mapping_set, release, {})
    tactics = tactic_bars(coverage, lambda tactic: f"t/{tactic.id}")
    assert [(b.label, b.covered, b.total, b.href) for b in tactics] == [
        ("Looking Around", 0, 2, "t/TA9002"),
        ("Getting In", 1, 4, "t/TA9001"),
    ]
    groups = group_bars(coverage, {"G": "Group G"}, lambda group_id: f"g/{group_id}")
    assert [(b.label, b.covered, b.total) for b in groups] == [("Group G", 1, 5)]


def test_matrix_shows_every_active_technique_in_tactic_order(release):
    columns = build_matrix(release)
    assert [c.tactic.id for c in columns] == ["TA9002", "TA9001"]
    active = {tid for tid, t in release.techniques.items() if t.active}
    assert matrix_ids(columns) == active
    knock = next(c for c in columns[1].cells if c.technique.id == "T9001")
    assert [s.id for s in knock.subtechniques] == ["T9001.001", "T9001.002"]


def test_matrix_puts_techniques_no_tactic_lists_in_a_last_column():
    release = load_release(GOLDEN_DATA / "attack" / "enterprise-attack-1.0.json")
    looking_around = release.tactics[0]
    looking_around.techniques.remove("T9003")
    columns = build_matrix(release)
    assert columns[-1].tactic is None
    assert [c.technique.id for c in columns[-1].cells] == ["T9003"]
    assert "T9003" in matrix_ids(columns)


def test_chart_scales_bars_and_describes_itself():
    chart = bar_chart(
        "c",
        "Covered",
        "Tactic",
        [Bar("A", 1, 4), Bar("B" * 50, 4, 4), Bar("C", 0, 0), Bar("D", 1, 1000)],
    )
    assert [d.length for d in chart.bars] == [75, 300, 0, 1]
    assert [d.share for d in chart.bars] == ["25%", "100%", "0%", "0%"]
    assert chart.bars[1].label.endswith("…") and len(chart.bars[1].label) <= 34
    assert "Highest: " + "B" * 50 + ", 4 of 4 (100%)" in chart.description
    assert "Lowest: C, 0 of 0 (0%)" in chart.description
