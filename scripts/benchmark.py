#!/usr/bin/env python3
"""Measure site builds on the real data: wall time, peak memory, pages, output size.

    python scripts/benchmark.py                 # CCM alone and the full data, 3 runs each
    python scripts/benchmark.py --scope full --runs 1

Each build is a fresh ``mkdocs build`` process, so start-up costs count as they do for
a reader of the README. The figures are medians over the runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))

SCOPES = {
    "sample": None,
    "ccm": (["enterprise-attack-17.1.json"], ["csa_ccm-4.1_attack-17.1-enterprise.yaml"]),
    "full": "all",
}


def data_folder(scope: str, workdir: Path) -> Path | None:
    """Return the data folder of a scope, linking the files it needs from ../shared/data."""
    spec = SCOPES[scope]
    if spec is None:
        return None
    if spec == "all":
        return SHARED
    folder = workdir / f"data-{scope}"
    for kind, names in zip(("attack", "mappings"), spec, strict=True):
        (folder / kind).mkdir(parents=True, exist_ok=True)
        for name in names:
            link = folder / kind / name
            if not link.exists():
                link.symlink_to(SHARED / kind / name)
    return folder


def build_once(data: Path | None, site: Path) -> tuple[float, int]:
    """Build once; return wall seconds and the build process's peak RSS in KB."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("MAPPINGS_DATA_DIR", None)
    if data is not None:
        env["MAPPINGS_DATA_DIR"] = str(data)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"build failed with exit code {process.returncode}")
    return wall, usage.ru_maxrss


def measure_site(site: Path) -> dict[str, int]:
    """Count pages and redirects, and size the output and the search index."""
    pages = redirects = size = 0
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size += path.stat().st_size
        if path.suffix == ".html":
            with path.open("rb") as handle:
                head = handle.read(400)
            if b'http-equiv="refresh"' in head:
                redirects += 1
            else:
                pages += 1
    index = site / "search" / "search_index.json"
    return {
        "pages": pages,
        "redirects": redirects,
        "bytes": size,
        "index": index.stat().st_size if index.exists() else 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scope", choices=[*SCOPES, "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not (SHARED / "attack").is_dir():
        print(f"{SHARED}: the reference data is not there", file=sys.stderr)
        return 2
    scopes = ["ccm", "full"] if args.scope == "both" else [args.scope]
    print("| scope | wall (median) | peak RSS | HTML pages | redirects | output | search index |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as work:
        for scope in scopes:
            data = data_folder(scope, Path(work))
            site = Path(work) / f"site-{scope}"
            runs = [build_once(data, site) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            m = measure_site(site)
            print(
                f"| {scope} | {wall:.2f} s | {rss / 1024:.0f} MB | {m['pages']:,} | "
                f"{m['redirects']:,} | {m['bytes'] / 1e6:.0f} MB | {m['index'] / 1e6:.2f} MB |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
