"""The cross-reference model: releases, frameworks, controls and the mappings between them."""

from __future__ import annotations

import fnmatch
import logging
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import urls
from .attack import Release, Technique, load_release
from .errors import DataError, Problem, natural_key
from .forked import Forked
from .mappings import NON_MAPPABLE, Mapping, MappingSet, load_mapping_set
from .sources import Sources

log = logging.getLogger("mkdocs.plugins.attack_mappings.model")


@dataclass(slots=True, eq=False)
class Control:
    """A control (capability) of one framework version, with every row that names it."""

    id: str
    name: str
    group_id: str | None
    version: FrameworkVersion
    mappings: list[Mapping] = field(default_factory=list)
    non_mappable: list[Mapping] = field(default_factory=list)

    @property
    def group(self) -> Group | None:
        return self.version.groups.get(self.group_id) if self.group_id else None

    @property
    def techniques(self) -> list[str]:
        return sorted({m.technique_id for m in self.mappings if m.technique_id}, key=natural_key)


@dataclass(slots=True, eq=False)
class Group:
    """A capability group (a CCM domain, an AWS service, a KEV weakness class)."""

    id: str
    name: str
    controls: list[Control] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class FrameworkVersion:
    """All mapping sets of one framework version, across domains and ATT&CK releases."""

    framework: Framework
    version: str
    sets: list[MappingSet] = field(default_factory=list)
    controls: dict[str, Control] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.framework.name} {self.version}"

    @property
    def is_newest(self) -> bool:
        return self.framework.versions[-1] is self

    @property
    def problems(self) -> list[Problem]:
        return [p for s in self.sets for p in s.problems]

    @property
    def mappings(self) -> list[Mapping]:
        return [m for c in self.controls.values() for m in c.mappings]

    def techniques_covered(self) -> set[str]:
        return {m.technique_id for m in self.mappings if m.technique_id}


@dataclass(slots=True, eq=False)
class Framework:
    """A control framework, in every version the data folder holds (oldest first)."""

    id: str
    name: str
    info: dict
    versions: list[FrameworkVersion] = field(default_factory=list)

    @property
    def newest(self) -> FrameworkVersion:
        return self.versions[-1]


@dataclass(slots=True, eq=False)
class Catalog:
    """Everything the site shows, cross-referenced both ways."""

    releases: dict[tuple[str, str], Release]
    frameworks: dict[str, Framework]
    sources: Sources
    # Every release holding each technique ID, oldest first.
    technique_releases: dict[str, list[Release]] = field(default_factory=dict)
    # Mappable rows and "no control applies" rows, by technique ID.
    by_technique: dict[str, list[Mapping]] = field(default_factory=lambda: defaultdict(list))
    assessed: dict[str, list[Mapping]] = field(default_factory=lambda: defaultdict(list))

    def newest(self, technique_id: str) -> Technique:
        """Return the technique as the newest release holding it describes it."""
        return self.technique_releases[technique_id][-1].techniques[technique_id]

    def release_of(self, technique_id: str) -> Release:
        return self.technique_releases[technique_id][-1]

    def domains(self) -> list[str]:
        return sorted({d for d, _ in self.releases}, key=_domain_order)

    def releases_of(self, domain: str) -> list[Release]:
        """Return a domain's releases, oldest first."""
        found = [r for (d, _), r in self.releases.items() if d == domain]
        return sorted(found, key=lambda r: natural_key(r.version))

    def framework_versions(self) -> list[FrameworkVersion]:
        return [v for f in self.frameworks.values() for v in f.versions]


def _domain_order(domain: str) -> tuple:
    return ({"enterprise": 0, "mobile": 1, "ics": 2}.get(domain, 3), domain)


def _version_order(version: str) -> tuple:
    """Order framework versions: by date when written as one, else naturally.

    Dates are month first (``07/28/2025``, ``12.12.2024``, ``7-28-2025``) or ISO
    (``2025-07-28``), as the mapping sets write them.
    """
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", version)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", version)
    if match or iso:
        if match:
            month, day, year = (int(x) for x in match.groups())
        else:
            year, month, day = (int(x) for x in iso.groups())
        try:
            return (0, date(year, month, day).toordinal(), ())
        except ValueError:
            pass
    return (1, 0, natural_key(version))


