"""What the data scripts share: the generator on the import path, exit codes, messages."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from attack_mappings.errors import DataError  # noqa: E402

OK, PROBLEMS, USAGE = 0, 1, 2


def say(message: str) -> None:
    """Print a message for the person running the script (stderr)."""
    print(message, file=sys.stderr)


def write_atomically(path: Path, content: bytes) -> None:
    """Write a file so that readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_command(
    parser: Callable[[], argparse.ArgumentParser],
    run: Callable[[argparse.Namespace], int],
    argv: list[str] | None,
    on_data_error: int = PROBLEMS,
) -> int:
    """Parse the arguments, run the command, and turn a data error into its message and code."""
    args = parser().parse_args(argv)
    try:
        return run(args)
    except DataError as error:
        say(error.summary())
        return on_data_error
