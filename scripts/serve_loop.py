"""Measure the editing loop: with ``mkdocs serve`` on the full data, save one mapping file
and time how long until the served page shows the change.

The data folder is a temporary copy (bundles linked, mapping files copied), so the
reference data is never edited. The server listens on 127.0.0.1 only:

    python scripts/serve_loop.py --edits 3
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))

# The file edited, the page watched, and the text in it that each edit replaces.
EDITED = "csa_ccm-4.1_attack-17.1-enterprise.yaml"
PAGE = "frameworks/csa_ccm/controls/IAM-08.html"
NAME = "User Access Review"


def copy_data(shared: Path, target: Path) -> Path:
    """Make a data folder of links to the bundles and copies of the mapping files."""
    (target / "attack").mkdir(parents=True)
    (target / "mappings").mkdir()
    for bundle in sorted((shared / "attack").glob("*.json")):
        (target / "attack" / bundle.name).symlink_to(bundle)
    for mapping in sorted((shared / "mappings").glob("*.yaml")):
        shutil.copyfile(mapping, target / "mappings" / mapping.name)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A ``mkdocs serve`` process whose log lines arrive, timestamped, on a queue."""

    def __init__(self, data: Path, port: int) -> None:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", MAPPINGS_DATA_DIR=str(data))
        command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"]
        self.url = f"http://127.0.0.1:{port}/"
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line.rstrip()))

    def wait_for(self, pattern: str, timeout: float) -> float:
        """Return when a log line matching ``pattern`` arrived."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                stamp, line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise SystemExit("mkdocs serve stopped") from None
                continue
            if "ERROR" in line or "Traceback" in line:
                print(f"    log: {line}")
            if re.search(pattern, line):
                return stamp
        raise SystemExit(f"no log line matching {pattern!r} in {timeout} s")

    def page(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return response.read().decode("utf-8")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def edit_and_wait(server: Server, mapping: Path, number: int, timeout: float) -> dict[str, float]:
    """Rename the watched control in the file; time the rebuild and the page change."""
    new_name = f"{NAME} (edit {number})"
    text = mapping.read_text(encoding="utf-8")
    old_name = NAME if number == 1 else f"{NAME} (edit {number - 1})"
    saved = time.perf_counter()
    mapping.write_text(text.replace(f": {old_name}\n", f": {new_name}\n"), encoding="utf-8")
    started = server.wait_for(r"Building documentation", timeout)
    built = server.wait_for(r"Reloading browsers|Documentation built", timeout)
    deadline = saved + timeout
    while new_name not in _quiet_page(server, PAGE):
        if time.perf_counter() > deadline:
            raise SystemExit(f"{PAGE} never showed {new_name!r}")
        time.sleep(0.2)
    shown = time.perf_counter()
    return {"noticed": started - saved, "rebuilt": built - saved, "page shows it": shown - saved}


def _quiet_page(server: Server, path: str) -> str:
    try:
        return server.page(path)
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--edits", type=int, default=3, help="edits to time (default 3)")
    parser.add_argument("--shared", type=Path, default=SHARED_DATA, help="reference data folder")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="mx-serve-") as folder:
        data = copy_data(args.shared, Path(folder) / "data")
        server = Server(data, free_port())
        try:
            start = time.perf_counter()
            ready = server.wait_for(r"Serving on", args.timeout)
            print(f"first build and start: {ready - start:.1f} s")
            assert NAME in server.page(PAGE), f"{PAGE} does not show {NAME!r}"
            for number in range(1, args.edits + 1):
                times = edit_and_wait(server, data / "mappings" / EDITED, number, args.timeout)
                print(f"edit {number}: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
