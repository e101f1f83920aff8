"""Pack a built site into one zip for offline readers."""

from __future__ import annotations

import contextlib
import io
import logging
import queue
import threading
import time
import zipfile
from pathlib import Path

from .exports import FIXED_TIME

log = logging.getLogger("mkdocs.plugins.attack_mappings.sitezip")

_DONE = None


class SiteZip:
    """The zip of a site being built, written beside the build.

    Files handed to ``add`` as the site tool makes them are compressed in a thread
    (zlib works outside Python's lock, so on a second core); ``finish`` adds every
    other file of the folder, in name order. ``target`` may lie inside ``site_dir``:
    the zip never holds itself, nor a file left there by an earlier build.
    """

    def __init__(self, site_dir: Path, target: Path, folder: str) -> None:
        self.site_dir, self.target, self.folder = site_dir, target, folder
        self._partial = target.with_name(target.name + ".part")
        self._archive: zipfile.ZipFile | None = None
        self._names: set[str] = set()
        self._queue: queue.Queue = queue.Queue(maxsize=256)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._start = time.perf_counter()

    def add(self, path: str, content: bytes) -> None:
        """Queue one file of the site, named by its path in the site folder."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._drain, name="site-zip", daemon=True)
            self._thread.start()
        self._queue.put((path, content))

    def finish(self) -> int:
        """Add the rest of the folder, close the zip and put it in place; return the count."""
        try:
            return self._finish()
        except BaseException:
            self.abandon()
            raise

    def _finish(self) -> int:
        self._stop()
        if self._error is not None:
            raise RuntimeError(f"{self.target}: {self._error}") from self._error
        skip = {self.target, self._partial}
        rest = sorted(p for p in self.site_dir.rglob("*") if p.is_file() and p not in skip)
        for path in rest:
            relative = path.relative_to(self.site_dir).as_posix()
            if relative not in self._names:
                self._write(relative, path.read_bytes())
        self._open().close()
        self._partial.replace(self.target)
        log.info(
            "Zipped %d files into %s (%.1f MB) in %.2f s",
            len(self._names),
            self.target,
            self.target.stat().st_size / 1e6,
            time.perf_counter() - self._start,
        )
        return len(self._names)

    def abandon(self) -> None:
        """Stop and remove the unfinished zip (the build failed)."""
        self._stop()
        if self._archive is not None:
            with contextlib.suppress(Exception):  # closing writes; the disk may be full
                self._archive.close()
            self._archive = None
        self._partial.unlink(missing_ok=True)

    def _stop(self) -> None:
        if self._thread is not None:
            self._queue.put(_DONE)
            self._thread.join()
            self._thread = None

    def _drain(self) -> None:
        while (item := self._queue.get()) is not _DONE:
            if self._error is None:
                try:
                    self._write(*item)
                except Exception as error:  # noqa: BLE001 - reported by finish()
                    self._error = error

    def _open(self) -> zipfile.ZipFile:
        if self._archive is None:
            self._partial.parent.mkdir(parents=True, exist_ok=True)
            self._archive = zipfile.ZipFile(self._partial, "w", zipfile.ZIP_DEFLATED)
        return self._archive

    def _write(self, relative: str, content: bytes) -> None:
        if relative in self._names:
            raise ValueError(f"{relative} was added to the zip twice")
        self._names.add(relative)
        entry = zipfile.ZipInfo(f"{self.folder}/{relative}", date_time=FIXED_TIME)
        entry.external_attr = 0o644 << 16
        # Level 1: a third of the time of the default level for 10% more bytes.
        self._open().writestr(entry, content, zipfile.ZIP_DEFLATED, compresslevel=1)


def zip_site(site_dir: Path, target: Path, folder: str) -> int:
    """Write every file of ``site_dir`` into ``target`` under ``folder/``; return the count."""
    return SiteZip(site_dir, target, folder).finish()


PREVIEW_NOTE = """This is not the site: the preview server (mkdocs serve) does not make the zip.
`mkdocs build` (or `make site`) writes the whole site into site/downloads/site.zip.
"""


def preview_zip(folder: str) -> bytes:
    """Return the zip a preview server offers instead: one note saying where the real one is."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        entry = zipfile.ZipInfo(f"{folder}/README.txt", date_time=FIXED_TIME)
        entry.external_attr = 0o644 << 16
        archive.writestr(entry, PREVIEW_NOTE)
    return stream.getvalue()
