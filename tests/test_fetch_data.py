"""Fetching a named release from a server on 127.0.0.1 serving ../shared/data."""

from __future__ import annotations

import functools
import hashlib
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SHARED_DATA, needs_shared_data

SCRIPT = [sys.executable, str(ROOT / "scripts" / "fetch_data.py")]
MANIFEST = ROOT / "data" / "releases.yaml"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    """Serve ../shared/data on 127.0.0.1 (a free port) for the module's tests."""
    needs_shared_data()
    handler = functools.partial(_Quiet, directory=str(SHARED_DATA))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([*SCRIPT, *map(str, args)], capture_output=True, text=True, timeout=300)


def test_manifest_pins_every_reference_file():
    needs_shared_data()
    releases = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["releases"]
    pinned = {f["path"]: f["sha256"] for r in releases.values() for f in r["files"]}
    for path, checksum in pinned.items():
        assert hashlib.sha256((SHARED_DATA / path).read_bytes()).hexdigest() == checksum
    on_disk = {f"{p.parent.name}/{p.name}" for p in SHARED_DATA.glob("*/*.*")}
    assert set(pinned) == {p for p in on_disk if p.startswith(("attack/", "mappings/"))}


def test_fetches_a_release_into_a_data_folder_that_builds(server, tmp_path):
    dest = tmp_path / "data"
    result = fetch("17.1", "--dest", dest, "--base-url", server)
    assert result.returncode == 0, result.stderr
    assert "100%" in result.stderr  # the progress bar
    for name in (
        "attack/enterprise-attack-17.1.json",
        "mappings/csa_ccm-4.1_attack-17.1-enterprise.yaml",
    ):
        assert (dest / name).read_bytes() == (SHARED_DATA / name).read_bytes()
    again = fetch("17.1", "--dest", dest, "--base-url", server)
    assert again.returncode == 0 and again.stderr.count("up to date") == 2
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "validate_data.py"), str(dest), "-q"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout


def test_wrong_checksum_leaves_nothing_behind(server, tmp_path):
    manifest = tmp_path / "releases.yaml"
    manifest.write_text(
        "releases:\n  x:\n    files:\n"
        "      - path: mappings/kev-07.28.2025_attack-16.1-mobile.yaml\n"
        f"        sha256: '{'0' * 64}'\n"
        "      - path: mappings/no-such-file.yaml\n"
        f"        sha256: '{'1' * 64}'\n",
        encoding="utf-8",
    )
    dest = tmp_path / "data"
    result = fetch("x", "--dest", dest, "--base-url", server, "--manifest", manifest)
    assert result.returncode == 1
    assert "kev-07.28.2025_attack-16.1-mobile.yaml: SHA-256 " in result.stdout
    assert "no-such-file.yaml: download from" in result.stdout and "404" in result.stdout
    assert list((dest / "mappings").iterdir()) == []


@pytest.mark.parametrize(
    "args,code",
    [
        (["--help"], 0),
        (["--list"], 0),
        ([], 2),
        (["9.9", "--dest", "x"], 2),
        (["17.1", "--dest", "x", "--base-url", "ftp://127.0.0.1/"], 2),
    ],
)
def test_usage(args, code):
    assert fetch(*args).returncode == code


def test_manifest_paths_stay_inside_the_data_folder(tmp_path):
    manifest = tmp_path / "releases.yaml"
    manifest.write_text(
        "releases:\n  x:\n    files:\n      - path: ../escape.json\n"
        f"        sha256: '{'0' * 64}'\n",
        encoding="utf-8",
    )
    result = fetch("x", "--dest", tmp_path / "d", "--manifest", manifest)
    assert result.returncode == 2
    assert "path must be attack/<file> or mappings/<file>" in result.stderr
