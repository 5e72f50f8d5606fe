"""What a write changed, captured cheaply on SQLite: key-scoped after-images, not whole-table dumps.

Temporary triggers (per connection, invisible to other connections and never stored in the file) note the
rowid of every row inserted, updated or deleted in the watched tables into a temporary table; when the write
is done, only those rows are read back. ``sqlite_sequence`` is part of the change set, since AUTOINCREMENT
counters are data. Works on any DBAPI sqlite3 connection: the legacy executor's, or the one under a
SQLAlchemy ``Connection``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["ChangeSet", "capture_changes", "diff_changes", "finish_capture", "start_capture"]

_LOG_TABLE = "temp.tdb_changes"


class _DBAPIConnection(Protocol):
    def execute(self, sql: str, parameters: Any = ...) -> Any: ...


@dataclass(slots=True)
class ChangeSet:
    """Rows a write left behind: ``tables[name][rowid]`` is the row after the write, or None if deleted."""

    tables: dict[str, dict[int, dict[str, Any] | None]] = field(default_factory=dict)
    sequence: dict[str, int] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        """How many rows the write touched."""
        return sum(len(rows) for rows in self.tables.values())

    def as_json(self) -> dict[str, Any]:
        """A JSON-friendly summary (counts per table and the sequence values)."""
        return {"tables": {t: len(r) for t, r in self.tables.items()}, "sequence": dict(self.sequence)}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _install(conn: _DBAPIConnection, tables: Iterable[str]) -> None:
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_LOG_TABLE.split('.')[1]} (tbl TEXT NOT NULL, rid INTEGER)")
    for table in tables:
        safe = "".join(ch for ch in table if ch.isalnum() or ch == "_")
        for op, refs in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            values = ", ".join(f"('{safe}', {ref}.rowid)" for ref in refs)
            conn.execute(
                f"CREATE TEMP TRIGGER IF NOT EXISTS tdb_cap_{safe}_{op.lower()} AFTER {op} ON main.{_quote(table)} "
                f"BEGIN INSERT INTO tdb_changes (tbl, rid) VALUES {values}; END"
            )


def _rows(conn: _DBAPIConnection, table: str, rowids: list[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(rowids), 500):
        chunk = rowids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        cursor = conn.execute(f"SELECT rowid AS tdb_rowid, * FROM main.{_quote(table)} WHERE rowid IN ({marks})", chunk)
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            record = dict(zip(names, row, strict=True))
            found[int(record.pop("tdb_rowid"))] = record
    return found


def _sequence(conn: _DBAPIConnection) -> dict[str, int]:
    exists = conn.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'").fetchall()
    if not exists:
        return {}
    return dict(conn.execute("SELECT name, seq FROM main.sqlite_sequence").fetchall())


def start_capture(conn: _DBAPIConnection, tables: Iterable[str]) -> dict[str, int]:
    """Install the capturing triggers for ``tables`` on ``conn`` and clear the log; returns the sequences."""
    _install(conn, sorted(set(tables)))
    conn.execute(f"DELETE FROM {_LOG_TABLE}")
    return _sequence(conn)


def finish_capture(conn: _DBAPIConnection, before_sequence: Mapping[str, int]) -> ChangeSet:
    """Read back the rows logged since :func:`start_capture` (inside the same transaction)."""
    changes = ChangeSet()
    logged = conn.execute(f"SELECT DISTINCT tbl, rid FROM {_LOG_TABLE} ORDER BY tbl, rid").fetchall()
    by_table: dict[str, list[int]] = {}
    for table, rowid in logged:
        by_table.setdefault(table, []).append(int(rowid))
    for table, rowids in by_table.items():
        present = _rows(conn, table, rowids)
        changes.tables[table] = {rid: present.get(rid) for rid in rowids}
    after_sequence = _sequence(conn)
    changes.sequence = {k: v for k, v in after_sequence.items() if before_sequence.get(k) != v}
    conn.execute(f"DELETE FROM {_LOG_TABLE}")
    return changes


@contextlib.contextmanager
def capture_changes(conn: _DBAPIConnection, tables: Iterable[str]) -> Iterator[ChangeSet]:
    """Capture the rows the block changes in ``tables`` on ``conn`` (fill the yielded ChangeSet at exit).

    Must run inside the write's transaction, so the after-images are read before a commit or rollback.
    """
    before = start_capture(conn, tables)
    changes = ChangeSet()
    yield changes
    found = finish_capture(conn, before)
    changes.tables, changes.sequence = found.tables, found.sequence


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def diff_changes(expected: ChangeSet, actual: ChangeSet) -> str | None:
    """The first difference between two change sets (values compared with their storage class), or None."""
    if set(expected.tables) != set(actual.tables):
        return f"tables changed: {sorted(expected.tables)} != {sorted(actual.tables)}"
    for table in sorted(expected.tables):
        left, right = expected.tables[table], actual.tables[table]
        if set(left) != set(right):
            only_left = sorted(set(left) - set(right))[:5]
            only_right = sorted(set(right) - set(left))[:5]
            return f"{table}: rows changed differ (only control {only_left}, only candidate {only_right})"
        for rowid in sorted(left):
            a, b = left[rowid], right[rowid]
            if (a is None) != (b is None):
                states = ["deleted" if row is None else "kept" for row in (a, b)]
                return f"{table}[rowid {rowid}]: {states[0]} != {states[1]}"
            if a is not None and b is not None:
                for column in a:
                    if column not in b or not _same(a[column], b[column]):
                        return f"{table}[rowid {rowid}].{column}: {a[column]!r} != {b.get(column)!r}"
    if expected.sequence != actual.sequence:
        return f"sqlite_sequence: {expected.sequence} != {actual.sequence}"
    return None


def changes_equal(expected: ChangeSet, actual: ChangeSet) -> bool:
    """True when two change sets are identical."""
    return diff_changes(expected, actual) is None


def summarize(changes: Mapping[str, Any]) -> str:
    """One line for logs: ``table:count, ...``."""
    return ", ".join(f"{t}:{n}" for t, n in sorted(changes.items()))
