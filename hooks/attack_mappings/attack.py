"""Load ATT&CK releases from STIX bundles (the 2.0 and the 2.1 form ATT&CK publishes)."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, Problem

log = logging.getLogger("mkdocs.plugins.attack_mappings.attack")

# ATT&CK's own external-reference source names, one per domain and era.
_ATTACK_SOURCES = frozenset(["mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"])

# A bundle's file name when it carries no collection object: <domain>-attack-<version>.json
_FILE_NAME = re.compile(r"^(?P<domain>[a-z]+)-attack-(?P<version>\d+(?:\.\d+)*)\.json$")


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of an object's list of sources (a STIX external reference)."""

    name: str
    description: str
    url: str


@dataclass(slots=True)
class Technique:
    """A technique or sub-technique as one ATT&CK release describes it."""

    id: str
    name: str
    description: str
    url: str
    tactics: tuple[str, ...]
    platforms: tuple[str, ...]
    is_subtechnique: bool
    revoked: bool
    deprecated: bool
    version: str
    modified: str
    sources: dict[str, Source]
    stix_id: str
    parent_id: str | None = None
    revoked_by: str | None = None
    subtechniques: list[str] = field(default_factory=list)
    mitigations: list[tuple[str, str]] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return not (self.revoked or self.deprecated)


@dataclass(slots=True)
class Tactic:
    """A tactic: a column of the matrix."""

    id: str
    shortname: str
    name: str
    description: str
    url: str
    sources: dict[str, Source]
    techniques: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Mitigation:
    """An ATT&CK mitigation (course of action)."""

    id: str
    name: str
    description: str
    url: str
    sources: dict[str, Source]


@dataclass(slots=True)
class Release:
    """One domain of one ATT&CK release: ``enterprise`` 17.1, say."""

    domain: str
    version: str
    path: Path
    techniques: dict[str, Technique]
    tactics: list[Tactic]
    mitigations: dict[str, Mitigation]

    @property
    def label(self) -> str:
        return f"ATT&CK {domain_label(self.domain)} {self.version}"

    @property
    def key(self) -> tuple[str, str]:
        return (self.domain, self.version)


def _attack_id(obj: dict) -> tuple[str | None, str]:
    """Return an object's ATT&CK ID and its page on attack.mitre.org."""
    for ref in obj.get("external_references") or ():
        if ref.get("source_name") in _ATTACK_SOURCES and ref.get("external_id"):
            return ref["external_id"], ref.get("url") or ""
    return None, ""


def _sources(obj: dict) -> dict[str, Source]:
    """Return the sources an object's description may cite, by citation name."""
    sources = {}
    for ref in obj.get("external_references") or ():
        name = ref.get("source_name")
        if name and name not in _ATTACK_SOURCES:
            sources[name] = Source(name, ref.get("description") or "", ref.get("url") or "")
    return sources


def _identify(path: Path, objects: list[dict]) -> tuple[str, str]:
    """Return the (domain, version) a bundle holds, from its collection object or file name."""
    for obj in objects:
        if obj.get("type") == "x-mitre-collection" and obj.get("x_mitre_version"):
            domains = {
                d
                for o in objects[:50]
                if isinstance(o.get("x_mitre_domains"), list)
                for d in o["x_mitre_domains"]
                if isinstance(d, str)
            }
            match = _FILE_NAME.match(path.name)
            domain = match["domain"] if match else ""
            if len(domains) == 1:
                domain = domains.pop().removesuffix("-attack")
            if domain:
                return domain, str(obj["x_mitre_version"])
    match = _FILE_NAME.match(path.name)
    if not match:
        raise DataError(
            path,
            "cannot tell the ATT&CK domain and release: the bundle has no x-mitre-collection "
            "object and the file name is not <domain>-attack-<version>.json",
        )
    return match["domain"], match["version"]


