#!/usr/bin/env python3
"""Measure site builds on the real data: wall time, peak memory, pages, output size.

    python scripts/benchmark.py                 # floor, CCM and the full data, 3 runs each
    python scripts/benchmark.py --scope full --runs 5

Each build is a fresh ``mkdocs build`` process, so start-up costs count as they do for
a reader of the README. The figures are medians over the runs; the scopes take turns,
so a machine that slows down for a while slows all of them alike.

Machines here differ from day to day, so the figures to beat (``PERFORMANCE.md``: the
peer builder's times, measured beside a "platform floor" site) are compared through
that floor: the ``floor`` scope builds the same kind of site as ``PERFORMANCE.md``
did (3,000 generated pages of 2 KB Markdown with a 10-row table of links, search and
offline plugins on), and the peer's time is scaled by how this machine's floor
compares with the recorded one.

Memory is given two ways: the peak resident size of the largest process, and the
peak proportional size (PSS) of all the build's processes together, sampled every
50 ms. Forked processes share memory with the build; PSS counts a shared page once
in all, so the second figure is the memory the build really holds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))

SCOPES = {
    "floor": None,
    "sample": None,
    "ccm": (["enterprise-attack-17.1.json"], ["csa_ccm-4.1_attack-17.1-enterprise.yaml"]),
    "full": "all",
}
# PERFORMANCE.md, measured on one machine: the floor site of 3,000 pages (search and
# offline plugins on), and the peer builder on the data of a scope.
FLOOR_SECONDS = 14.1
PEER_SECONDS = {"ccm": 4.15, "full": 10.2}
PEER_MB = {"ccm": 238, "full": 308}

FLOOR_PAGES = 3000
_FLOOR_HOOK = """
from mkdocs.structure.files import File, InclusionLevel

PAGES = {pages}


def _page(number):
    rows = "\\n".join(
        f"| [Page {{other}}](p{{other}}.md) | row {{row}} of page {{number}}, a line of plain "
        f"text the size of a control's name | value {{row}} |"
        for row, other in enumerate(((number + 7 * k) % PAGES for k in range(10)), 1)
    )
    return (
        f"# Page {{number}}\\n\\nA paragraph that says what page {{number}} is about, "
        "about as long as a technique's summary on a page of the site, and a table.\\n\\n"
        f"| Page | Text | Value |\\n| --- | --- | --- |\\n{{rows}}\\n\\n"
        + "More text after the table, so the page is about two kilobytes. " * 8
    )


def on_files(files, config):
    for number in range(PAGES):
        files.append(
            File.generated(
                config, f"p{{number}}.md", content=_page(number),
                inclusion=InclusionLevel.NOT_IN_NAV,
            )
        )
    return files
"""


def floor_project(workdir: Path) -> Path:
    """Write the floor site's project (mkdocs.yml, one page, a hook) and return it."""
    project = workdir / "floor"
    (project / "docs").mkdir(parents=True, exist_ok=True)
    (project / "docs" / "index.md").write_text("# Floor\n\nA site of generated pages.\n")
    (project / "floor_hook.py").write_text(_FLOOR_HOOK.format(pages=FLOOR_PAGES))
    (project / "mkdocs.yml").write_text(
        "site_name: Floor\nuse_directory_urls: false\ntheme:\n  name: material\n"
        "  font: false\nplugins:\n  - search\n  - offline\nhooks:\n  - floor_hook.py\n"
        "markdown_extensions:\n  - tables\n  - toc\nnav:\n  - Home: index.md\n"
    )
    return project


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


def _tree(pid: int) -> list[int]:
    """Return a process and all its descendants (Linux /proc)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                queue += [int(child) for child in (task / "children").read_text().split()]
    return found


def _pss_kb(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


class _MemorySampler(threading.Thread):
    """Samples the summed PSS of a process tree until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self._done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _tree(self.pid)))

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak_kb


def build_once(scope: str, workdir: Path, site: Path) -> tuple[float, int, int]:
    """Build once; return wall seconds, the largest process's peak RSS and the peak
    PSS of all the build's processes together, both in KB."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("MAPPINGS_DATA_DIR", None)
    project = ROOT
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)]
    if scope == "floor":
        project = floor_project(workdir)
    else:
        command.append("--strict")
        data = data_folder(scope, workdir)
        if data is not None:
            env["MAPPINGS_DATA_DIR"] = str(data)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=project, env=env)
    sampler = _MemorySampler(process.pid)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    pss = sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{scope}: build failed with exit code {process.returncode}")
    return wall, usage.ru_maxrss, pss


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


def _peer(scope: str, wall: float, floor: float | None) -> str:
    """Return the peer's figure for a scope, scaled to this machine by the floor."""
    if floor is None:
        return "–"
    if scope == "floor":
        return f"recorded {FLOOR_SECONDS} s: this machine takes {floor / FLOOR_SECONDS:.2f}×"
    if scope not in PEER_SECONDS:
        return "–"
    scaled = PEER_SECONDS[scope] * floor / FLOOR_SECONDS
    return f"{scaled:.2f} s, {PEER_MB[scope]} MB: this build takes {wall / scaled:.2f}×"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scope", choices=[*SCOPES, "all"], default="all")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    scopes = ["floor", "ccm", "full"] if args.scope == "all" else [args.scope]
    if {"ccm", "full"} & set(scopes) and not (SHARED / "attack").is_dir():
        print(f"{SHARED}: the reference data is not there", file=sys.stderr)
        return 2
    results: dict[str, list[tuple[float, int, int]]] = {scope: [] for scope in scopes}
    with tempfile.TemporaryDirectory() as work:
        for run in range(args.runs):
            for scope in scopes:
                figures = build_once(scope, Path(work), Path(work) / f"site-{scope}")
                results[scope].append(figures)
                print(f"run {run + 1}: {scope} {figures[0]:.2f} s", file=sys.stderr, flush=True)
        floor = None
        if results.get("floor"):
            floor = statistics.median(r[0] for r in results["floor"])
        print(
            "| scope | wall (median) | peak RSS, largest process | peak PSS, all processes "
            "| HTML pages | redirects | output | search index | peer (PERFORMANCE.md), "
            "scaled to this machine |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for scope in scopes:
            wall, rss, pss = (statistics.median(r[i] for r in results[scope]) for i in range(3))
            m = measure_site(Path(work) / f"site-{scope}")
            print(
                f"| {scope} | {wall:.2f} s | {rss / 1024:.0f} MB | {pss / 1024:.0f} MB | "
                f"{m['pages']:,} | {m['redirects']:,} | {m['bytes'] / 1e6:.0f} MB | "
                f"{m['index'] / 1e6:.2f} MB | {_peer(scope, wall, floor)} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
