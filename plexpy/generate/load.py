"""Loading: schema creation, ``executemany`` batches, history index drop and re-create, WAL."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine

from plexpy.db import schema
from plexpy.db.fresh import seed_fresh
from plexpy.db.perf_indexes import PERF_INDEXES, create_sql
from plexpy.generate.constants import Progress

if TYPE_CHECKING:
    from plexpy.generate.builder import _Builder


def _columns(table: Any) -> tuple[str, ...]:
    return tuple(table.c.keys())


def _insert_sql(table: Any, columns: Sequence[str]) -> str:
    return f'INSERT INTO {table.name} ({", ".join(columns)}) VALUES ({", ".join("?" for _ in columns)})'


def _flush(conn: sqlite3.Connection, batches: Sequence[tuple[str, list[tuple[Any, ...]]]]) -> None:
    for sql, rows in batches:
        if rows:
            conn.executemany(sql, rows)
            rows.clear()


def _create_schema(path: Path) -> None:
    """An empty Tautulli v2.17.2 database: the project's schema and a fresh install's rows."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            schema.metadata.create_all(conn)
            seed_fresh(conn)
    finally:
        engine.dispose()


_BULK_TABLES = ("session_history", "session_history_metadata", "session_history_media_info", "notify_log")


def _load(path: Path, builder: _Builder, user_rows: list[tuple[Any, ...]], devices: list[tuple[Any, ...]],
          report: Progress, *, with_indexes: bool) -> tuple[int, dict[str, int]]:
    """Write the built rows into ``path``: history indexes dropped during the load, re-created after, WAL last.

    Returns the ``session_history`` rows written and every table's row count.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -262144", "temp_store = MEMORY"):
            conn.execute(f"PRAGMA {pragma}")
        marks = ", ".join("?" for _ in _BULK_TABLES)
        indexes = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                               f"AND tbl_name IN ({marks}) ORDER BY name", _BULK_TABLES).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("BEGIN")
        conn.executemany(_insert_sql(schema.library_sections, _columns(schema.library_sections)[1:]),
                         builder.libraries())
        conn.executemany(_insert_sql(schema.users, _columns(schema.users)[1:]), user_rows)
        written = builder.history(conn, user_rows, devices, report)
        builder.live_sessions(conn, user_rows, devices)
        builder.extras(conn, user_rows)
        conn.execute("COMMIT")
        report("indexes", written)
        for _name, sql in indexes:
            conn.execute(sql)
        if with_indexes:
            for name, table, columns in PERF_INDEXES:
                conn.execute(create_sql(name, table, columns))
        conn.execute("PRAGMA journal_mode = WAL")
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()
    return written, counts
