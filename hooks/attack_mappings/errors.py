"""Problems found in input data: fatal errors and data-quality findings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Control characters from the data would move the cursor, recolour or clear a terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Return text for a terminal: control characters (newlines too) written as ``\\x07``."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}", text)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, located as precisely as the data allows.

    ``row`` counts the entries of ``mapping_objects`` from 1; ``line`` is the line of
    the file where that entry (or the offending value) starts.
    """

    path: Path
    message: str
    line: int | None = None
    row: int | None = None
    field: str | None = None
    kind: str = "error"

    def where(self) -> str:
        """Return ``file, line 12, row 3, field 'x'`` for messages."""
        parts = [str(self.path)]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return printable(f"{self.where()}: {self.message}")


class DataError(Exception):
    """Input the site cannot be built from; holds every problem found, not only the first."""

    def __init__(
        self,
        path: Path | None = None,
        message: str = "",
        *,
        line: int | None = None,
        row: int | None = None,
        field: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.problems = list(problems or [])
        if path is not None:
            self.problems.append(Problem(Path(path), message, line, row, field))
        super().__init__(self.summary())

    def summary(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the input data"
        return head + ":\n" + "\n".join(f"  {problem}" for problem in self.problems)


@lru_cache(maxsize=65536)
def natural_key(text: str) -> tuple:
    """Sort key that orders numbers by value: ``AC-2`` < ``AC-10``, ``9.0`` < ``16.1``.

    Case is ignored, then decides: ``ab`` and ``AB`` never tie, so the order never
    depends on the order things were found in.
    """
    parts = tuple(
        (0, int(part), "") if part.isdecimal() else (1, 0, part.lower())
        for part in re.findall(r"\d+|\D+", text)
    )
    return parts, text
