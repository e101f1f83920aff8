"""MkDocs adapter for offline reading: files from npm into the site, and the site as a zip.

The theme's offline plugin makes pages and search work from disk; search there needs
a shim that it would load from another host. ``extra.offline.npm_files`` names the
files taken from ``node_modules`` instead (``npm ci`` installs them), and
``extra.offline.zip`` the address of the zip of the whole built site.
"""

from __future__ import annotations

import logging
from pathlib import Path

from attack_mappings.sitezip import SiteZip, preview_zip
from hook_settings import load_settings
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.attack_mappings.offline")


class OfflineSettings(base.Config):
    """The ``extra.offline`` section of ``mkdocs.yml``."""

    npm_files = c.DictOfItems(c.Type(str), default={})
    """Site address -> path under node_modules/ of a file the site serves."""

    zip = c.Type(str, default="")
    """Site address of the zip of the whole site; empty for none."""


_state: dict = {"settings": None, "root": None, "serving": False, "zip": None}


def on_startup(command: str, dirty: bool) -> None:
    # A preview server rebuilds on every change: it skips the zip.
    _state["serving"] = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _state["settings"] = load_settings(config, "offline", OfflineSettings)
    _state["root"] = Path(config.config_file_path or ".").resolve().parent
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    settings: OfflineSettings = _state["settings"]
    modules = _state["root"] / "node_modules"
    missing = [src for src in settings.npm_files.values() if not (modules / src).is_file()]
    if missing:
        raise PluginError(
            f"{modules}: missing {', '.join(missing)}; run `npm ci` (or `make site`), "
            "which installs the versions package-lock.json pins"
        )
    for dest, src in settings.npm_files.items():
        files.append(File.generated(config, dest, abs_src_path=str(modules / src)))
    if settings.zip:
        # Written after the build; listed now so that pages may link to it. The preview
        # server makes no zip: its link gives one that says so.
        placeholder = preview_zip(Path(settings.zip).stem) if _state["serving"] else b""
        files.append(File.generated(config, settings.zip, content=placeholder))
        if not _state["serving"]:
            site_dir = Path(config.site_dir)
            _state["zip"] = SiteZip(site_dir, site_dir / settings.zip, Path(settings.zip).stem)
    return files


@event_priority(-200)  # the page as written, after every other hook has changed it
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    site_zip: SiteZip | None = _state["zip"]
    if site_zip is not None and output.strip():  # MkDocs writes no empty page
        # Encoded as MkDocs encodes the page it writes: the zip holds the same bytes.
        site_zip.add(page.file.dest_uri, output.encode("utf-8", errors="xmlcharrefreplace"))
    return output


@event_priority(-200)  # after the offline plugin writes the search index script
def on_post_build(config: MkDocsConfig) -> None:
    site_zip: SiteZip | None = _state.pop("zip", None)
    _state["zip"] = None
    if site_zip is not None:
        try:
            site_zip.finish()
        except (OSError, RuntimeError) as error:
            raise PluginError(f"writing the site zip failed: {error}") from None


def on_build_error(error: Exception) -> None:
    site_zip: SiteZip | None = _state.pop("zip", None)
    _state["zip"] = None
    if site_zip is not None:
        site_zip.abandon()
