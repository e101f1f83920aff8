"""MkDocs adapter: hands MkDocs the pages that ``attack_mappings`` generates.

The generator does not know MkDocs. This module reads the settings from
``mkdocs.yml`` (``extra.mappings``), runs the generator when MkDocs collects files,
and gives each generated page its pre-rendered body. Moving to another site tool
means writing another adapter like this one.
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
import time
from collections.abc import Iterator
from pathlib import Path

from attack_mappings.errors import DataError
from attack_mappings.generate import SiteOutput, generate_site
from attack_mappings.model import build_catalog
from attack_mappings.render import SiteInfo
from attack_mappings.side_files import SideFiles
from attack_mappings.sources import FILE_NAME, Sources, load_sources
from hook_settings import load_settings
from jinja2 import ChoiceLoader, DictLoader, Environment, PrefixLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

log = logging.getLogger("mkdocs.plugins.attack_mappings")


class MappingsSettings(base.Config):
    """The ``extra.mappings`` section of ``mkdocs.yml``."""

    data_dir = c.Type(str, default="data")
    """Folder with ``attack/*.json`` and ``mappings/*.yaml``, relative to mkdocs.yml.
    The environment variable MAPPINGS_DATA_DIR overrides it."""

    sources = c.Type(str, default="data/sources.yaml")
    """Names, publishers and credits of the frameworks; a data folder's own
    sources.yaml adds to it."""

    strict_sets = c.ListOfItems(c.Type(str), default=[])
    """File-name patterns of mapping sets whose data-quality findings stop the build."""


_state: dict = {"output": None, "catalog": None, "settings": None, "data_dir": None, "shared": {}}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    settings = load_settings(config, "mappings", MappingsSettings)
    root = Path(config.config_file_path or ".").resolve().parent
    data_dir = Path(os.environ.get("MAPPINGS_DATA_DIR") or settings.data_dir)
    _state["settings"] = settings
    _state["data_dir"] = data_dir if data_dir.is_absolute() else root / data_dir
    _state["sources"] = [root / settings.sources, _state["data_dir"] / FILE_NAME]
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    # NOTE: the data is read and checked here, before MkDocs empties the site folder:
    # input the site cannot be built from leaves the last good build as it was.
    _state["output"] = _state["catalog"] = None
    data_dir: Path = _state["data_dir"]
    if not (data_dir / "attack").is_dir() or not (data_dir / "mappings").is_dir():
        raise PluginError(
            f"{data_dir}: expected the folders attack/ and mappings/ in the data folder"
        )
    problems = []
    try:
        sources = load_sources(*_state["sources"])
    except DataError as error:
        problems, sources = error.problems, Sources()
    try:
        _state["catalog"] = build_catalog(
            data_dir, sources, tuple(_state["settings"].strict_sets), parallel=True
        )
    except DataError as error:
        problems += error.problems
    except RuntimeError as error:  # a second process failed (forked.py)
        raise PluginError(f"reading {data_dir} failed: {error}") from None
    if problems:
        # MkDocs shows each of its error messages once per `mkdocs serve`: a file broken
        # the same way twice would show nothing the second time. This hook's own log
        # shows the problems every time.
        log.error(DataError(problems=problems).summary())
        raise PluginError("the input data has the problems listed above")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    start = time.perf_counter()
    site = SiteInfo(config.site_name, config.site_url or "")
    try:
        output = generate_site(_state["catalog"], site, downloads=False, parallel=True)
    except RuntimeError as error:  # a second process failed (forked.py)
        raise PluginError(f"rendering the pages failed: {error}") from None
    _state["output"] = output

    in_nav = set(_nav_paths(config.nav or []))
    for path in output.pages:
        src = path[: -len(".html")] + ".md"
        if files.get_file_from_path(src) is not None:
            raise PluginError(
                f"docs/{src}: this address belongs to a generated page; rename the file"
            )
        file = File.generated(config, src, content="", inclusion=InclusionLevel.NOT_IN_NAV)
        files.append(file)
        if src not in in_nav:
            _GeneratedPage(None, file, config)
    for path in output.redirects:
        if files.get_file_from_path(path) is not None:
            raise PluginError(f"docs/{path}: this address belongs to a generated redirect")
    # Redirects and downloads are written beside MkDocs' work, in a second process
    # where the platform allows: see attack_mappings/side_files.py.
    _state["side_files"] = SideFiles(
        Path(config.site_dir), output.redirects.values(), _state["catalog"], site
    )
    log.info("Site data ready in %.2f s", time.perf_counter() - start)
    return files


class _GeneratedPage(Page):
    """A page whose body the generator has rendered: no Markdown to convert.

    MkDocs takes a page a plugin made for a file (``File.page``) instead of making
    its own. Converting the empty Markdown of 2,800 pages took two seconds.
    """

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.toc = get_toc([])
        # None: MkDocs checks no link into this page's anchors; the generator checks
        # its own links (tests/sitecheck.py checks every built link and anchor).
        self.present_anchor_ids = None


def _nav_paths(items) -> Iterator[str]:
    """Yield every file path named in the ``nav`` setting."""
    for item in items:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            yield from _nav_paths(value)
        elif isinstance(value, str):
            yield value


def _generated(page: Page):
    output: SiteOutput | None = _state["output"]
    if output is None or page.file.generated_by is None:
        return None
    return output.pages.get(page.file.dest_uri)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    generated = _generated(page)
    if generated is None:
        return markdown
    # Material prints the title unescaped, so it gets the escaped text.
    page.meta["title"] = html.escape(generated.title, quote=False)
    if not generated.search:
        page.meta["search"] = {"exclude": True}
    elif generated.ids:
        # The theme's search indexes tags as whole strings with a high boost: an ID
        # typed into the search box finds its page first. Without the tags plugin,
        # tags show in search results only, not on the page.
        page.meta["tags"] = list(generated.ids)
    if generated.search and generated.boost != 1.0:
        page.meta["search"] = {"boost": generated.boost}
    return ""


# The search plugin indexes what on_page_content returns. Generated pages return a
# summary (title and a line of text) between these markers, and on_post_page puts the
# whole body in its place: the index stays small and quick to build, and searching an
# ID still finds its page.
_START, _END = "<!--mx-summary-->", "<!--/mx-summary-->"


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    generated = _generated(page)
    if generated is None:
        return content
    tokens = [
        {"level": level, "id": anchor, "name": html.escape(name, quote=False), "children": []}
        for level, anchor, name in generated.toc
    ]
    page.toc = get_toc(_nest(tokens))
    summary = f'<h1 id="top">{html.escape(generated.title)}</h1>'
    if generated.description:
        summary += f"<p>{html.escape(generated.description)}</p>"
    return _START + summary + _END


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    generated = _generated(page)
    if generated is None:
        return output
    start, end = output.find(_START), output.find(_END)
    if start < 0 or end < 0:
        raise PluginError(f"{page.file.dest_uri}: the theme dropped the page body")
    # The body is written once: its memory goes to the pages still to come.
    del _state["output"].pages[page.file.dest_uri]
    return output[:start] + generated.html + output[end + len(_END) :]


# Parts of the theme that do not depend on the page shown, only on the folder it is
# in (their links are relative), unless the page is in the sidebar, which marks it.
# On every other page of a folder they come out the same, so each is rendered once
# per folder: a third of the theme's time on a full build. Set NO_SHARING in the
# environment to render them on every page (tests compare the two sites).
SHARED_PARTIALS = ("partials/nav.html", "partials/search.html", "partials/palette.html")
SHARED_BLOCKS = ("styles", "libs", "fonts", "analytics", "footer", "config", "scripts")
NO_SHARING = "MAPPINGS_NO_SHARED_PARTIALS"
_THEME = "theme"  # prefix under which the theme's own templates stay reachable
_SHARED = (
    "{{% set hit = shared_part({name!r}) %}}{{% if hit is not none %}}{{{{ hit }}}}"
    "{{% else %}}{{% set part %}}{body}{{% endset %}}{{{{ share_part({name!r}, part) }}}}"
    "{{% endif %}}"
)


def on_nav(nav, config: MkDocsConfig, files: Files):
    _state["in_nav"] = {page.file.src_uri for page in nav.pages}
    return nav


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    _state["shared"] = {}
    if os.environ.get(NO_SHARING):
        return env
    templates = {
        name: _SHARED.format(name=name, body=f'{{% include "{_THEME}/{name}" %}}')
        for name in SHARED_PARTIALS
    }
    blocks = (
        f"{{% block {block} %}}{_SHARED.format(name=block, body='{{ super() }}')}{{% endblock %}}"
        for block in SHARED_BLOCKS
    )
    templates["main.html"] = '{% extends "base.html" %}' + "".join(blocks)
    templates["partials/header.html"] = "{{ shared_header() }}"
    env.loader = ChoiceLoader(
        [DictLoader(templates), PrefixLoader({_THEME: env.loader}), env.loader]
    )
    env.globals.update(
        shared_part=_shared_part, share_part=_share_part, shared_header=_shared_header
    )
    return env


def _share_key(context: Context, name: str) -> tuple[str, str] | None:
    page = context.get("page")
    if isinstance(page, Page) and page.file.src_uri not in _state["in_nav"]:
        return name, posixpath.dirname(page.url)
    return None


@pass_context
def _shared_part(context: Context, name: str) -> Markup | None:
    """Return the part as rendered on an earlier page of this folder, if any."""
    return _state["shared"].get(_share_key(context, name))


@pass_context
def _share_part(context: Context, name: str, rendered: str) -> Markup:
    key = _share_key(context, name)
    if key is not None:
        _state["shared"][key] = Markup(rendered)
    return Markup(rendered)


# The header differs from page to page only by the page's title: it is rendered once
# per folder with this mark for a title, and each page's title then takes its place.
_TITLE_MARK = "\x1fmx-page-title\x1f"


class _TitleStandIn:
    """A page as the header sees it, with the title mark for a title."""

    def __init__(self, page: Page) -> None:
        self._page = page
        self.meta = {**page.meta, "title": _TITLE_MARK}

    def __getattr__(self, name: str):
        return getattr(self._page, name)


@pass_context
def _shared_header(context: Context) -> Markup:
    template = context.environment.get_template(f"{_THEME}/partials/header.html")
    page = context.get("page")
    key = _share_key(context, "partials/header.html")
    if key is None or _generated(page) is None:
        return Markup(template.render(context.get_all()))
    if key not in _state["shared"]:
        marked = template.render({**context.get_all(), "page": _TitleStandIn(page)})
        # A theme whose header shows the title other than once is rendered page by page.
        _state["shared"][key] = marked if marked.count(_TITLE_MARK) == 1 else None
    if _state["shared"][key] is None:
        return Markup(template.render(context.get_all()))
    return Markup(_state["shared"][key].replace(_TITLE_MARK, page.meta["title"]))


def _nest(tokens: list[dict]) -> list[dict]:
    """Nest heading tokens (h2 > h3) the way the Markdown toc extension does."""
    nested: list[dict] = []
    for token in tokens:
        if nested and token["level"] > nested[-1]["level"]:
            nested[-1]["children"].append(token)
        else:
            nested.append(token)
    return nested


@event_priority(100)  # before the site zip is made of the finished folder
def on_post_build(config: MkDocsConfig) -> None:
    side_files: SideFiles | None = _state.pop("side_files", None)
    if side_files is not None:
        log.debug("Pages written; waiting for redirects and downloads")
        try:
            side_files.finish()
        except RuntimeError as error:
            raise PluginError(str(error)) from None


def on_serve(server, config: MkDocsConfig, builder):
    # Rebuild when a mapping file or a bundle changes, not only when docs/ does.
    server.watch(str(_state["data_dir"]))
    return server
