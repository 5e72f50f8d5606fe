"""The rules of Tautulli's database import, shared by both twins: which tables, which columns, what is deduplicated.

Facts kept from Tautulli v2.17.2 (trap 20): tables are imported in name order; ``sessions`` and
``version_info`` never are (and neither is Alembic's ``alembic_version``, a table of this project); only
columns both files have are copied, compared by exact name; a merge copies the three history tables with
their ids shifted by this database's ``session_history`` sequence and every other table without its
primary key; a file older than v2.7.0 gets ``session_history.section_id`` back-filled from its metadata
table; after a merge, satellites without a history row are dropped and exact duplicates (all imported
columns equal but ``id``/``reference_id``) keep their lowest id.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = [
    "DEFAULT_VERSION",
    "HISTORY_TABLES",
    "INVALID",
    "METHODS",
    "UNCAUGHT",
    "Dedupe",
    "ImportPlanError",
    "TablePlan",
    "backfill_problem",
    "file_uri",
    "foreign_path",
    "import_version",
    "importable_tables",
    "merge_problem",
    "needs_section_backfill",
    "plan_table",
    "read_uri",
    "version_tuple",
]

HISTORY_TABLES: Final = ("session_history", "session_history_metadata", "session_history_media_info")
_SATELLITES: Final = HISTORY_TABLES[1:]
_NEVER_IMPORTED: Final = frozenset({"sessions", "version_info", "alembic_version"})
METHODS: Final = ("merge", "overwrite")
DEFAULT_VERSION: Final = "v2.6.10"
_SECTION_ID_SINCE: Final = (2, 7, 0)
INVALID: Final = "Invalid database specified"
UNCAUGHT: Final = "Uncaught exception"


class ImportPlanError(Exception):
    """The imported file cannot be imported as planned (Tautulli fails with a SQL error at this point)."""


def foreign_path(database: Any) -> str:
    """The file ``database`` names, as an absolute path.

    Raises:
        TypeError: not a path (Tautulli: 'Uncaught exception').
        ValueError: a path SQLite cannot open, such as one with a NUL byte (Tautulli: 'Invalid database').
    """
    if isinstance(database, bytes):
        database = os.fsdecode(database)
    if not isinstance(database, (str, os.PathLike)):
        raise TypeError(f"expected a path, not {type(database).__name__}")
    return str(Path(database).resolve())


def file_uri(database: Any) -> str:
    """The ``file:`` URI of the file ``database`` names (raises as :func:`foreign_path`)."""
    return Path(foreign_path(database)).as_uri()


def read_uri(database: Any) -> str:
    """A ``file:`` URI that opens an existing file read-write (or read-only when write-protected), never creates one.

    Tautulli's ``sqlite3.connect`` creates an empty file for a missing path; the verdict is the same
    ('Invalid database specified') without leaving that file behind.
    """
    return file_uri(database) + "?mode=rw"


def _int(part: str) -> int:
    try:
        return int(part)
    except ValueError:
        return 0


def version_tuple(version: str) -> tuple[int, ...]:
    """``'v2.17.2'`` → ``(2, 17, 2)``; a part that is not a number counts as 0 (``'v2.7.0-beta'`` → (2, 7, 0, 0))."""
    return tuple(_int(part) for part in version.strip("v").replace("-", ".").split("."))


def import_version(value: Any) -> str:
    """The imported file's version from its ``version_info`` value; files without one count as v2.6.10."""
    return value if isinstance(value, str) else DEFAULT_VERSION


def needs_section_backfill(version: str) -> bool:
    """Files before v2.7.0 keep ``section_id`` in the metadata table only."""
    return version_tuple(version) < _SECTION_ID_SINCE


def _ascii_lower(text: str) -> str:
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


def _is_internal(name: str) -> bool:
    """SQLite's ``name LIKE 'sqlite_%'``: 'sqlite' (ASCII case-insensitive) and at least one more character."""
    return len(name) > 6 and _ascii_lower(name[:6]) == "sqlite"


def importable_tables(foreign: Iterable[str], main: Iterable[str]) -> list[tuple[str, str]]:
    """``(name in the imported file, name here)`` for every table to import, in the file's name order.

    The skip list compares names exactly, as Tautulli does; the lookup in this database is SQLite's
    (ASCII case-insensitive).
    """
    here = {_ascii_lower(name): name for name in main}
    return [(name, here[_ascii_lower(name)]) for name in sorted(set(foreign))
            if not _is_internal(name) and name not in _NEVER_IMPORTED and _ascii_lower(name) in here]


def merge_problem(foreign: Iterable[str]) -> str | None:
    """A merge copies the file's three history tables first: the SQL error Tautulli meets when one is missing."""
    present = {_ascii_lower(name) for name in foreign}
    missing = [name for name in HISTORY_TABLES if name not in present]
    return f"no such table: {missing[0]}" if missing else None


def backfill_problem(history_columns: Sequence[str], metadata_columns: Sequence[str] | None) -> str | None:
    """Why ``section_id`` cannot be back-filled (the SQL error Tautulli would meet), or None."""
    if "section_id" in {_ascii_lower(c) for c in history_columns}:
        return "duplicate column name: section_id"
    if metadata_columns is None:
        return "no such table: session_history_metadata"
    if "section_id" not in {_ascii_lower(c) for c in metadata_columns}:
        return "no such column: section_id"
    return None


@dataclass(frozen=True, slots=True)
class Dedupe:
    """After a merge: drop satellites without history (``orphans``) or duplicates over ``columns``."""

    orphans: bool
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TablePlan:
    """How one table is imported."""

    source: str
    target: str
    columns: tuple[str, ...]
    shift_ids: bool
    shift_reference: bool
    backfill: bool

    @property
    def with_ids(self) -> bool:
        """Whether explicit ids are copied (then the counter must follow them)."""
        return "id" in self.columns

    def dedupe(self) -> Dedupe:
        """The clean-up this table gets after a merge.

        Raises:
            ImportPlanError: no column is left to compare (Tautulli's statement would not parse).
        """
        if self.source in _SATELLITES:
            return Dedupe(orphans=True)
        columns = tuple(c for c in self.columns if c not in ("id", "reference_id"))
        if not columns:
            raise ImportPlanError(f"no column to deduplicate table {self.target!r} on")
        return Dedupe(orphans=False, columns=columns)


def plan_table(source: str, target: str, method: str, source_columns: Sequence[tuple[str, int]],
               main_columns: Iterable[str], *, backfill: bool) -> TablePlan:
    """Plan one table from the file's ``(column, pk)`` list and this database's column names.

    Raises:
        ImportPlanError: no column to copy (Tautulli's statement would not parse).
    """
    history = source in HISTORY_TABLES
    merge = method == "merge"
    listed = list(source_columns)
    refill = backfill and source == "session_history"
    if refill:
        listed.append(("section_id", 0))
    here = set(main_columns)
    columns = tuple(name for name, pk in listed if name in here and not (merge and not history and pk))
    if not columns:
        raise ImportPlanError(f"no column to import into table {target!r}")
    return TablePlan(source=source, target=target, columns=columns, shift_ids=merge and history and "id" in columns,
                     shift_reference=merge and source == "session_history" and "reference_id" in columns,
                     backfill=refill and "section_id" in columns)
