#!/usr/bin/env python3
"""Keep the list of published addresses, and check that a built site still serves them all.

    python scripts/addresses.py record site/ addresses/full-data.txt
    python scripts/addresses.py check site/ addresses/full-data.txt

``record`` adds the addresses of a built site to a manifest and never removes one:
once published, an address stays. ``check`` exits 1 and lists every address of the
manifest that the site no longer has, as a page or as a redirect.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HEADER = (
    "# Every page address this site has published, one per line, sorted.\n"
    "# Kept by scripts/addresses.py record; checked by scripts/addresses.py check.\n"
    "# Never delete a line: a policy document may link to it.\n"
)


def site_addresses(site: Path) -> set[str]:
    """Return the address of every HTML file of a built site (pages and redirects)."""
    if not (site / "index.html").is_file():
        raise SystemExit(f"{site}: not a built site (no index.html)")
    skip = {"404.html"}
    return {
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if path.relative_to(site).as_posix() not in skip
    }


def read_manifest(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def missing(site: Path, manifest: Path) -> list[str]:
    """Return the manifest's addresses the site does not serve."""
    return sorted(read_manifest(manifest) - site_addresses(site))


def record(site: Path, manifest: Path) -> int:
    known = read_manifest(manifest)
    found = site_addresses(site)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(HEADER + "".join(f"{a}\n" for a in sorted(known | found)), encoding="utf-8")
    print(f"{manifest}: {len(found - known)} new addresses, {len(known | found)} in all")
    return 0


def check(site: Path, manifest: Path) -> int:
    if not manifest.is_file():
        print(f"{manifest}: no such manifest", file=sys.stderr)
        return 2
    gone = missing(site, manifest)
    for address in gone:
        print(f"{manifest}: {address} is no longer served by {site}", file=sys.stderr)
    total = len(read_manifest(manifest))
    print(f"{total - len(gone)} of {total} published addresses resolve")
    return 1 if gone else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["record", "check"])
    parser.add_argument("site", type=Path, help="a built site folder")
    parser.add_argument("manifest", type=Path, help="the manifest file")
    args = parser.parse_args(argv)
    return (record if args.command == "record" else check)(args.site, args.manifest)


if __name__ == "__main__":
    sys.exit(main())
