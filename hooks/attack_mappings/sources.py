"""Descriptions and credits of the data's sources, kept as data (``sources.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError
from .yamlfile import read_yaml

FILE_NAME = "sources.yaml"


@dataclass(slots=True)
class Sources:
    """What the site says about ATT&CK and each framework: names, publishers, credits."""

    attack: dict = field(default_factory=dict)
    frameworks: dict[str, dict] = field(default_factory=dict)
    # Numbers for score words (``score_value: partial``), lower case: ranks scored rows.
    score_values: dict[str, float] = field(default_factory=dict)

    def framework(self, framework_id: str) -> dict:
        """Return a framework's description; an unknown framework gets its ID as name."""
        return self.frameworks.get(framework_id) or {"name": framework_id}


def _read(path: Path) -> dict:
    data, _ = read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataError(path, "expected a mapping with 'attack' and 'frameworks'")
    for key in ("attack", "frameworks"):
        if not isinstance(data.get(key) or {}, dict):
            raise DataError(path, "expected a mapping", field=key)
    for name, entry in (data.get("frameworks") or {}).items():
        if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
            raise DataError(path, "expected a mapping of text values", field=f"frameworks.{name}")
    scores = data.get("score_values") or {}
    if not isinstance(scores, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in scores.values()
    ):
        raise DataError(path, "expected a mapping of words to numbers", field="score_values")
    return data


def load_sources(*paths: Path) -> Sources:
    """Read sources files in order; later files override earlier entries."""
    sources = Sources()
    for path in paths:
        if not path.is_file():
            continue
        data = _read(path)
        sources.attack.update(data.get("attack") or {})
        for name, entry in (data.get("frameworks") or {}).items():
            sources.frameworks[str(name)] = {**sources.frameworks.get(str(name), {}), **entry}
        for word, value in (data.get("score_values") or {}).items():
            sources.score_values[str(word).strip().lower()] = float(value)
    return sources
