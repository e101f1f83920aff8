"""Write redirects and downloads into the site folder, beside the site tool's own work.

Pages go through the site tool (theme, search). Redirect stubs and downloads do not
need it, so they are written here directly. Where the platform can fork, a worker
process does it while the site tool renders pages, so the build uses both cores;
elsewhere it happens in this process when ``finish`` is called.
"""

from __future__ import annotations

import logging
import posixpath
import time
from collections.abc import Iterable
from pathlib import Path

from .forked import Forked
from .generate import generate_downloads
from .model import Catalog
from .render import Redirect, SiteInfo, redirect_html

log = logging.getLogger("mkdocs.plugins.attack_mappings.side_files")


def _write(site_dir: Path, path: str, content: bytes, folders: set[str]) -> None:
    # Addresses come from urls.py, which never makes these; checked as text, since
    # resolving thousands of paths on disk took a second.
    if posixpath.isabs(path) or posixpath.normpath(path) != path or path.startswith(".."):
        raise ValueError(f"{path}: would be written outside {site_dir}")
    folder = posixpath.dirname(path)
    if folder not in folders:
        (site_dir / folder).mkdir(parents=True, exist_ok=True)
        folders.add(folder)
    (site_dir / path).write_bytes(content)


def write_side_files(
    site_dir: Path, redirects: list[Redirect], catalog: Catalog, site: SiteInfo
) -> None:
    """Write every redirect stub and every download of the site."""
    start = time.perf_counter()
    folders: set[str] = set()
    for redirect in redirects:
        html = redirect_html(redirect.path, redirect.target).encode()
        _write(site_dir, redirect.path, html, folders)
    count = 0
    for download in generate_downloads(catalog, site):
        _write(site_dir, download.path, download.content, folders)
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
        self._work = Forked(write_side_files, site_dir, list(redirects), catalog, site)

    def finish(self) -> None:
        """Wait for the files to be written; raise ``RuntimeError`` if that failed."""
        self._work.result()