def _visible(paths: Iterable[Path]) -> list[Path]:
    """Skip hidden files: editors' lock files (``.#x.yaml``), macOS's ``._x.yaml``."""
    return sorted(path for path in paths if not path.name.startswith("."))


def load_releases(attack_dir: Path) -> dict[tuple[str, str], Release]:
    """Read every STIX bundle of a folder, each once."""
    releases: dict[tuple[str, str], Release] = {}
    problems: list[Problem] = []
    for path in _visible(attack_dir.glob("*.json")):
        try:
            release = load_release(path)
        except DataError as error:
            problems += error.problems
            continue
        if release.key in releases:
            problems.append(
                Problem(path, f"holds {release.label}, as {releases[release.key].path} does")
            )
        releases[release.key] = release
    if problems:
        raise DataError(problems=problems)
    return releases


def load_sets(mappings_dir: Path) -> list[MappingSet]:
    """Read every mapping file of a folder, reporting all broken files together."""
    sets, problems = [], []
    for path in _visible(mappings_dir.glob("*.y*ml")):
        try:
            sets.append(load_mapping_set(path))
        except DataError as error:
            problems += error.problems
    if problems:
        raise DataError(problems=problems)
    return sets


def _check_row(mapping_set: MappingSet, mapping: Mapping, release: Release) -> None:
    """Flag what is wrong inside one well-formed row."""
    tid = mapping.technique_id
    flag = mapping_set.flag
    if tid and tid not in release.techniques:
        flag(mapping, f"{tid} is not in {release.label}", "attack_object_id")
    elif tid and not release.techniques[tid].active:
        state = "revoked" if release.techniques[tid].revoked else "deprecated"
        flag(mapping, f"{tid} is {state} in {release.label}", "attack_object_id")
    if tid and not mapping.control_id:
        flag(mapping, f"names {tid} but no control", "capability_id")
    declared_none = NON_MAPPABLE in (mapping.status, mapping.mapping_type)
    if mapping.control_id and not tid and not declared_none:
        flag(mapping, "has no ATT&CK ID but is not marked non-mappable", "attack_object_id")
    if mapping.group_id and mapping.group_id not in mapping_set.groups:
        message = f"group '{mapping.group_id}' is not in the set's capability_groups"
        flag(mapping, message, "capability_group")
    known_types = mapping_set.mapping_types.keys() | {NON_MAPPABLE}
    if mapping.mapping_type and mapping.mapping_type not in known_types:
        message = f"mapping type '{mapping.mapping_type}' is not in the set's mapping_types"
        flag(mapping, message, "mapping_type")


def _check_agreement(mapping_set: MappingSet, rows: list[Mapping]) -> None:
    """Flag rows that disagree with an earlier row: a control's name, a score."""
    names: dict[str, Mapping] = {}
    scores: dict[tuple, Mapping] = {}
    for mapping in rows:
        if not mapping.control_id:
            continue
        first = names.setdefault(mapping.control_id, mapping)
        if first.control_name != mapping.control_name:
            message = (
                f"names {mapping.control_id} '{mapping.control_name}', "
                f"row {first.row} '{first.control_name}'"
            )
            mapping_set.flag(mapping, message, "capability_description")
        if first.group_id != mapping.group_id:
            message = (
                f"puts {mapping.control_id} in group '{mapping.group_id or ''}', "
                f"row {first.row} in '{first.group_id or ''}'"
            )
            mapping_set.flag(mapping, message, "capability_group")
        score = mapping.attributes.get("score_value")
        if not (score and mapping.technique_id):
            continue
        key = (
            mapping.control_id,
            mapping.technique_id,
            mapping.mapping_type,
            mapping.attributes.get("score_category"),
        )
        other = scores.setdefault(key, mapping)
        if other.attributes["score_value"] != score:
            message = (
                f"scores {score} where row {other.row} scores {other.attributes['score_value']}"
                " for the same control, technique and category; both kept"
            )
            mapping_set.flag(mapping, message, "score_value")


