"""Check a data folder with exactly the checks the site build makes, and print every
problem with its file, line, row and field.

Exit codes: 0 the site can be built from the folder, 1 it cannot (or, with --strict,
a data-quality finding was made), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _common import OK, PROBLEMS, ROOT, USAGE, say
from attack_mappings.errors import DataError, Problem
from attack_mappings.model import build_catalog
from attack_mappings.sources import FILE_NAME, load_sources


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(
        prog="python scripts/validate_data.py",
        description=__doc__.split("\n\n")[0],
        epilog=(
            "Errors stop a build; findings (duplicate rows, unknown techniques ...) are "
            "shown on the site's data-quality pages. Example: python scripts/validate_data.py "
            "../shared/data --strict-sets 'my_controls-*.yaml'"
        ),
    )
    parse.add_argument("data_dir", type=Path, help="folder with attack/ and mappings/")
    parse.add_argument(
        "--sources",
        type=Path,
        default=ROOT / "data" / FILE_NAME,
        help="framework names and credits (default: the repository's data/sources.yaml)",
    )
    parse.add_argument(
        "--strict-sets",
        action="append",
        default=[],
        metavar="PATTERN",
        help="file-name pattern of sets whose findings are errors, as strict_sets in mkdocs.yml",
    )
    parse.add_argument("--strict", action="store_true", help="exit 1 on any finding too")
    parse.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    return parse


def _print(kind: str, problems: list[Problem]) -> None:
    for problem in problems:
        print(f"{kind}: {problem}")


def run(args: argparse.Namespace) -> int:
    data_dir: Path = args.data_dir
    if not data_dir.is_dir():
        say(f"{data_dir}: no such folder")
        return USAGE
    if not (data_dir / "attack").is_dir() or not (data_dir / "mappings").is_dir():
        print(f"error: {data_dir}: expected the folders attack/ and mappings/ in the data folder")
        return PROBLEMS
    try:
        sources = load_sources(args.sources, data_dir / FILE_NAME)
        catalog = build_catalog(data_dir, sources, tuple(args.strict_sets))
    except DataError as error:
        _print("error", error.problems)
        say(error.summary().split(":")[0])
        return PROBLEMS

    sets = [s for v in catalog.framework_versions() for s in v.sets]
    findings = [p for s in sets for p in s.problems]
    if not args.quiet:
        _print("finding", findings)
    rows = sum(len(s.rows) for s in sets)
    say(
        f"{data_dir}: {len(catalog.releases)} ATT&CK releases, {len(sets)} mapping sets, "
        f"{rows} rows: no errors, {len(findings)} data-quality findings"
    )
    return PROBLEMS if args.strict and findings else OK


def main(argv: list[str] | None = None) -> int:
    return run(parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
