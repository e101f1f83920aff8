"""Roll a parent technique's sub-technique mappings up to it, each control counted once."""

from __future__ import annotations

from dataclasses import dataclass, field

from .attack import Technique
from .errors import natural_key
from .mappings import Mapping, MappingSet
from .model import Catalog, Control, FrameworkVersion


@dataclass(slots=True, eq=False)
class RolledControl:
    """A control mapping a technique itself, some of its sub-techniques, or both."""

    control: Control
    direct: bool = False
    subtechniques: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Rollup:
    """The controls of one framework version that map a technique or its sub-techniques."""

    version: FrameworkVersion
    controls: list[RolledControl]

    @property
    def direct(self) -> int:
        return sum(1 for c in self.controls if c.direct)

    @property
    def only_subtechniques(self) -> int:
        return sum(1 for c in self.controls if not c.direct)


def _rolled(
    rows: list[Mapping], set_versions: dict[MappingSet, FrameworkVersion], parent_id: str
) -> dict[FrameworkVersion, dict[str, RolledControl]]:
    """Group rows by framework version and control, noting where each control comes from."""
    by_version: dict[FrameworkVersion, dict[str, RolledControl]] = {}
    for row in rows:
        version = set_versions[row.set]
        controls = by_version.setdefault(version, {})
        rolled = controls.get(row.control_id)
        if rolled is None:
            rolled = controls[row.control_id] = RolledControl(version.controls[row.control_id])
        if row.technique_id == parent_id:
            rolled.direct = True
        elif row.technique_id not in rolled.subtechniques:
            rolled.subtechniques.append(row.technique_id)
    return by_version


def rollup(
    technique: Technique, catalog: Catalog, set_versions: dict[MappingSet, FrameworkVersion]
) -> list[Rollup]:
    """Return, per framework version, the controls of a technique and its sub-techniques.

    Empty when no row names a sub-technique: the technique's own table says it all then.
    """
    sub_rows = [row for sub in technique.subtechniques for row in catalog.by_technique.get(sub, ())]
    if not sub_rows:
        return []
    rows = catalog.by_technique.get(technique.id, []) + sub_rows
    by_version = _rolled(rows, set_versions, technique.id)
    ordered = sorted(
        by_version, key=lambda v: (v.framework.name.lower(), -v.framework.versions.index(v))
    )
    result = []
    for version in ordered:
        controls = sorted(by_version[version].values(), key=lambda c: natural_key(c.control.id))
        for rolled in controls:
            rolled.subtechniques.sort(key=natural_key)
        result.append(Rollup(version, controls))
    return result
