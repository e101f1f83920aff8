"""The same data gives the same site, byte for byte, however the build is run.

Readers diff downloads between builds and mirrors compare files: a rebuild with
nothing changed must change nothing. The build also takes shortcuts for speed (a
second process, theme parts rendered once per folder); these tests show that they
change no byte.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from attack_mappings.errors import natural_key
from attack_mappings.forked import Forked, can_fork
from attack_mappings.generate import generate_site
from attack_mappings.model import build_catalog
from attack_mappings.render import SiteInfo
from attack_mappings.sources import Sources
from mkdocs_hooks import NO_SHARING

from tests.conftest import ROOT, SHARED_DATA, build_site, needs_shared_data


def _files(site):
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


@pytest.mark.realdata
def test_a_rebuild_in_another_process_changes_no_byte(full_site, tmp_path):
    # Another hash seed (set and dict orders of text change with it), and every theme
    # part rendered on every page instead of once per folder.
    other = tmp_path / "site"
    result = build_site(SHARED_DATA, other, env={"PYTHONHASHSEED": "7", NO_SHARING: "1"})
    assert result.returncode == 0, result.stderr[-4000:]
    first, second = _files(full_site), _files(other)
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name].read_bytes() != second[name].read_bytes()]
    assert differ == []
    assert "downloads/site.zip" in first  # the zip and the workbooks included


@pytest.mark.realdata
def test_pages_rendered_in_two_processes_equal_those_rendered_in_one():
    needs_shared_data()
    catalog = build_catalog(SHARED_DATA, Sources(), parallel=True)
    assert catalog.frameworks  # read in two processes as well
    site = SiteInfo("Test")
    one = generate_site(catalog, site, downloads=False)
    two = generate_site(catalog, site, downloads=False, parallel=True)
    assert list(one.pages) == list(two.pages)
    assert list(one.redirects) == list(two.redirects)
    assert all(one.pages[path] == two.pages[path] for path in one.pages)


def _fail(message: str) -> None:
    raise ValueError(message)


def test_a_failure_in_the_second_process_is_reported_with_its_traceback():
    with pytest.raises((RuntimeError, ValueError), match="broken on purpose") as caught:
        Forked(_fail, "broken on purpose").result()
    if can_fork():
        assert caught.type is RuntimeError and "Traceback" in str(caught.value)


def test_case_twins_never_tie_in_sort_order():
    names = ["ab-2", "AB-10", "Ab-2", "AB-2"]
    assert sorted(names, key=natural_key) == sorted(reversed(names), key=natural_key)
    assert sorted(names, key=natural_key) == ["AB-2", "Ab-2", "ab-2", "AB-10"]


_ORPHAN_PARENT = """
import os, sys, time
sys.path.insert(0, "hooks")
from attack_mappings.forked import Forked

def endless():
    while True:
        yield "x" * 100_000

first = Forked(endless, stream=True)
second = Forked(endless, stream=True)
print(first._process.pid, second._process.pid, flush=True)
time.sleep(0.5)
os.kill(os.getpid(), 9)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not can_fork() or not Path("/proc").is_dir(), reason="needs fork and /proc")
def test_children_end_when_the_build_is_killed():
    # A killed build (kill, the out-of-memory killer) must not leave children waiting
    # for ever to hand over a result nobody reads.
    parent = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    children = [int(pid) for pid in parent.stdout.readline().split()]
    parent.wait(timeout=60)
    parent.stdout.close()  # the children hold it too: never read to its end
    assert len(children) == 2
    deadline = time.monotonic() + 20
    while any(_running(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in children if _running(pid)]
    for pid in left:
        os.kill(pid, 9)
    assert left == []


def test_a_zip_that_fails_leaves_no_partial_file(tmp_path):
    from attack_mappings.sitezip import SiteZip

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>home</h1>")
    site_zip = SiteZip(site, site / "downloads" / "site.zip", "site")
    site_zip.add("index.html", b"<h1>home</h1>")
    site_zip.add("index.html", b"<h1>again</h1>")  # twice: the zip cannot be right
    with pytest.raises(RuntimeError, match="added to the zip twice"):
        site_zip.finish()
    assert [p.name for p in site.rglob("*") if p.is_file()] == ["index.html"]
