"""Related controls: controls of other frameworks that map the same techniques.

This is derived by the site, not stated by any mapping set: two controls are related
when both map some of the same techniques. Candidates are ranked by overlap: the
techniques both map, over the techniques either maps (Jaccard), then by how many
techniques they share.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from .errors import natural_key
from .model import Catalog, Control

# How many related controls a page lists per other framework.
PER_FRAMEWORK = 5


@dataclass(frozen=True, slots=True)
class Related:
    """A control of another framework and what it shares with the control at hand."""

    control: Control
    shared: int
    overlap: float


class RelatedControls:
    """Finds related controls among the newest version of every other framework."""

    def __init__(self, catalog: Catalog) -> None:
        self._techniques: dict[Control, frozenset[str]] = {}
        self._by_technique: dict[str, list[Control]] = defaultdict(list)
        for framework in catalog.frameworks.values():
            for control in framework.newest.controls.values():
                techniques = frozenset(control.techniques)
                if techniques:
                    self._techniques[control] = techniques
                    for technique_id in techniques:
                        self._by_technique[technique_id].append(control)

    def of(self, control: Control) -> list[Related]:
        """Return related controls, best first, at most PER_FRAMEWORK per framework."""
        own = frozenset(control.techniques)
        framework = control.version.framework
        shared: Counter[Control] = Counter()
        for technique_id in own:
            for other in self._by_technique.get(technique_id, ()):
                if other.version.framework is not framework:
                    shared[other] += 1
        ranked = sorted(
            (
                Related(other, count, count / len(own | self._techniques[other]))
                for other, count in shared.items()
            ),
            key=lambda r: (
                -r.shared,
                -r.overlap,
                r.control.version.framework.name,
                natural_key(r.control.id),
            ),
        )
        kept: list[Related] = []
        per_framework: Counter = Counter()
        for related in ranked:
            other_framework = related.control.version.framework
            if per_framework[other_framework.id] < PER_FRAMEWORK:
                per_framework[other_framework.id] += 1
                kept.append(related)
        return kept
