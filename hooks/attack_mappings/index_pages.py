"""Index pages: the home page and the lists readers navigate from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .attack import Release, Technique
from .errors import natural_key
from .model import Catalog
from .render import PageOut, Renderer

HOME = "index.html"
FRAMEWORKS = "frameworks/index.html"
TECHNIQUES = "techniques/index.html"
TACTICS = "tactics/index.html"
RELEASES = "attack/index.html"


def matrix_order(release: Release) -> list[Technique]:
    """Return a release's active techniques in matrix order, each sub-technique after its parent."""
    ordered: dict[str, Technique] = {}
    for tactic in release.tactics:
        for technique_id in tactic.techniques:
            technique = release.techniques[technique_id]
            ordered.setdefault(technique.id, technique)
            for sub_id in technique.subtechniques:
                if release.techniques[sub_id].active:
                    ordered.setdefault(sub_id, release.techniques[sub_id])
    # Techniques no tactic lists (a bundle without tactics) still get a row.
    for technique in sorted(release.techniques.values(), key=lambda t: natural_key(t.id)):
        if technique.active:
            ordered.setdefault(technique.id, technique)
    return list(ordered.values())


class IndexPages:
    """Builds the home page and the index pages named in the navigation."""

    def __init__(self, catalog: Catalog, renderer: Renderer) -> None:
        self.catalog = catalog
        self.render = renderer

    def _mapped_counts(self) -> dict[str, Counter]:
        """Count mapped controls per technique and framework (newest version only)."""
        counts: dict[str, Counter] = {}
        for framework in self.catalog.frameworks.values():
            for control in framework.newest.controls.values():
                for technique_id in control.techniques:
                    counts.setdefault(technique_id, Counter())[framework.id] += 1
        return counts

    def all(self) -> Iterator[PageOut]:
        catalog = self.catalog
        newest = [catalog.releases_of(d)[-1] for d in catalog.domains()]
        yield self.render.page("home.html.j2", HOME, self.render.site.name, newest=newest)
        yield self.render.page("frameworks.html.j2", FRAMEWORKS, "Frameworks")
        yield self.render.page(
            "techniques.html.j2",
            TECHNIQUES,
            "Techniques",
            newest=newest,
            counts=self._mapped_counts(),
            ordered={r.key: matrix_order(r) for r in newest},
        )
        yield self.render.page("tactics.html.j2", TACTICS, "Tactics", newest=newest)
        yield self.render.page("releases.html.j2", RELEASES, "ATT&CK releases")