def _check_rows(mapping_set: MappingSet, release: Release) -> list[Mapping]:
    """Flag row defects against the set and its release; return rows without exact duplicates."""
    kept: list[Mapping] = []
    seen: dict[tuple, int] = {}
    for mapping in mapping_set.rows:
        identity = mapping.identity()
        if identity in seen:
            mapping_set.flag(mapping, f"exact duplicate of row {seen[identity]}; shown once")
            continue
        seen[identity] = mapping.row
        kept.append(mapping)
        _check_row(mapping_set, mapping, release)
    _check_agreement(mapping_set, kept)
    return kept


def _group(version: FrameworkVersion, group_id: str) -> Group:
    """Return a group of the version, made when only rows name it (not the metadata)."""
    return version.groups.setdefault(group_id, Group(group_id, group_id))


def _add_set(
    version: FrameworkVersion, mapping_set: MappingSet, rows: list[Mapping], catalog: Catalog
) -> None:
    for group_id, name in mapping_set.groups.items():
        version.groups.setdefault(group_id, Group(group_id, name))
    for mapping in rows:
        if mapping.technique_id and (mapping.mappable or not mapping.control_id):
            target = catalog.by_technique if mapping.mappable else catalog.assessed
            target[mapping.technique_id].append(mapping)
        if not mapping.control_id:
            continue
        control = version.controls.get(mapping.control_id)
        if control is None:
            control = Control(mapping.control_id, mapping.control_name, mapping.group_id, version)
            version.controls[control.id] = control
            if mapping.group_id:
                _group(version, mapping.group_id).controls.append(control)
        elif mapping.group_id and mapping.group_id != control.group_id:
            # A flagged defect: the control is listed in both groups, so that the group
            # this row links to has a page that lists it.
            group = _group(version, mapping.group_id)
            if control not in group.controls:
                group.controls.append(control)
        (control.mappings if mapping.mappable else control.non_mappable).append(mapping)


_FRAMEWORK = "metadata.mapping_framework"


def _address_clashes(sets: list[MappingSet], releases: dict) -> list[Problem]:
    """Find names that differ but would share a folder of the site (``a b`` and ``a-b``).

    Folders are compared in lower case: on disks that ignore case they are one folder.
    """
    claims: dict[str, tuple[str, Path]] = {}
    problems: list[Problem] = []

    def claim(folder: str, name: str, path: Path, field_name: str | None) -> None:
        first_name, first_path = claims.setdefault(folder.lower(), (name, path))
        if first_name != name:
            message = (
                f"'{name}' and '{first_name}' (in {first_path.name}) would share the "
                f"folder {folder}; rename one of them"
            )
            problems.append(Problem(path, message, field=field_name))

    def folder(address: str) -> str:
        return address.rsplit("/", 1)[0]

    for s in sets:
        claim(folder(urls.framework_path(s.framework)), s.framework, s.path, _FRAMEWORK)
        pinned = folder(urls.framework_path(s.framework, s.framework_version))
        claim(pinned, s.framework_version, s.path, f"{_FRAMEWORK}_version")
    for release in releases.values():
        claim(folder(urls.matrix_path(release.domain)), release.domain, release.path, None)
        pinned = folder(urls.matrix_path(release.domain, release.version))
        claim(pinned, release.version, release.path, None)
    return problems


def _set_problems(sets: list[MappingSet], releases: dict, attack_dir: Path) -> list[Problem]:
    """Find sets without their release, and files that repeat another file's set."""
    problems = []
    seen: dict[tuple, Path] = {}
    for s in sets:
        key = (s.framework, s.framework_version, s.domain, s.attack_version)
        if key in seen:
            message = (
                f"maps {s.framework} {s.framework_version} to ATT&CK {s.domain} "
                f"{s.attack_version}, as {seen[key].name} does: one file per set"
            )
            problems.append(Problem(s.path, message, field="metadata"))
        seen.setdefault(key, s.path)
        if (s.domain, s.attack_version) not in releases:
            message = (
                f"maps ATT&CK {s.domain} {s.attack_version}, but {attack_dir} holds no "
                "bundle of that release"
            )
            problems.append(Problem(s.path, message, field="metadata.attack_version"))
    return problems + _address_clashes(sets, releases)


