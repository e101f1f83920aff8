"""Coverage pages: per framework version, a heatmap, charts and the gaps of each mapping set."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

from .charts import BarChart, bar_chart
from .coverage import SetCoverage, group_bars, set_coverage, tactic_bars
from .model import Catalog, FrameworkVersion
from .render import PageOut, Redirect, Renderer

log = logging.getLogger("mkdocs.plugins.attack_mappings.coverage_pages")


@dataclass(frozen=True, slots=True)
class Section:
    """One mapping set's part of a coverage page."""

    coverage: SetCoverage
    by_tactic: BarChart
    by_group: BarChart


class CoveragePages:
    """Builds one coverage page per framework version, one section per mapping set."""

    def __init__(self, catalog: Catalog, renderer: Renderer) -> None:
        self.catalog = catalog
        self.render = renderer
        self.addr = renderer.addresses

    def sections(self, version: FrameworkVersion) -> list[Section]:
        """Compute each set's coverage once and lay out its charts."""
        sections = []
        for mapping_set in version.sets:
            release = self.catalog.releases[(mapping_set.domain, mapping_set.attack_version)]
            coverage = set_coverage(mapping_set, release, version.framework.info)
            names = {g.id: g.name for g in version.groups.values()}
            prefix = f"chart-{coverage.anchor}"
            sections.append(
                Section(
                    coverage,
                    bar_chart(
                        f"{prefix}-tactics",
                        f"Techniques covered per tactic, {release.label}",
                        "Tactic",
                        tactic_bars(coverage, lambda t, r=release: self.addr.tactic(t, r)),
                    ),
                    bar_chart(
                        f"{prefix}-groups",
                        f"Techniques covered per capability group, {release.label}",
                        "Capability group",
                        group_bars(coverage, names, lambda g: self.addr.group(version, g)),
                    ),
                )
            )
        return sections

    def coverage_page(self, version: FrameworkVersion) -> PageOut:
        framework = version.framework
        return self.render.page(
            "coverage.html.j2",
            self.addr.coverage(version),
            f"Coverage: {version.label}",
            version=version,
            sections=self.sections(version),
            others=[
                (v.label, self.addr.coverage(v)) for v in framework.versions if v is not version
            ],
        )

    def all(self) -> Iterator[PageOut | Redirect]:
        start = time.perf_counter()
        count = 0
        for framework in self.catalog.frameworks.values():
            for version in framework.versions:
                page = self.coverage_page(version)
                count += 1
                yield page
                pinned = self.addr.coverage_pinned(version)
                if pinned != page.path:
                    yield Redirect(pinned, page.path)
        log.debug("Rendered %d coverage pages in %.2f s", count, time.perf_counter() - start)
