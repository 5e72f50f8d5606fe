"""Writing a batch on the target of ``copy`` (PostgreSQL ``COPY`` or SQLite inserts), refusing lossy values."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from plexpy.commands.copy_results import CopyRefused
from plexpy.db import pgtypes

# --- values PostgreSQL cannot keep ---------------------------------------------------------------------------

@contextmanager
def _refusing(source: Connection, table: sa.Table, target: sa.Table) -> Iterator[None]:
    """Turn a batch PostgreSQL rejected into :class:`CopyRefused` naming the columns (the batch rolled back).

    PostgreSQL rejects text in a ``BIGINT`` column and NUL in text; the encoders refuse BLOBs and infinite reals.
    Nothing is scanned up front: only a failing table is examined, so a clean copy reads each row once.
    """
    try:
        yield
    except Exception as exc:
        if source.dialect.name != "sqlite" or not _is_value_error(exc):
            raise
        problems = _class_violations(source, table, target)
        if not problems:
            raise
        raise CopyRefused(f"{table.name}: values would change on the target; the batch was not copied "
                          "(tables before it were)", problems) from exc


def _is_value_error(exc: BaseException) -> bool:
    """A value was refused: our encoders, or psycopg/PostgreSQL's data exceptions (SQLSTATE class 22, NUL)."""
    try:
        from psycopg import DataError  # noqa: PLC0415 - the driver is only needed for a PostgreSQL target
    except ImportError:  # pragma: no cover - SQLite-only installs
        return isinstance(exc, pgtypes.StorageClassError)
    return isinstance(exc, (pgtypes.StorageClassError, DataError)) or isinstance(getattr(exc, "orig", None), DataError)


def _class_violations(source: Connection, table: sa.Table, target: sa.Table) -> list[str]:
    """Columns of a SQLite ``table`` holding a storage class ``target``'s PostgreSQL column cannot keep."""
    checks: list[tuple[str, str]] = []
    for column in target.columns:
        quoted = source.dialect.identifier_preparer.quote(column.name)
        if pgtypes.is_dynamic(column.type):
            checks.append((column.name, f"typeof({quoted}) = 'blob' OR {quoted} IN (9e999, -9e999)"))
        elif isinstance(column.type, sa.Integer):
            checks.append((column.name, f"typeof({quoted}) NOT IN ('integer', 'null')"))
        else:
            checks.append((column.name, f"typeof({quoted}) NOT IN ('text', 'null') OR instr({quoted}, char(0)) > 0"))
    sums = ", ".join(f"coalesce(sum({check}), 0)" for _, check in checks)
    quoted_table = source.dialect.identifier_preparer.format_table(table)
    counts = source.exec_driver_sql(f"SELECT {sums} FROM {quoted_table}").one()
    found = []
    for (name, _), count in zip(checks, counts, strict=True):
        if count:
            kinds = source.exec_driver_sql(
                f"SELECT DISTINCT typeof({source.dialect.identifier_preparer.quote(name)}) FROM {quoted_table}"
            ).scalars().all()
            found.append(f"{table.name}.{name}: {count} value(s) PostgreSQL cannot keep as stored "
                         f"(storage classes {', '.join(sorted(kinds))}); see docs/postgresql.md")
    return found


# --- writing ------------------------------------------------------------------------------------------------

def _encoders(target: sa.Table) -> list[Callable[[Any], Any] | None]:
    """Per column: how a SQLite value becomes COPY input for the target column (None: as it is)."""
    return [_jsonb_text if pgtypes.is_dynamic(c.type) else None for c in target.columns]


def _jsonb_text(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is int:
        return str(value)
    if value == "":
        return '""'
    return pgtypes.encode_dynamic(value, "none")  # a SQLite value already carries its affinity's class


_AS_IS = frozenset({int, type(None)})  # what a dynamic (jsonb) column takes unchanged: COPY's text of it is JSON


def _write_postgresql(conn: Connection, table: sa.Table, rows: Sequence[Sequence[Any]],
                      encoders: list[Callable[[Any], Any] | None]) -> None:
    """COPY ``rows`` into ``table``, converting column by column; the batch's commit need not wait for the disk.

    A column to convert whose values in this batch are all integers or NULL (the usual case for Tautulli's
    dynamic columns) is passed as it is: psycopg writes the same text the encoder would. The session's
    ``synchronous_commit`` is off for the batch only: the copy's last commits (checkpoint, indexes, counters)
    wait for the disk and flush the whole log before them, so every row is durable when ``copy`` returns.
    """
    preparer = conn.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(c.name) for c in table.columns)
    active = [(i, enc) for i, enc in enumerate(encoders) if enc is not None]
    data: Iterable[Sequence[Any]] = rows
    if active and rows:
        by_column: list[Sequence[Any]] = list(zip(*rows, strict=True))
        for i, enc in active:
            if not _AS_IS.issuperset(map(type, by_column[i])):
                by_column[i] = [enc(v) for v in by_column[i]]
        data = zip(*by_column, strict=True)
    raw = conn.connection.driver_connection
    _refuse_blobs(raw)
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute("SET LOCAL synchronous_commit = off")
        with cursor.copy(f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN") as stream:
            write = stream.write_row
            for row in data:
                write(row)


def _write_postgresql_text(conn: Connection, table: sa.Table, text: str) -> None:
    """COPY a batch SQLite already wrote as COPY text (:mod:`plexpy.commands.copy_text`)."""
    preparer = conn.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(c.name) for c in table.columns)
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute("SET LOCAL synchronous_commit = off")
        with cursor.copy(f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN") as stream:
            stream.write(text + "\n")


def _refuse_blobs(raw: Any) -> None:
    """Make psycopg refuse a BLOB on this connection: COPY text would turn it into escaped text silently."""
    from psycopg.adapt import Dumper  # noqa: PLC0415 - the driver is only needed for a PostgreSQL target

    class RefuseBlob(Dumper):
        def dump(self, obj: Any) -> bytes:
            raise pgtypes.StorageClassError("a BLOB cannot be kept in a TEXT or BIGINT column")

    for kind in (bytes, bytearray, memoryview):
        raw.adapters.register_dumper(kind, RefuseBlob)


def _write_sqlite(conn: Connection, table: sa.Table, rows: Sequence[Sequence[Any]]) -> None:
    preparer = conn.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(c.name) for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    conn.exec_driver_sql(f"INSERT INTO {preparer.format_table(table)} ({columns}) VALUES ({marks})",
                         [tuple(r) for r in rows])

