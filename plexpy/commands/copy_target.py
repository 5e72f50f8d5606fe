"""Preparing the target of ``copy``: tables, indexes after the rows, restarts, AUTOINCREMENT counters."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from plexpy.commands.copy_stream import _progress

__all__ = ["build_index", "set_sequences"]


# --- sequences ----------------------------------------------------------------------------------------------

def _source_sequences(source: Connection, tables: Sequence[sa.Table]) -> dict[str, int]:
    """Each AUTOINCREMENT table's counter on the source (``sqlite_sequence``, or the serial's last value)."""
    if source.dialect.name == "postgresql":
        found = {}
        for table in tables:
            if table.kwargs.get("sqlite_autoincrement"):
                serial = source.exec_driver_sql(
                    f"SELECT pg_get_serial_sequence('{source.dialect.identifier_preparer.format_table(table)}', 'id')"
                ).scalar_one()
                last, called = source.exec_driver_sql(f"SELECT last_value, is_called FROM {serial}").one()
                found[table.name] = int(last) if called else int(last) - 1
        return found
    if not source.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first():
        return {}
    return {str(name): int(seq) for name, seq in source.exec_driver_sql("SELECT name, seq FROM sqlite_sequence")}


def set_sequences(conn: Connection, tables: Sequence[sa.Table], counters: dict[str, int]) -> dict[str, int]:
    """Lift every AUTOINCREMENT counter of ``tables`` to ``max(counters[table], max(id))``; returns the values."""
    result: dict[str, int] = {}
    preparer = conn.dialect.identifier_preparer
    for table in tables:
        if not table.kwargs.get("sqlite_autoincrement"):
            continue
        quoted = preparer.format_table(table)
        highest = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {quoted}").scalar_one()
        value = max(int(highest), counters.get(table.name, 0))
        if conn.dialect.name == "postgresql":
            serial = f"pg_get_serial_sequence('{quoted}', 'id')"
            if value > 0:
                conn.exec_driver_sql(f"SELECT setval({serial}, {value}, true)")
            else:
                conn.exec_driver_sql(f"SELECT setval({serial}, 1, false)")
        else:
            conn.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table.name,))
            if table.name in counters or value > 0:
                conn.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table.name, value))
        result[table.name] = value
    return result



def build_index(engine: Engine, index: sa.Index) -> None:
    """Create one index after its table's rows (if missing), on its own connection."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '128MB'")
        index.create(conn, checkfirst=True)


def _create_indexes(engine: Engine, targets: Sequence[sa.Table], workers: int) -> None:
    """Create the tables' indexes after their rows, ``workers`` at a time on PostgreSQL (each its own connection)."""
    def build(index: sa.Index) -> None:
        build_index(engine, index)

    indexes = [index for target in targets for index in target.indexes]
    if workers == 1:
        for index in indexes:
            build(index)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(build, indexes))


def _create_tables(engine: Engine, targets: Sequence[sa.Table]) -> None:
    """Create the missing tables with their keys and UNIQUE constraints; indexes come after the rows (faster)."""
    with engine.begin() as conn:
        present = set(sa.inspect(conn).get_table_names())
        for table in targets:
            if table.name not in present:
                conn.execute(sa.schema.CreateTable(table))


def _restart(engine: Engine, targets: Sequence[sa.Table]) -> None:
    with engine.begin() as conn:
        names = {t.name for t in targets}
        for row in conn.execute(sa.select(_progress.c.table_name)).scalars():
            if row in names:
                conn.execute(sa.delete(next(t for t in targets if t.name == row)))
                conn.execute(sa.delete(_progress).where(_progress.c.table_name == row))

