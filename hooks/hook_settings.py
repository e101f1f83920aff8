"""Read a hook's settings from ``extra`` in mkdocs.yml, checked against its schema."""

from __future__ import annotations

import logging
from typing import TypeVar

from mkdocs.config import base
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.plugins.attack_mappings")

Settings = TypeVar("Settings", bound=base.Config)


def load_settings(config: MkDocsConfig, key: str, schema: type[Settings]) -> Settings:
    """Return ``extra.<key>`` validated by ``schema``; stop the build on a bad value."""
    settings = schema()
    settings.load_dict(dict(config.extra.get(key) or {}))
    errors, warnings = settings.validate()
    for name, warning in warnings:
        log.warning("mkdocs.yml, extra.%s.%s: %s", key, name, warning)
    if errors:
        name, error = errors[0]
        raise PluginError(f"mkdocs.yml, extra.{key}.{name}: {error}")
    return settings
