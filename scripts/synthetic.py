"""Write a synthetic data folder: one mapping set N times the size of the NIST 800-53 set.

Rows map made-up controls to the real techniques of ATT&CK Enterprise 16.1, read at run
time from the reference data; IDs, names and comments are generated here. The folder
links the bundle rather than copying it, and is meant for a temporary directory:

    python scripts/synthetic.py --factor 10 /tmp/synthetic-10x
    MAPPINGS_DATA_DIR=/tmp/synthetic-10x mkdocs build -d /tmp/site-10x
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))
BUNDLE = "enterprise-attack-16.1.json"

# The NIST 800-53 rev5 set on Enterprise 16.1: 5,410 rows, 96 of them "non-mappable".
# The issue asks for 10,000 controls at ten times its size, so 1,000 per unit here.
ROWS_PER_UNIT = 5_410
CONTROLS_PER_UNIT = 1_000
GROUPS_PER_UNIT = 20
NON_MAPPABLE_SHARE = 96 / 5_410

WORDS = [
    "access",
    "audit",
    "boundary",
    "configuration",
    "credential",
    "data",
    "device",
    "encryption",
    "event",
    "identity",
    "incident",
    "integrity",
    "key",
    "log",
    "monitor",
    "network",
    "patch",
    "policy",
    "privilege",
    "recovery",
    "remote",
    "review",
    "session",
    "software",
    "supply",
    "system",
    "token",
    "update",
    "user",
]


def technique_ids(bundle: Path) -> list[str]:
    """Return the IDs of the bundle's techniques and sub-techniques, in file order."""
    with bundle.open("rb") as stream:
        objects = json.load(stream)["objects"]
    ids = []
    for obj in objects:
        if obj.get("type") != "attack-pattern":
            continue
        for ref in obj.get("external_references") or ():
            if ref.get("source_name") == "mitre-attack" and ref.get("external_id"):
                ids.append(ref["external_id"])
    return ids


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[:1].upper() + text[1:] + "."


def rows(factor: int, techniques: list[str], seed: int = 1) -> list[dict]:
    """Return the rows of a set ``factor`` times the NIST set, controls in order."""
    rng = random.Random(seed)
    total, controls = ROWS_PER_UNIT * factor, CONTROLS_PER_UNIT * factor
    groups = GROUPS_PER_UNIT * factor
    names = [f"Synthetic control {c}: {_sentence(rng, 4)}" for c in range(controls)]
    out = []
    for index in range(total):
        control = index * controls // total
        group = f"SG{control * groups // controls:03d}"
        mappable = rng.random() >= NON_MAPPABLE_SHARE
        out.append(
            {
                "capability_id": f"{group}-{control:05d}",
                "capability_description": names[control],
                "capability_group": group,
                "mapping_type": "mitigates" if mappable else "non_mappable",
                "attack_object_id": techniques[index % len(techniques)] if mappable else None,
                "attack_object_name": None,
                "comments": _sentence(rng, 25),
                "references": [],
                "status": "complete" if mappable else "non_mappable",
            }
        )
    return out


def mapping_set(factor: int, techniques: list[str]) -> dict:
    """Return the whole synthetic set: metadata and rows."""
    groups = GROUPS_PER_UNIT * factor
    return {
        "metadata": {
            "mapping_version": "1",
            "technology_domain": "enterprise",
            "attack_version": "16.1",
            "mapping_framework": "synthetic",
            "mapping_framework_version": f"{factor}x",
            "author": "scripts/synthetic.py",
            "mapping_types": {
                "mitigates": {"name": "mitigates", "description": "Synthetic mapping."},
                "non_mappable": {"name": "non-mappable", "description": "Out of scope."},
            },
            "capability_groups": {f"SG{g:03d}": f"Synthetic group {g}" for g in range(groups)},
        },
        "mapping_objects": rows(factor, techniques),
    }


def write_folder(target: Path, factor: int, shared: Path = SHARED_DATA) -> Path:
    """Write the data folder and return the path of its mapping file."""
    bundle = shared / "attack" / BUNDLE
    (target / "attack").mkdir(parents=True, exist_ok=True)
    (target / "mappings").mkdir(exist_ok=True)
    link = target / "attack" / BUNDLE
    if not link.exists():
        link.symlink_to(bundle)
    data = mapping_set(factor, technique_ids(bundle))
    path = target / "mappings" / f"synthetic-{factor}x_attack-16.1-enterprise.yaml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with path.open("w", encoding="utf-8") as stream:
        yaml.dump(data, stream, Dumper=dumper, sort_keys=False, width=100)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="folder to write (a temporary one)")
    parser.add_argument("--factor", type=int, default=1, help="times the NIST set (default 1)")
    parser.add_argument("--shared", type=Path, default=SHARED_DATA, help="reference data folder")
    args = parser.parse_args()
    if args.target.resolve().is_relative_to(ROOT):
        parser.error("write the synthetic data outside the repository")
    path = write_folder(args.target, args.factor, args.shared)
    print(f"{path}: {ROWS_PER_UNIT * args.factor} rows, {CONTROLS_PER_UNIT * args.factor} controls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