def _read_releases(attack_dir: Path) -> tuple[dict[tuple[str, str], Release], list[Problem]]:
    try:
        return load_releases(attack_dir), []
    except DataError as error:
        return {}, error.problems


def _read_sets(mappings_dir: Path) -> tuple[list[MappingSet], list[Problem]]:
    try:
        return load_sets(mappings_dir), []
    except DataError as error:
        return [], error.problems


def load_data(
    data_dir: Path, *, parallel: bool = False
) -> tuple[dict[tuple[str, str], Release], list[MappingSet]]:
    """Read every bundle and mapping file; raise one ``DataError`` listing all problems.

    With ``parallel``, the bundles and the mapping files are read in two forked
    processes at once (see forked.py). Parsing them takes several times the memory
    of what is kept (a 30 MB bundle parses into 135 MB of objects); that memory goes
    with those processes, and this one receives only what is kept.
    """
    if parallel:
        bundles = Forked(_read_releases, data_dir / "attack")
        files = Forked(_read_sets, data_dir / "mappings")
        (releases, problems), (sets, set_problems) = bundles.result(), files.result()
    else:
        releases, problems = _read_releases(data_dir / "attack")
        sets, set_problems = _read_sets(data_dir / "mappings")
    problems = problems + set_problems
    if not problems:
        problems = _set_problems(sets, releases, data_dir / "attack")
    if problems:
        raise DataError(problems=problems)
    return releases, sets


def build_catalog(
    data_dir: Path, sources: Sources, strict_sets: tuple[str, ...] = (), *, parallel: bool = False
) -> Catalog:
    """Load a data folder and cross-reference it, or raise ``DataError`` with every problem."""
    start = time.perf_counter()
    releases, sets = load_data(data_dir, parallel=parallel)
    problems = []

    catalog = Catalog(releases, {}, sources)
    for release in sorted(releases.values(), key=lambda r: natural_key(r.version)):
        for technique_id in release.techniques:
            catalog.technique_releases.setdefault(technique_id, []).append(release)

    by_version: dict[tuple[str, str], FrameworkVersion] = {}
    for mapping_set in sets:
        framework = catalog.frameworks.get(mapping_set.framework)
        if framework is None:
            info = sources.framework(mapping_set.framework)
            framework = Framework(
                mapping_set.framework, info.get("name") or mapping_set.framework, info
            )
            catalog.frameworks[framework.id] = framework
        key = (framework.id, mapping_set.framework_version)
        if key not in by_version:
            by_version[key] = FrameworkVersion(framework, mapping_set.framework_version)
            framework.versions.append(by_version[key])
        version = by_version[key]
        version.sets.append(mapping_set)
        rows = _check_rows(mapping_set, releases[(mapping_set.domain, mapping_set.attack_version)])
        mapping_set.shown = rows
        _add_set(version, mapping_set, rows, catalog)
        if any(fnmatch.fnmatch(mapping_set.path.name, pattern) for pattern in strict_sets):
            problems += mapping_set.problems
    if problems:
        raise DataError(problems=problems)

    for framework in catalog.frameworks.values():
        framework.versions.sort(key=lambda v: _version_order(v.version))
        for version in framework.versions:
            for group in version.groups.values():
                group.controls.sort(key=lambda c: natural_key(c.id))
    catalog.frameworks = dict(sorted(catalog.frameworks.items(), key=lambda kv: kv[1].name.lower()))
    log.info(
        "Loaded %d ATT&CK releases and %d mapping sets (%d rows) from %s in %.2f s",
        len(releases),
        len(sets),
        sum(len(s.rows) for s in sets),
        data_dir,
        time.perf_counter() - start,
    )
    return catalog
