"""Generate the whole site from a catalog: pages, redirects and downloads."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain

from .addresses import Addresses
from .attack_pages import AttackPages
from .changes import ChangePages
from .coverage_pages import CoveragePages
from .downloads import Downloads
from .forked import Forked, can_fork
from .framework_pages import FrameworkPages
from .index_pages import IndexPages
from .model import Catalog
from .render import FileOut, PageOut, Redirect, Renderer, SiteInfo

log = logging.getLogger("mkdocs.plugins.attack_mappings.generate")


Item = PageOut | Redirect | FileOut


@dataclass(slots=True)
class SiteOutput:
    """Everything generated, keyed by site-relative path."""

    pages: dict[str, PageOut] = field(default_factory=dict)
    redirects: dict[str, Redirect] = field(default_factory=dict)
    files: dict[str, FileOut] = field(default_factory=dict)

    def add(self, item: PageOut | Redirect | FileOut) -> None:
        path = item.path
        if path in self.pages or path in self.redirects or path in self.files:
            raise RuntimeError(f"two generated items share the address {path}")
        if isinstance(item, PageOut):
            self.pages[path] = item
        elif isinstance(item, Redirect):
            self.redirects[path] = item
        else:
            self.files[path] = item


# What makes the pages: a builder and its method, in the order pages are listed.
JOBS = (
    (IndexPages, "all"),
    (AttackPages, "techniques"),
    (AttackPages, "tactics"),
    (AttackPages, "releases"),
    (FrameworkPages, "all"),
    (CoveragePages, "all"),
    (ChangePages, "all"),
)
# Technique pages take about half the rendering time: with two processes, one renders
# these while the other renders the rest.
_SECOND_PROCESS = (AttackPages, "techniques")


def _run(catalog: Catalog, renderer: Renderer, jobs: tuple) -> Iterator[list[Item]]:
    builders: dict[type, object] = {}
    for builder, method in jobs:
        if builder not in builders:
            builders[builder] = builder(catalog, renderer)
        yield list(getattr(builders[builder], method)())


def _run_each(catalog: Catalog, renderer: Renderer, jobs: tuple) -> Iterator[Item]:
    for items in _run(catalog, renderer, jobs):
        yield from items


def generate_site(
    catalog: Catalog, site: SiteInfo, *, downloads: bool = True, parallel: bool = False
) -> SiteOutput:
    """Render every generated page of the site, and its downloads unless told not to.

    With ``parallel``, a forked second process renders part of the pages (see
    forked.py); the output is the same either way.
    """
    start = time.perf_counter()
    renderer = Renderer(Addresses(catalog), site)
    if parallel and can_fork():
        here = tuple(job for job in JOBS if job != _SECOND_PROCESS)
        work = Forked(_run_each, catalog, renderer, (_SECOND_PROCESS,), stream=True)
        parts = dict(zip(here, _run(catalog, renderer, here), strict=True))
        log.debug("Rendered this process's share in %.2f s", time.perf_counter() - start)
        parts[_SECOND_PROCESS] = work.result()
        pages = [parts[job] for job in JOBS]
    else:
        pages = list(_run(catalog, renderer, JOBS))
    output = SiteOutput()
    for item in chain.from_iterable(pages):
        output.add(item)
    if downloads:
        for item in generate_downloads(catalog, site):
            output.add(item)
    log.info(
        "Generated %d pages, %d redirects and %d downloads in %.2f s",
        len(output.pages),
        len(output.redirects),
        len(output.files),
        time.perf_counter() - start,
    )
    return output


def generate_downloads(catalog: Catalog, site: SiteInfo) -> Iterator[FileOut]:
    """Write every download: per mapping set, and the tables of technique and control pages."""
    yield from Downloads(catalog, Renderer(Addresses(catalog), site)).all()
