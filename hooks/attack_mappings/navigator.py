"""ATT&CK Navigator layers (layer format 4.5): one per mapping set, coloured by coverage.

A set whose rows carry score values (numbers, or words that ``sources.yaml`` ranks in
``score_values``) is scored by the best score of each technique; any other set by the
number of controls mapped to each technique.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .attack import Release
from .errors import natural_key
from .mappings import Mapping, MappingSet
from .render import SiteInfo
from .urls import control_path, framework_path, technique_path

LAYER_FORMAT = "4.5"
NAVIGATOR_VERSION = "5.1.0"

# Gradient from no coverage to the most coverage the set has.
LOW_COLOR, HIGH_COLOR = "#e8f1fb", "#1565c0"


def _score(value: str | None, scale: dict[str, float]) -> float | None:
    """Return a row's score value as a number: numeric text, or a word the scale ranks."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return scale.get(value.strip().lower())


def _color(low: str, high: str, fraction: float) -> str:
    """Return the colour a fraction of the way from ``low`` to ``high``."""
    a = [int(low[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(high[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * fraction):02x}" for x, y in zip(a, b, strict=True))


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _legend(points: list[tuple[str, float]], low: float, high: float) -> list[dict[str, str]]:
    span = (high - low) or 1
    return [
        {"label": label, "color": _color(LOW_COLOR, HIGH_COLOR, (value - low) / span)}
        for label, value in points
    ]


def _row_note(row: Mapping) -> str:
    parts = [row.type_label]
    for key in ("score_category", "score_value"):
        if row.attributes.get(key):
            parts.append(row.attributes[key])
    name = f"{row.control_id}: {row.control_name}" if row.control_name else str(row.control_id)
    return f"{name} ({', '.join(parts)})"


class LayerWriter:
    """Writes the Navigator layer of one mapping set."""

    def __init__(
        self, mapping_set: MappingSet, release: Release, site: SiteInfo, label: str
    ) -> None:
        self.set = mapping_set
        self.release = release
        self.site = site
        self.label = label
        self.by_technique: dict[str, list[Mapping]] = defaultdict(list)
        for row in mapping_set.shown:
            if row.mappable and row.technique_id in release.techniques:
                self.by_technique[row.technique_id].append(row)

    def _scores(self, scale: dict[str, float]) -> dict[str, float]:
        """Return each technique's best score, or nothing when the set has no scores."""
        scores: dict[str, float] = {}
        for technique_id, rows in self.by_technique.items():
            values = [_score(row.attributes.get("score_value"), scale) for row in rows]
            known = [v for v in values if v is not None]
            if known:
                scores[technique_id] = max(known)
        return scores

    def _technique(self, technique_id: str, score: float | None) -> dict[str, Any]:
        rows = self.by_technique[technique_id]
        controls = sorted({r.control_id for r in rows if r.control_id}, key=natural_key)
        entry: dict[str, Any] = {"techniqueID": technique_id}
        if score is not None:
            entry["score"] = _number(score)
        entry["comment"] = f"{len(controls)} control{'s' if len(controls) != 1 else ''}: " + (
            ", ".join(controls)
        )
        entry["metadata"] = [{"name": "Mapping", "value": _row_note(r)} for r in rows]
        entry["links"] = [
            {
                "label": f"{technique_id} on {self.site.name}",
                "url": self.site.url_of(technique_path(technique_id)),
            },
            *(
                {
                    "label": c,
                    "url": self.site.url_of(
                        control_path(self.set.framework, c, self.set.framework_version)
                    ),
                }
                for c in controls
            ),
        ]
        entry["enabled"] = True
        entry["showSubtechniques"] = False
        return entry

    def _scoring(self, scale: dict[str, float]) -> tuple[dict[str, float], str, list]:
        """Return the score per technique, what it means, and the legend points."""
        scores = self._scores(scale)
        if scores:
            words = {
                r.attributes["score_value"].strip(): value
                for rows in self.by_technique.values()
                for r in rows
                if (value := _score(r.attributes.get("score_value"), scale)) is not None
            }
            points = sorted(words.items(), key=lambda item: (item[1], item[0]))
            return scores, "best score of the technique's rows", points
        counts = {
            t: float(len({r.control_id for r in rows})) for t, rows in self.by_technique.items()
        }
        steps = sorted(set(counts.values()))
        if len(steps) > 5:
            steps = [steps[0], steps[len(steps) // 2], steps[-1]]
        points = [(f"{int(v)} control{'s' if v != 1 else ''}", v) for v in steps]
        return counts, "number of controls mapped", points

    def _about(self, name: str, meaning: str) -> dict[str, Any]:
        """Return what the layer says about itself: metadata and a link to the set's page."""
        page = framework_path(self.set.framework, self.set.framework_version)
        return {
            "metadata": [
                {"name": "Mapping set", "value": self.set.name},
                {"name": "ATT&CK release", "value": self.release.label},
                {"name": "Score", "value": meaning},
            ],
            "links": [{"label": self.label, "url": self.site.url_of(page)}],
        }

    def layer(self, scale: dict[str, float]) -> dict[str, Any]:
        """Return the layer as a JSON-ready dictionary."""
        scores, meaning, points = self._scoring(scale)
        values = list(scores.values()) or [0.0]
        low, high = min(0.0, *values), max(1.0, *values)
        name = f"{self.label} ({self.release.label})"
        return {
            "name": name,
            "versions": {
                "attack": self.release.version,
                "navigator": NAVIGATOR_VERSION,
                "layer": LAYER_FORMAT,
            },
            "domain": f"{self.release.domain}-attack",
            "description": f"{name}: the techniques {self.set.name} maps; score: {meaning}.",
            "sorting": 3,
            "layout": {"layout": "side", "showID": True, "showName": True},
            "hideDisabled": False,
            "techniques": [
                self._technique(t, scores.get(t))
                for t in sorted(self.by_technique, key=natural_key)
            ],
            "gradient": {
                "colors": [LOW_COLOR, HIGH_COLOR],
                "minValue": _number(low),
                "maxValue": _number(high),
            },
            "legendItems": _legend(points, low, high),
            **self._about(name, meaning),
            "showTacticRowBackground": False,
            "selectTechniquesAcrossTactics": True,
            "selectSubtechniquesWithParent": False,
            "selectVisibleTechniques": False,
        }
