"""Build synthetic sites 1, 3 and 10 times the size of the NIST set; print time and memory.

Each build is a fresh ``mkdocs build`` of a data folder that ``synthetic.py`` writes into
a temporary directory: the Enterprise 16.1 bundle and one synthetic mapping set. Wall
time, peak resident memory of the build process, and the phases the hook logs are
printed per size, then how the cost grows per thousand rows:

    python scripts/scale_benchmark.py            # 1x, 3x, 10x
    python scripts/scale_benchmark.py 1 2 --runs 3
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import CONTROLS_PER_UNIT, ROOT, ROWS_PER_UNIT, SHARED_DATA, write_folder  # noqa: E402

# What the hook and MkDocs log, and the number each line gives.
PHASES = {
    "load": re.compile(r"Loaded .* in ([\d.]+) s"),
    "generate": re.compile(r"Generated \d+ pages, \d+ redirects and \d+ downloads in ([\d.]+) s"),
    "mkdocs": re.compile(r"Documentation built in ([\d.]+) seconds"),
}
PAGES = re.compile(r"Generated (\d+) pages, (\d+) redirects")


@dataclass
class Run:
    """One build: its size and what it cost."""

    factor: int
    wall: float
    cpu: float
    peak_mb: float
    phases: dict[str, float]
    pages: int
    redirects: int
    site_mb: float


def build(data: Path, site: Path) -> tuple[float, float, float, str]:
    """Run one ``mkdocs build``; return wall and CPU seconds, peak RSS in MB and its log."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", MAPPINGS_DATA_DIR=str(data))
    command = [sys.executable, "-m", "mkdocs", "build", "-d", str(site)]
    with tempfile.TemporaryFile("w+") as log:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        text = log.read()
    if child.returncode != 0:
        raise SystemExit(f"build of {data} failed:\n{text[-3000:]}")
    # CPU time is steadier than wall time on a shared machine; ru_maxrss is in KB on Linux.
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


def measure(factor: int, work: Path, shared: Path) -> Run:
    data = work / f"data-{factor}x"
    if not data.exists():
        write_folder(data, factor, shared)
    site = work / f"site-{factor}x"
    wall, cpu, peak, log = build(data, site)
    phases = {name: float(m[1]) for name, p in PHASES.items() if (m := p.search(log))}
    pages = PAGES.search(log)
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 1e6
    return Run(factor, wall, cpu, peak, phases, int(pages[1]), int(pages[2]), size)


def report(runs: list[Run]) -> None:
    print(
        f"{'size':>5} {'rows':>7} {'controls':>8} {'pages':>6} {'wall s':>7} {'cpu s':>6} "
        f"{'peak MB':>8} {'load s':>7} {'generate s':>10} {'site MB':>8} {'cpu ms/page':>11}"
    )
    for run in runs:
        print(
            f"{run.factor:>4}x {run.factor * ROWS_PER_UNIT:>7} {run.factor * CONTROLS_PER_UNIT:>8} "
            f"{run.pages:>6} {run.wall:>7.1f} {run.cpu:>6.1f} {run.peak_mb:>8.0f} "
            f"{run.phases.get('load', 0):>7.2f} {run.phases.get('generate', 0):>10.2f} "
            f"{run.site_mb:>8.0f} {1000 * run.cpu / run.pages:>11.1f}"
        )
    if len(runs) > 1:
        first, last = runs[0], runs[-1]
        rows = (last.factor - first.factor) * ROWS_PER_UNIT
        per_page = 1000 * (last.cpu - first.cpu) / (last.pages - first.pages)
        print(
            f"\nFrom {first.factor}x to {last.factor}x: "
            f"{1000 * (last.wall - first.wall) / rows:.2f} s wall, "
            f"{1000 * (last.cpu - first.cpu) / rows:.2f} s CPU and "
            f"{1000 * (last.peak_mb - first.peak_mb) / rows:.1f} MB more per 1,000 rows; "
            f"{per_page:.1f} ms CPU per extra page; "
            f"CPU time x{last.cpu / first.cpu:.1f} for rows x{last.factor / first.factor:.0f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("factors", nargs="*", type=int, default=[1, 3, 10])
    parser.add_argument("--runs", type=int, default=1, help="builds per size (median kept)")
    parser.add_argument("--shared", type=Path, default=SHARED_DATA, help="reference data folder")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="mx-scale-") as folder:
        runs = []
        for factor in args.factors:
            tries = [measure(factor, Path(folder), args.shared) for _ in range(args.runs)]
            runs.append(sorted(tries, key=lambda r: r.wall)[len(tries) // 2])
            print(f"  {factor}x: {statistics.median(r.wall for r in tries):.1f} s", flush=True)
    report(runs)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
