"""Shared fixtures: the real data in ../shared/data, data folders made of parts of it,
and site builds (each real-data site is built once per test session)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests with a fixed seed: a run is repeatable, and a new
# counterexample shows up in development, not as a failure nobody can reproduce.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))
FIXTURES = Path(__file__).with_name("fixtures")


def needs_shared_data() -> None:
    if not (SHARED_DATA / "attack").is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA}")


def make_data_folder(
    target: Path, attack: list[str | Path], mappings: list[str | Path], sources: str | None = None
) -> Path:
    """Make a data folder linking bundles and mapping files (names are from ../shared/data)."""
    (target / "attack").mkdir(parents=True, exist_ok=True)
    (target / "mappings").mkdir(parents=True, exist_ok=True)
    for kind, names in (("attack", attack), ("mappings", mappings)):
        for name in names:
            source = Path(name) if Path(name).is_absolute() else SHARED_DATA / kind / name
            (target / kind / source.name).symlink_to(source)
    if sources is not None:
        (target / "sources.yaml").write_text(sources, encoding="utf-8")
    return target


def build_site(
    data_dir: Path | None, site_dir: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``mkdocs build --strict`` as a reader of the README would, on a data folder."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {}))
    env.pop("MAPPINGS_DATA_DIR", None)
    if data_dir is not None:
        env["MAPPINGS_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site_dir), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def built(data_dir: Path | None, site_dir: Path) -> Path:
    result = build_site(data_dir, site_dir)
    assert result.returncode == 0, result.stderr[-4000:]
    return site_dir


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The site built from the repository's own sample data."""
    return built(None, tmp_path_factory.mktemp("sample") / "site")


@pytest.fixture(scope="session")
def ccm_data(tmp_path_factory) -> Path:
    needs_shared_data()
    return make_data_folder(
        tmp_path_factory.mktemp("ccm-data"),
        ["enterprise-attack-17.1.json"],
        ["csa_ccm-4.1_attack-17.1-enterprise.yaml"],
    )


@pytest.fixture(scope="session")
def ccm_site(ccm_data, tmp_path_factory) -> Path:
    """The real CSA CCM 4.1 set on ATT&CK Enterprise 17.1."""
    return built(ccm_data, tmp_path_factory.mktemp("ccm") / "site")


@pytest.fixture(scope="session")
def full_site(tmp_path_factory) -> Path:
    """Everything in ../shared/data in one site."""
    needs_shared_data()
    return built(SHARED_DATA, tmp_path_factory.mktemp("full") / "site")


# Browser tests (tests/browser.py): one Chromium for the session, and each site read
# over http://127.0.0.1 and from a copy on disk unpacked from the site's own zip.


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; the test skips when it is missing."""
    from tests.browser import launch

    with launch() as chromium:
        yield chromium


def _base(request, site: Path, tmp_path_factory) -> Iterator[str]:
    from tests.browser import serve, unzipped

    if request.param == "http":
        with serve(site) as base:
            yield base
    else:
        yield unzipped(site, tmp_path_factory.mktemp("copy"))


@pytest.fixture(scope="session", params=["http", "file"])
def sample_base(request, sample_site, tmp_path_factory) -> Iterator[str]:
    """The sample site's address: over http, then from disk."""
    yield from _base(request, sample_site, tmp_path_factory)


@pytest.fixture(scope="session", params=["http", "file"])
def ccm_base(request, ccm_site, tmp_path_factory) -> Iterator[str]:
    """The CCM site's address: over http, then from disk."""
    yield from _base(request, ccm_site, tmp_path_factory)


@pytest.fixture(scope="session", params=["http", "file"])
def full_base(request, full_site, tmp_path_factory) -> Iterator[str]:
    """The full-data site's address: over http, then from disk."""
    yield from _base(request, full_site, tmp_path_factory)
