"""Hostile input written at test time: a hand-made ATT&CK bundle, a mapping set and a
sources file whose every shown field carries markup, script, links and template syntax."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

# Every payload carries MARK, so a check can find what got through as markup.
MARK = "mx-xss"
PAYLOAD = (
    f'<script>alert("{MARK}")</script> <img src=x onerror=alert("{MARK}")> '
    f'[click](javascript:alert("{MARK}")) {{{{ 7*7 }}}} {{% raw %}}{MARK}{{% endraw %}} '
    f'" onmouseover="alert(1) a | b || c **bold** &lt;b&gt; &amp; ok'
)
JS_URL = f'javascript:alert("{MARK}")'

# IDs that try to leave their folder, or that disks refuse.
HOSTILE_IDS = [
    "../../etc/passwd",
    "/abs",
    "C:\\x",
    "..",
    ".",
    "CON",
    "con.txt",
    "INDEX",
    "a" * 10_000,
    "B" * 300,
    "контроль-1",
    "tab\there",
    "nul\x00byte",
    "bell\x07",
    "CaseID",
    "caseid",
    f"<b>{MARK}</b>",
    "%2e%2e%2f",
    "ID|pipe",
]


def hostile(field: str) -> str:
    """Return the hostile text for one field, named so a test can find it on a page."""
    return f"{field}: {PAYLOAD}"


def _technique(stix: str, attack_id: str, name: str, **extra: object) -> dict:
    return {
        "type": "attack-pattern",
        "id": stix,
        "name": name,
        "description": extra.pop("description", hostile(f"{attack_id} description")),
        "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "evil-tactic"}],
        "external_references": [
            {"source_name": "mitre-attack", "external_id": attack_id, "url": JS_URL},
            {"source_name": f"<b>{MARK}</b>", "description": hostile("source"), "url": JS_URL},
        ],
        "x_mitre_platforms": [hostile("platform")],
        "x_mitre_version": "1.0",
        "modified": "2024-01-01T00:00:00.000Z",
        **extra,
    }


def bundle() -> dict:
    """Return a small STIX bundle: one tactic, a technique, a sub-technique, a mitigation."""
    description = hostile("T0001 description") + f" (Citation: <b>{MARK}</b>)"
    objects = [
        {
            "type": "x-mitre-tactic",
            "id": "x-mitre-tactic--1",
            "name": hostile("tactic name"),
            "description": hostile("tactic description"),
            "x_mitre_shortname": "evil-tactic",
            "external_references": [
                {"source_name": "mitre-attack", "external_id": "TA0001", "url": JS_URL}
            ],
        },
        {"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "tactic_refs": ["x-mitre-tactic--1"]},
        _technique("attack-pattern--1", "T0001", hostile("T0001 name"), description=description),
        _technique(
            "attack-pattern--2",
            "T0001.001",
            hostile("T0001.001 name"),
            x_mitre_is_subtechnique=True,
        ),
        _technique("attack-pattern--3", "T0002", "Plain technique"),
        {
            "type": "course-of-action",
            "id": "course-of-action--1",
            "name": hostile("mitigation name"),
            "description": hostile("mitigation description"),
            "external_references": [
                {"source_name": "mitre-attack", "external_id": "M0001", "url": JS_URL}
            ],
        },
        {
            "type": "relationship",
            "id": "relationship--1",
            "relationship_type": "subtechnique-of",
            "source_ref": "attack-pattern--2",
            "target_ref": "attack-pattern--1",
        },
        {
            "type": "relationship",
            "id": "relationship--2",
            "relationship_type": "mitigates",
            "source_ref": "course-of-action--1",
            "target_ref": "attack-pattern--1",
            "description": hostile("mitigates description"),
        },
    ]
    return {"type": "bundle", "id": "bundle--1", "objects": objects}


def _row(control_id: str, technique: str | None, index: int) -> dict:
    return {
        "capability_id": control_id,
        "capability_description": hostile(f"control name {index}"),
        "capability_group": "<G>",
        "mapping_type": "mitigates" if technique else "non_mappable",
        "attack_object_id": technique,
        "attack_object_name": hostile(f"technique name {index}"),
        "comments": hostile(f"comment {index}"),
        "references": [JS_URL, hostile(f"reference {index}"), "https://ok.example/a?b=1&c=2"],
        "status": "complete" if technique else "non_mappable",
        "score_category": hostile("score category"),
        "score_value": hostile(f"score {index}"),
        "<extra column>": hostile(f"extra {index}"),
    }


def mapping_set(ids: list[str] | None = None) -> dict:
    """Return a mapping set whose every shown field is hostile; one row per control ID."""
    ids = [i for i in HOSTILE_IDS if len(i) <= 300] if ids is None else ids
    rows = [_row(control_id, "T0001", i) for i, control_id in enumerate(ids)]
    rows.append(_row("SUB-1", "T0001.001", len(rows)))
    rows.append(_row("NM-1", None, len(rows)))
    # A group the metadata does not know: a data-quality finding that quotes it.
    rows.append(dict(_row("Q-1", "T0002", len(rows)), capability_group=hostile("unknown group")))
    return {
        "metadata": {
            "mapping_version": hostile("mapping_version"),
            "technology_domain": "enterprise",
            "attack_version": "1.0",
            "mapping_framework": "evil",
            "mapping_framework_version": "<v>1|2",
            "author": hostile("author"),
            "contact": hostile("contact"),
            "organization": hostile("organization"),
            "creation_date": hostile("creation_date"),
            "last_update": hostile("last_update"),
            "mapping_types": {
                "mitigates": {"name": hostile("type name"), "description": hostile("type desc")},
                "non_mappable": {"name": "non-mappable", "description": hostile("nm desc")},
            },
            "capability_groups": {"<G>": hostile("group name")},
        },
        "mapping_objects": rows,
    }


def sources() -> dict:
    """Return a sources file whose entries for the hostile framework are hostile."""
    entry = {
        key: hostile(f"sources {key}") for key in ("name", "publisher", "description", "credit")
    }
    return {
        "attack": {"credit": hostile("attack credit"), "url": JS_URL},
        "frameworks": {"evil": {**entry, "url": JS_URL}},
    }


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def write_hostile_data(target: Path, ids: list[str] | None = None) -> Path:
    """Write a data folder of hostile input under ``target`` and return it."""
    (target / "attack").mkdir(parents=True)
    (target / "mappings").mkdir()
    bundle_path = target / "attack" / "enterprise-attack-1.0.json"
    bundle_path.write_text(json.dumps(bundle()), encoding="utf-8")
    set_path = target / "mappings" / "evil-1_attack-1.0-enterprise.yaml"
    set_path.write_text(_dump(mapping_set(ids)), encoding="utf-8")
    (target / "sources.yaml").write_text(_dump(sources()), encoding="utf-8")
    return target


class _Markup(HTMLParser):
    """Collect what a page would run or follow: tags, attributes, script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.titles: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in.append(tag)
        if MARK in tag or tag in ("img", "iframe", "object", "embed", "b"):
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on") or MARK in name:
                self.found.append(f"<{tag} {name}=...> attribute")
            text = re.sub(r"[\s\x00-\x1f]+", "", value or "").lower()
            if text.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            del self._in[len(self._in) - 1 - self._in[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "script" and MARK in data:
            self.found.append("script body with the payload")
        if self._in and self._in[-1] == "title":
            self.titles.append(data)


def unsafe_markup(html: str) -> tuple[list[str], list[str]]:
    """Return what of a page would act as markup made from the payload, and its titles."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser.found, parser.titles
