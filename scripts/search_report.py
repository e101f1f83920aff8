"""Report what a built site's search index holds: its size, and the share of each page kind.

Usage: python scripts/search_report.py [SITE_DIR]   (default: site/)

Material's search loads the whole index into the browser before the first search, and
sites with indexes past about 10 MB are reported to stall; this shows where the bytes go.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path


def page_kind(location: str) -> str:
    """Group an index entry by the first parts of its address."""
    parts = location.split("#")[0].split("/")
    if parts[0] == "frameworks" and len(parts) > 3:
        return f"frameworks/*/{parts[2]}"
    return parts[0] if len(parts) > 1 else "(top)"


def report(site: Path) -> str:
    """Return the report for the site in ``site`` as text."""
    index = site / "search" / "search_index.json"
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    sizes: Counter = Counter()
    counts: Counter = Counter()
    for doc in docs:
        kind = page_kind(doc["location"])
        sizes[kind] += len(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
        counts[kind] += 1
    lines = [f"{index}: {index.stat().st_size:,} bytes, {len(docs):,} entries"]
    lines += [
        f"  {kind:<24} {counts[kind]:>6,} entries {size:>10,} bytes"
        for kind, size in sizes.most_common()
    ]
    archive = next(site.glob("downloads/*.zip"), None)
    if archive:
        lines.append(f"{archive}: {archive.stat().st_size:,} bytes")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("site", type=Path, nargs="?", default=Path("site"), help="a built site")
    args = parser.parse_args(argv)
    if not (args.site / "search" / "search_index.json").is_file():
        print(f"{args.site}: no search/search_index.json; build the site first", file=sys.stderr)
        return 2
    print(report(args.site))
    return 0


if __name__ == "__main__":
    sys.exit(main())