def _technique(obj: dict, attack_id: str, url: str) -> Technique:
    return Technique(
        id=attack_id,
        name=obj.get("name") or attack_id,
        description=obj.get("description") or "",
        url=url,
        tactics=tuple(
            p["phase_name"] for p in obj.get("kill_chain_phases") or () if p.get("phase_name")
        ),
        platforms=tuple(obj.get("x_mitre_platforms") or ()),
        is_subtechnique=bool(obj.get("x_mitre_is_subtechnique")) or "." in attack_id,
        revoked=bool(obj.get("revoked")),
        deprecated=bool(obj.get("x_mitre_deprecated")),
        version=str(obj.get("x_mitre_version") or ""),
        modified=str(obj.get("modified") or "")[:10],
        sources=_sources(obj),
        stix_id=obj["id"],
    )


def _tactic_order(objects: list[dict], tactics: dict[str, Tactic]) -> list[Tactic]:
    """Return tactics in matrix order: the live matrices' columns, then any left over."""
    ordered: list[Tactic] = []
    for obj in objects:
        if obj.get("type") != "x-mitre-matrix" or obj.get("revoked"):
            continue
        if obj.get("x_mitre_deprecated"):
            continue
        for ref in obj.get("tactic_refs") or ():
            tactic = tactics.get(ref)
            if tactic and tactic not in ordered:
                ordered.append(tactic)
    ordered += [t for t in tactics.values() if t not in ordered]
    return ordered


# The shape of what is read, by object type: fields that are text, fields that are lists
# of objects (their entries' fields are text) or lists of text.
_SHAPES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "relationship": (("source_ref", "target_ref", "relationship_type", "description"), (), ()),
    "attack-pattern": (
        ("name", "description", "modified"),
        ("external_references", "kill_chain_phases"),
        ("x_mitre_platforms",),
    ),
    "x-mitre-tactic": (("name", "description", "x_mitre_shortname"), ("external_references",), ()),
    "course-of-action": (("name", "description"), ("external_references",), ()),
    "x-mitre-matrix": ((), (), ("tactic_refs",)),
}
_ENTRY_TEXT = ("source_name", "external_id", "url", "description", "phase_name")


def _shape_problem(obj: object) -> str | None:
    """Say what of an object's shape the loader cannot read, if anything."""
    if not isinstance(obj, dict):
        return "is not a JSON object"
    if not isinstance(obj.get("type"), str) or not isinstance(obj.get("id"), str):
        return "has no text 'type' and 'id'"
    texts, object_lists, text_lists = _SHAPES.get(obj["type"], ((), (), ()))
    for key in texts:
        if obj.get(key) is not None and not isinstance(obj[key], str):
            return f"field '{key}' is not text"
    for key in object_lists + text_lists:
        kind = dict if key in object_lists else str
        value = obj.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, kind) for item in value):
            return f"field '{key}' is not a list of {'objects' if kind is dict else 'text'}"
        for item in value if kind is dict else ():
            if not all(isinstance(item.get(k), str | None) for k in _ENTRY_TEXT):
                return f"field '{key}' has an entry whose fields are not all text"
    return None


def _shape_problems(path: Path, objects: list) -> list[Problem]:
    """Check the objects before reading them: a hand-made bundle may hold anything."""
    problems = []
    for index, obj in enumerate(objects):
        problem = _shape_problem(obj)
        if problem:
            name = obj.get("id") if isinstance(obj, dict) else None
            label = f"object '{name}'" if isinstance(name, str) else "the object"
            problems.append(Problem(path, f"{label} {problem}", field=f"objects.{index}"))
    return problems


