"""Write redirects and downloads into the site folder, beside the site tool's own work.

Pages go through the site tool (theme, search). Redirect stubs and downloads do not
need it, so they are written here directly. Where the platform can fork, a worker
process does it while the site tool renders pages, so the build uses both cores;
elsewhere it happens in this process when ``finish`` is called.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Iterable
from pathlib import Path

from .generate import generate_downloads
from .model import Catalog
from .render import Redirect, SiteInfo, redirect_html

log = logging.getLogger("mkdocs.plugins.attack_mappings.side_files")


def _write(site_dir: Path, path: str, content: bytes) -> None:
    target = site_dir / path
    if not target.resolve().is_relative_to(site_dir.resolve()):
        raise ValueError(f"{path}: would be written outside {site_dir}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def write_side_files(
    site_dir: Path, redirects: list[Redirect], catalog: Catalog, site: SiteInfo
) -> None:
    """Write every redirect stub and every download of the site."""
    start = time.perf_counter()
    for redirect in redirects:
        _write(site_dir, redirect.path, redirect_html(redirect.path, redirect.target).encode())
    count = 0
    for download in generate_downloads(catalog, site):
        _write(site_dir, download.path, download.content)
        count += 1
    log.info(
        "Wrote %d redirects and %d downloads in %.2f s",
        len(redirects),
        count,
        time.perf_counter() - start,
    )


class SideFiles:
    """A running (or deferred) write of redirects and downloads."""

    def __init__(
        self, site_dir: Path, redirects: Iterable[Redirect], catalog: Catalog, site: SiteInfo
    ) -> None:
        self._args = (site_dir, list(redirects), catalog, site)
        self._worker = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._worker = context.Process(target=write_side_files, args=self._args, daemon=True)
            self._worker.start()

    def finish(self) -> None:
        """Wait for the files to be written; raise ``RuntimeError`` if that failed."""
        if self._worker is None:
            write_side_files(*self._args)
            return
        self._worker.join()
        if self._worker.exitcode != 0:
            raise RuntimeError(
                f"writing redirects and downloads failed (exit code {self._worker.exitcode}); "
                "the error is printed above"
            )
