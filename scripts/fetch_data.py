"""Download the ATT&CK bundles and mapping sets of a named release into a data folder,
each file checked against the SHA-256 that data/releases.yaml pins for it.

Files already there with the right checksum are kept. Each download goes to a
temporary file beside its target and replaces it only once its checksum is right.
Exit codes: 0 every file in place, 1 a download failed or did not match its checksum
(each printed), 2 wrong usage or an unknown release.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import re
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TextIO
from urllib.parse import quote, urlsplit

from _common import OK, PROBLEMS, ROOT, USAGE, run_command, say
from attack_mappings.errors import DataError
from attack_mappings.yamlfile import read_yaml

MANIFEST = ROOT / "data" / "releases.yaml"
CHUNK = 256 * 1024
FOLDERS = ("attack", "mappings")


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of a release: where it goes, its checksum, where it comes from."""

    path: str
    sha256: str
    url: str


def load_manifest(path: Path) -> dict[str, list[Entry]]:
    """Read the manifest: files per release name, each path kept inside attack/ or mappings/."""
    data, _ = read_yaml(path)
    releases = (data or {}).get("releases") if isinstance(data, dict) else None
    if not isinstance(releases, dict):
        raise DataError(path, "expected 'releases': a mapping of release names")
    found: dict[str, list[Entry]] = {}
    for name, release in releases.items():
        files = (release or {}).get("files") if isinstance(release, dict) else None
        if not isinstance(files, list):
            raise DataError(path, "expected a list of files", field=f"releases.{name}.files")
        entries = []
        for index, item in enumerate(files):
            where = f"releases.{name}.files[{index}]"
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                raise DataError(path, "expected 'path': where the file goes", field=where)
            if not re.fullmatch(r"[0-9a-fA-F]{64}", str(item.get("sha256"))):
                message = "expected 'sha256': 64 hex digits, in quotes"
                raise DataError(path, message, field=f"{where}.sha256")
            parts = PurePosixPath(item["path"]).parts
            if len(parts) != 2 or parts[0] not in FOLDERS or parts[1] in ("..", "."):
                raise DataError(path, "path must be attack/<file> or mappings/<file>", field=where)
            entries.append(Entry(item["path"], item["sha256"].lower(), str(item.get("url") or "")))
        found[str(name)] = entries
    return found


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, one line per file otherwise."""

    def __init__(self, label: str, total: int | None, stream: TextIO = sys.stderr) -> None:
        self.label, self.total, self.stream = label, total, stream
        self.done, self.drawn = 0, 0.0
        self.live = stream.isatty()

    def _line(self) -> str:
        size = f"{self.done / 1e6:.1f}" + (f"/{self.total / 1e6:.1f}" if self.total else "")
        if not self.total:
            return f"{self.label} {size} MB"
        filled = int(30 * min(self.done, self.total) / self.total)
        percent = 100 * self.done // self.total
        return f"[{'#' * filled}{'.' * (30 - filled)}] {percent:3d}% {size} MB {self.label}"

    def update(self, count: int) -> None:
        self.done += count
        if self.live and time.monotonic() - self.drawn > 0.1:
            self.stream.write("\r" + self._line())
            self.drawn = time.monotonic()

    def close(self) -> None:
        self.stream.write(("\r" if self.live else "") + self._line() + "\n")


def source_url(entry: Entry, base_url: str | None) -> str:
    if base_url:
        return base_url.rstrip("/") + "/" + quote(entry.path)
    return entry.url


def download(url: str, target: Path, timeout: float) -> tuple[Path, str]:
    """Download a URL into a temporary file beside ``target``; return its path and checksum."""
    digest = hashlib.sha256()
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    temporary = Path(name)
    try:
        with (
            os.fdopen(handle, "wb") as stream,
            urllib.request.urlopen(url, timeout=timeout) as response,
        ):
            length = response.headers.get("Content-Length")
            progress = Progress(target.name, int(length) if length and length.isdigit() else None)
            for block in iter(lambda: response.read(CHUNK), b""):
                stream.write(block)
                digest.update(block)
                progress.update(len(block))
            progress.close()
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary, digest.hexdigest()


def fetch(entry: Entry, dest: Path, base_url: str | None, timeout: float) -> str | None:
    """Put one file in place; return a problem, or None when the file is right."""
    target = dest / entry.path
    if target.is_file() and sha256_of(target) == entry.sha256:
        say(f"{entry.path}: up to date")
        return None
    url = source_url(entry, base_url)
    if urlsplit(url).scheme not in ("http", "https"):
        return (
            f"{entry.path}: no http(s) address to fetch it from ({url or 'none'}); give --base-url"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        temporary, checksum = download(url, target, timeout)
    except (OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", None) or error
        return f"{entry.path}: download from {url} failed: {reason}"
    if checksum != entry.sha256:
        temporary.unlink(missing_ok=True)
        return f"{entry.path}: SHA-256 {checksum} from {url}, expected {entry.sha256}; not written"
    temporary.replace(target)
    return None


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(
        prog="python scripts/fetch_data.py",
        description=__doc__.split("\n\n")[0],
        epilog=(
            "Example: python scripts/fetch_data.py 16.1 --dest my-data "
            "--base-url http://127.0.0.1:8001  (then MAPPINGS_DATA_DIR=my-data make site)"
        ),
    )
    parse.add_argument("release", nargs="?", help="release name, as --list shows them")
    parse.add_argument("--dest", type=Path, help="data folder to fill (made when missing)")
    parse.add_argument("--base-url", help="fetch <base-url>/<path> instead of each file's url")
    parse.add_argument("--manifest", type=Path, default=MANIFEST, help="default: %(default)s")
    parse.add_argument("--timeout", type=float, default=60.0, help="seconds per connection")
    parse.add_argument("--list", action="store_true", help="list the release names and stop")
    return parse


def run(args: argparse.Namespace) -> int:
    releases = load_manifest(args.manifest)
    if args.list:
        for name, entries in releases.items():
            print(f"{name}: {', '.join(e.path for e in entries)}")
        return OK
    if not args.release or args.dest is None:
        say("give a release name and --dest (see --help)")
        return USAGE
    if args.release not in releases:
        say(f"{args.manifest}: no release '{args.release}'; known: {', '.join(releases)}")
        return USAGE
    if args.base_url and urlsplit(args.base_url).scheme not in ("http", "https"):
        say(f"--base-url {args.base_url}: expected an http:// or https:// address")
        return USAGE
    problems = [
        problem
        for entry in releases[args.release]
        if (problem := fetch(entry, args.dest, args.base_url, args.timeout))
    ]
    for problem in problems:
        print(f"error: {problem}")
    count = len(releases[args.release])
    say(f"{args.dest}: {count - len(problems)} of {count} files of release {args.release} in place")
    return PROBLEMS if problems else OK


def main(argv: list[str] | None = None) -> int:
    return run_command(parser, run, argv, on_data_error=USAGE)


if __name__ == "__main__":
    sys.exit(main())