def parse_release(path: Path, bundle: dict) -> Release:
    """Build a release from a parsed STIX bundle."""
    objects = bundle.get("objects")
    if bundle.get("type") != "bundle" or not isinstance(objects, list):
        raise DataError(
            path, "not a STIX bundle: expected an object of type 'bundle' with 'objects'"
        )
    problems = _shape_problems(path, objects)
    if problems:
        raise DataError(problems=problems)
    domain, version = _identify(path, objects)

    by_stix: dict[str, Technique | Mitigation] = {}
    techniques: dict[str, Technique] = {}
    tactics: dict[str, Tactic] = {}
    mitigations: dict[str, Mitigation] = {}
    relationships = []
    for obj in objects:
        kind = obj.get("type")
        if kind == "relationship":
            relationships.append(obj)
            continue
        if kind not in ("attack-pattern", "x-mitre-tactic", "course-of-action"):
            continue
        attack_id, url = _attack_id(obj)
        if not attack_id:
            continue
        if kind == "attack-pattern":
            techniques[attack_id] = by_stix[obj["id"]] = _technique(obj, attack_id, url)
        elif kind == "x-mitre-tactic":
            if obj.get("revoked") or obj.get("x_mitre_deprecated"):
                continue
            tactics[obj["id"]] = Tactic(
                attack_id,
                obj.get("x_mitre_shortname") or "",
                obj.get("name") or attack_id,
                obj.get("description") or "",
                url,
                _sources(obj),
            )
        elif not (obj.get("revoked") or obj.get("x_mitre_deprecated")):
            mitigations[attack_id] = by_stix[obj["id"]] = Mitigation(
                attack_id,
                obj.get("name") or attack_id,
                obj.get("description") or "",
                url,
                _sources(obj),
            )

    # Relationships tie sub-techniques to parents, revoked techniques to their
    # replacements, and mitigations to what they mitigate.
    for rel in relationships:
        if rel.get("revoked") or rel.get("x_mitre_deprecated"):
            continue
        source, target = by_stix.get(rel.get("source_ref")), by_stix.get(rel.get("target_ref"))
        kind = rel.get("relationship_type")
        if (
            kind == "subtechnique-of"
            and isinstance(source, Technique)
            and isinstance(target, Technique)
        ):
            source.parent_id = target.id
            target.subtechniques.append(source.id)
        elif (
            kind == "revoked-by" and isinstance(source, Technique) and isinstance(target, Technique)
        ):
            source.revoked_by = target.id
        elif (
            kind == "mitigates" and isinstance(source, Mitigation) and isinstance(target, Technique)
        ):
            target.mitigations.append((source.id, rel.get("description") or ""))
            # The relationship's description cites its own sources: keep them for it.
            for name, cited in _sources(rel).items():
                target.sources.setdefault(name, cited)

    for technique in techniques.values():
        technique.subtechniques.sort()
        technique.mitigations.sort()
        if technique.is_subtechnique and not technique.parent_id:
            technique.parent_id = technique.id.split(".")[0]
    ordered = _tactic_order(objects, tactics)
    by_shortname = {t.shortname: t for t in ordered}
    for technique in sorted(techniques.values(), key=lambda t: (t.name.lower(), t.id)):
        if technique.active and not technique.is_subtechnique:
            for shortname in technique.tactics:
                if shortname in by_shortname:
                    by_shortname[shortname].techniques.append(technique.id)
    return Release(domain, version, path, techniques, ordered, mitigations)


def load_release(path: Path) -> Release:
    """Read one STIX bundle file."""
    try:
        with path.open("rb") as stream:
            bundle = json.load(stream)
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(path, f"cannot read the file: {error}") from None
    except json.JSONDecodeError as error:
        raise DataError(path, f"not valid JSON: {error.msg}", line=error.lineno) from None
    except RecursionError:
        raise DataError(path, "not valid JSON: nested too deeply") from None
    if not isinstance(bundle, dict):
        raise DataError(path, "not a STIX bundle: the file holds no JSON object")
    release = parse_release(path, bundle)
    log.debug("Read %s: %d techniques", path, len(release.techniques))
    return release


def domain_label(domain: str) -> str:
    """Name a domain for readers: ``Enterprise``, ``Mobile``, ``ICS`` (short names are acronyms)."""
    return domain.upper() if len(domain) <= 3 else domain.capitalize()
