"""Import a mapping set from Mappings Explorer JSON, Excel (.xlsx) or CSV into this
project's YAML layout, checked as the site build checks it.

Exit codes: 0 written, 1 the input has problems (each printed with file, line, row and
field), 2 wrong usage or missing metadata.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _common import OK, USAGE, run_command, say, write_atomically
from attack_mappings.exports import document_yaml
from attack_mappings.imports import (
    build_document,
    missing_metadata,
    read_csv,
    read_document,
    read_metadata,
    read_xlsx,
)

# Command-line options that give metadata, by metadata field.
OPTIONS = {
    "mapping_framework": "framework",
    "mapping_framework_version": "framework_version",
    "attack_version": "attack_version",
    "technology_domain": "domain",
}
FORMATS = {".json": "json", ".yaml": "json", ".yml": "json", ".csv": "csv", ".xlsx": "xlsx"}


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(
        prog="python scripts/import_mappings.py",
        description=__doc__.split("\n\n")[0],
        epilog=(
            "Tables (CSV, Excel) have one row per mapping and column headers equal to the "
            "row field names (capability_id, capability_description, capability_group, "
            "mapping_type, attack_object_id, attack_object_name, status, comments, "
            "references, ...); references go one per line in their cell. Metadata comes "
            "from the file itself (JSON; the site's Excel downloads), then --metadata, then "
            "the options below. Example: python scripts/import_mappings.py set.csv "
            "--metadata set.json -o data/mappings/my-set.yaml"
        ),
    )
    parse.add_argument("input", type=Path, help="a .json, .xlsx or .csv file")
    parse.add_argument("-o", "--output", default="-", help="YAML file to write ('-': stdout)")
    parse.add_argument("--format", choices=["json", "csv", "xlsx"], help="default: by suffix")
    parse.add_argument("--metadata", type=Path, help="YAML or JSON file with the set's metadata")
    parse.add_argument("--framework", help="metadata.mapping_framework, such as csa_ccm")
    parse.add_argument("--framework-version", help="metadata.mapping_framework_version")
    parse.add_argument("--attack-version", help="metadata.attack_version, such as 17.1")
    parse.add_argument("--domain", help="metadata.technology_domain: enterprise, mobile, ics")
    parse.add_argument("--force", action="store_true", help="overwrite an existing output file")
    return parse


def _read(args: argparse.Namespace, fmt: str) -> tuple[list, dict, bool]:
    """Return the input's rows (line, fields), its own metadata, and whether rows have lines."""
    if fmt == "csv":
        return read_csv(args.input), {}, True
    if fmt == "xlsx":
        table, metadata = read_xlsx(args.input)
        return table, metadata, True
    document = read_document(args.input)
    rows = document["mapping_objects"]
    return [(n, row) for n, row in enumerate(rows, start=1)], document["metadata"], False


def run(args: argparse.Namespace) -> int:
    fmt = args.format or FORMATS.get(args.input.suffix.lower())
    if fmt is None:
        say(f"{args.input}: cannot tell the format from the suffix; give --format")
        return USAGE
    if not args.input.is_file():
        say(f"{args.input}: no such file")
        return USAGE
    output = None if args.output == "-" else Path(args.output)
    if output is not None and output.exists() and not args.force:
        say(f"{output}: exists; give --force to overwrite it")
        return USAGE

    table, metadata, lines = _read(args, fmt)
    if args.metadata:
        metadata = {**metadata, **read_metadata(args.metadata)}
    for key, option in OPTIONS.items():
        if getattr(args, option):
            metadata[key] = getattr(args, option)
    missing = missing_metadata(metadata)
    if missing:
        names = ", ".join(f"--{OPTIONS[key].replace('_', '-')}" for key in missing)
        say(f"{args.input}: the set's metadata lacks {', '.join(missing)}; give {names}")
        return USAGE

    document, mapping_set = build_document(args.input, metadata, table, header_lines=lines)
    content = document_yaml(document)
    if output is None:
        sys.stdout.write(content.decode("utf-8"))
    else:
        write_atomically(output, content)
    say(
        f"{args.input}: {len(mapping_set.rows)} rows imported"
        + (f" into {output}" if output else "")
    )
    return OK


def main(argv: list[str] | None = None) -> int:
    return run_command(parser, run, argv)


if __name__ == "__main__":
    sys.exit(main())
