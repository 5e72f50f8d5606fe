"""What a write changed, captured cheaply on SQLite: key-scoped after-images, not whole-table dumps.

Temporary triggers (per connection, invisible to other connections and never stored in the file) note the
rowid of every row inserted, updated or deleted in the watched tables into a temporary table; when the write
is done, only those rows are read back. ``sqlite_sequence`` is part of the change set, since AUTOINCREMENT
counters are data. Works on any DBAPI sqlite3 connection: the legacy executor's, or the one under a
SQLAlchemy ``Connection``.

Writes that cannot run inside one transaction (ATTACH, VACUUM, files) are captured the slow way instead:
:func:`take_image` before and after (rows of the declared tables by rowid, a digest of every other table),
and :func:`image_changes` turns the two images into the same :class:`ChangeSet`.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "ChangeSet", "TableImage", "capture_changes", "diff_changes", "finish_capture", "image_changes",
    "install_capture", "start_capture", "take_image",
]

_LOG_TABLE = "temp.tdb_changes"


class _DBAPIConnection(Protocol):
    def execute(self, sql: str, parameters: Any = ...) -> Any: ...


@dataclass(slots=True)
class ChangeSet:
    """Rows a write left behind: ``tables[name][rowid]`` is the row after the write, or None if deleted.

    ``digests`` (image captures only) holds the new digest of every undeclared table whose content changed;
    ``files`` the names of files the write created in the folders the capture watched.
    """

    tables: dict[str, dict[int, dict[str, Any] | None]] = field(default_factory=dict)
    sequence: dict[str, int] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    @property
    def row_count(self) -> int:
        """How many rows the write touched."""
        return sum(len(rows) for rows in self.tables.values())

    def as_json(self) -> dict[str, Any]:
        """A JSON-friendly summary (counts per table and the sequence values)."""
        found: dict[str, Any] = {"tables": {t: len(r) for t, r in self.tables.items()}, "sequence": dict(self.sequence)}
        if self.digests:
            found["digests"] = sorted(self.digests)
        if self.files:
            found["files"] = list(self.files)
        return found


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def install_capture(conn: _DBAPIConnection, tables: Iterable[str]) -> None:
    """Create the log, the on/off switch and the missing triggers on ``conn`` (it keeps them while it lives).

    The triggers only log while a capture is on (:func:`start_capture` to :func:`finish_capture`), so a
    connection that carries them pays next to nothing for other writes. Call it outside a transaction when
    possible: temporary objects created inside one vanish with its rollback.
    """
    present = {row[0] for row in conn.execute("SELECT name FROM temp.sqlite_master WHERE type IN ('table', 'trigger')")}
    if "tdb_changes" not in present:
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_LOG_TABLE.split('.')[1]} (tbl TEXT NOT NULL, rid INTEGER)")
    if "tdb_capturing" not in present:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS tdb_capturing (active INTEGER NOT NULL)")
        conn.execute("INSERT INTO temp.tdb_capturing (active) "
                     "SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp.tdb_capturing)")
    for table in sorted(set(tables)):
        safe = "".join(ch for ch in table if ch.isalnum() or ch == "_")
        for op, refs in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            name = f"tdb_cap_{safe}_{op.lower()}"
            if name in present:
                continue
            values = ", ".join(f"('{safe}', {ref}.rowid)" for ref in refs)
            conn.execute(
                f"CREATE TEMP TRIGGER IF NOT EXISTS {name} AFTER {op} ON main.{_quote(table)} "
                f"WHEN (SELECT active FROM temp.tdb_capturing) "
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
    install_capture(conn, tables)
    conn.execute(f"DELETE FROM {_LOG_TABLE}")
    conn.execute("UPDATE temp.tdb_capturing SET active = 1")
    return _sequence(conn)


def finish_capture(conn: _DBAPIConnection, before_sequence: Mapping[str, int]) -> ChangeSet:
    """Read back the rows logged since :func:`start_capture` (inside the same transaction)."""
    changes = ChangeSet()
    conn.execute("UPDATE temp.tdb_capturing SET active = 0")
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
    if expected.digests != actual.digests:
        differ = sorted(k for k in set(expected.digests) | set(actual.digests)
                        if expected.digests.get(k) != actual.digests.get(k))
        return f"undeclared tables changed differently: {differ}"
    if expected.files != actual.files:
        return f"files created: {list(expected.files)} != {list(actual.files)}"
    return None


@dataclass(slots=True)
class TableImage:
    """A database's content at one moment: declared tables row by row, every other table as a digest."""

    rows: dict[str, dict[int, tuple[Any, ...]]] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    sequence: dict[str, int] = field(default_factory=dict)


