"""The ATT&CK matrix of a release: tactics as columns, techniques with their sub-techniques."""

from __future__ import annotations

from dataclasses import dataclass

from .attack import Release, Tactic, Technique
from .errors import natural_key


@dataclass(frozen=True, slots=True)
class Cell:
    """A technique in one column, with the active sub-techniques that share the column."""

    technique: Technique
    subtechniques: tuple[Technique, ...]


@dataclass(frozen=True, slots=True)
class Column:
    """A tactic and its techniques in ATT&CK's order; ``tactic`` is None for the left-overs."""

    tactic: Tactic | None
    cells: tuple[Cell, ...]


def _subtechniques(release: Release, technique: Technique, shortname: str) -> tuple:
    """Return a technique's active sub-techniques that belong under one tactic."""
    subs = (release.techniques[s] for s in technique.subtechniques)
    return tuple(
        sub for sub in subs if sub.active and (not sub.tactics or shortname in sub.tactics)
    )


def build_matrix(release: Release) -> tuple[Column, ...]:
    """Lay out a release's active techniques by tactic, in matrix order.

    Active techniques the tactic columns do not reach (a bundle without tactics, a
    sub-technique whose parent is retired) go into a last column without a tactic, so
    the matrix links every active technique.
    """
    columns = []
    placed: set[str] = set()
    for tactic in release.tactics:
        cells = []
        for technique_id in tactic.techniques:
            technique = release.techniques[technique_id]
            cell = Cell(technique, _subtechniques(release, technique, tactic.shortname))
            placed.add(technique.id)
            placed.update(sub.id for sub in cell.subtechniques)
            cells.append(cell)
        columns.append(Column(tactic, tuple(cells)))

    left = sorted(
        (t for t in release.techniques.values() if t.active and t.id not in placed),
        key=lambda t: natural_key(t.id),
    )
    if left:
        columns.append(Column(None, tuple(Cell(t, ()) for t in left)))
    return tuple(columns)


def matrix_ids(columns: tuple[Column, ...]) -> set[str]:
    """Return the IDs of every technique and sub-technique the matrix shows."""
    return {
        t.id
        for column in columns
        for cell in column.cells
        for t in (cell.technique,) + cell.subtechniques
    }
