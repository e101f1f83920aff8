"""Compare two versions of a mapping set: the rows added, removed and changed.

Rows are matched by control, technique, mapping type and score category; exact
duplicate rows count once, as on the site. The site shows the same comparison as the
"what changed" page of the newer framework version.
Exit codes: 0 compared (with --fail-on-change: and nothing changed), 1 a file has
problems or, with --fail-on-change, the sets differ; 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _common import OK, PROBLEMS, USAGE, run_command, say
from attack_mappings.changes import Comparison, compare_sets
from attack_mappings.exports import json_bytes
from attack_mappings.mappings import Mapping, load_mapping_set


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(
        prog="python scripts/compare_sets.py",
        description=__doc__.split("\n\n")[0],
        epilog="Example: python scripts/compare_sets.py old.yaml new.yaml --format json",
    )
    parse.add_argument("old", type=Path, help="the older mapping file (YAML)")
    parse.add_argument("new", type=Path, help="the newer mapping file (YAML)")
    parse.add_argument("--format", choices=["text", "json"], default="text")
    parse.add_argument("--fail-on-change", action="store_true", help="exit 1 when they differ")
    return parse


def _row(row: Mapping) -> dict:
    return {
        "row": row.row,
        "capability_id": row.control_id,
        "attack_object_id": row.technique_id,
        "mapping_type": row.mapping_type,
        "score_category": row.attributes.get("score_category"),
    }


def as_json(result: Comparison) -> dict:
    """Return a comparison as JSON-ready data."""
    return {
        "old": str(result.old.path) if result.old else None,
        "new": str(result.new.path) if result.new else None,
        "unchanged": result.unchanged,
        "added": [_row(r) for r in result.added],
        "removed": [_row(r) for r in result.removed],
        "changed": [
            {
                **_row(change.new),
                "old_row": change.old.row,
                "fields": [{"field": f, "old": a, "new": b} for f, a, b in change.fields],
            }
            for change in result.changed
        ],
    }


def _label(row: Mapping) -> str:
    parts = [row.control_id or "(no control)", row.technique_id or "(no technique)"]
    parts.append(row.mapping_type or "(no type)")
    if row.attributes.get("score_category"):
        parts.append(row.attributes["score_category"])
    return " ".join(parts)


def as_text(result: Comparison) -> str:
    """Return a comparison as lines for a reader: + added, - removed, ~ changed."""
    lines = [f"+ {_label(r)} (row {r.row})" for r in result.added]
    lines += [f"- {_label(r)} (old row {r.row})" for r in result.removed]
    for change in result.changed:
        lines.append(f"~ {_label(change.new)} (row {change.old.row} -> {change.new.row})")
        lines += [f"    {name}: {old!r} -> {new!r}" for name, old, new in change.fields]
    lines.append(
        f"{len(result.added)} added, {len(result.removed)} removed, "
        f"{len(result.changed)} changed, {result.unchanged} unchanged"
    )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    for path in (args.old, args.new):
        if not path.is_file():
            say(f"{path}: no such file")
            return USAGE
    result = compare_sets(load_mapping_set(args.old), load_mapping_set(args.new))
    if args.format == "json":
        sys.stdout.write(json_bytes(as_json(result)).decode("utf-8"))
    else:
        sys.stdout.write(as_text(result))
    return PROBLEMS if args.fail_on_change and result.total else OK


def main(argv: list[str] | None = None) -> int:
    return run_command(parser, run, argv)


if __name__ == "__main__":
    sys.exit(main())