def _table_names(conn: _DBAPIConnection) -> list[str]:
    found = conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    ).fetchall()
    return sorted(str(r[0]) for r in found)


def _digest(conn: _DBAPIConnection, table: str) -> str:
    """SHA-256 of a table's rows in rowid order, streamed; ``repr`` keeps the storage class (1, 1.0, '1')."""
    digest = hashlib.sha256()
    cursor = conn.execute(f"SELECT rowid, * FROM main.{_quote(table)} ORDER BY rowid")
    while batch := cursor.fetchmany(5000):
        digest.update(repr(batch).encode())
    return digest.hexdigest()


def take_image(conn: _DBAPIConnection, tables: Iterable[str]) -> TableImage:
    """The rows of ``tables`` by rowid, a digest of every other table, and ``sqlite_sequence``.

    Read in one transaction when ``conn`` is outside one, so the image is a consistent snapshot.
    """
    declared = set(tables) - {"sqlite_sequence"}
    image = TableImage()
    for name in _table_names(conn):
        if name in declared:
            cursor = conn.execute(f"SELECT rowid AS tdb_rowid, * FROM main.{_quote(name)}")
            image.columns[name] = tuple(d[0] for d in cursor.description[1:])
            image.rows[name] = {int(row[0]): row[1:] for row in cursor.fetchall()}
        else:
            image.digests[name] = _digest(conn, name)
    image.sequence = _sequence(conn)
    return image


def _same_row(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Equal values with equal storage classes (``1``, ``1.0`` and ``'1'`` differ)."""
    return a == b and tuple(map(type, a)) == tuple(map(type, b))


def image_changes(before: TableImage, after: TableImage, files: Iterable[str] = ()) -> ChangeSet:
    """What changed between two images of one database, as a :class:`ChangeSet`."""
    changes = ChangeSet(files=tuple(sorted(files)))
    for name in sorted(set(before.rows) | set(after.rows)):
        old, new = before.rows.get(name, {}), after.rows.get(name, {})
        columns = after.columns.get(name) or before.columns.get(name, ())
        if before.columns.get(name, columns) != columns:  # the table itself changed shape: every row counts
            old = {}
        touched: dict[int, dict[str, Any] | None] = {}
        for rowid in sorted(old.keys() | new.keys()):
            a, b = old.get(rowid), new.get(rowid)
            if a is None or b is None or not _same_row(a, b):
                touched[rowid] = None if b is None else dict(zip(columns, b, strict=True))
        if touched:
            changes.tables[name] = touched
    changes.digests = {name: digest for name, digest in after.digests.items() if before.digests.get(name) != digest}
    changes.sequence = {k: v for k, v in after.sequence.items() if before.sequence.get(k) != v}
    return changes


def changes_equal(expected: ChangeSet, actual: ChangeSet) -> bool:
    """True when two change sets are identical."""
    return diff_changes(expected, actual) is None


def summarize(changes: Mapping[str, Any]) -> str:
    """One line for logs: ``table:count, ...``."""
    return ", ".join(f"{t}:{n}" for t, n in sorted(changes.items()))
