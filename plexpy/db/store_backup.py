"""Backups and integrity checks of the store an engine answers on, whatever the backend.

Tautulli backs its SQLite file up with SQLite's online backup API before risky writes (``regroup_history``)
and in ``make_backup``. A PostgreSQL store has no such file: there the backup is the same thing Tautulli
writes — a SQLite database file with every table — made with ``tautulli-db copy`` (PostgreSQL → SQLite,
verified by reconciliation before it counts), so it restores like any Tautulli backup. The integrity check
is SQLite's ``PRAGMA integrity_check`` there and, on PostgreSQL, ``'ok'`` unless an index is invalid
(``pg_index.indisvalid``), the closest thing PostgreSQL keeps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import ClauseElement, Executable, column, create_engine, delete, insert, select, table
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import NullPool

from plexpy.db.errors import translating
from plexpy.db.schema import metadata
from plexpy.db.sqlfuncs import autoincrement_value

__all__ = ["copy_server_store", "integrity_check"]


class integrity_check(Executable, ClauseElement):
    """One row, one column ``integrity_check``: ``'ok'`` for a sound store."""

    inherit_cache = True


@compiles(integrity_check, "sqlite")
def _integrity_sqlite(_element: integrity_check, _compiler: Any, **_kw: Any) -> str:
    return "SELECT integrity_check FROM pragma_integrity_check() LIMIT 1"


@compiles(integrity_check, "postgresql")
def _integrity_pg(_element: integrity_check, _compiler: Any, **_kw: Any) -> str:
    return ("SELECT CASE WHEN count(*) = 0 THEN 'ok' ELSE count(*) || ' invalid index(es)' END "
            "AS integrity_check FROM pg_catalog.pg_index WHERE NOT indisvalid")


def copy_server_store(engine: Engine, target: Path) -> None:
    """Write a SQLite backup of a server store (PostgreSQL) at ``target``: Tautulli's schema, every row, counters.

    Rows are read in one snapshot (``REPEATABLE READ``) and written in key order in batches; values keep their
    SQLite storage class (the dynamic columns decode to int/float/str). ``tautulli-db reconcile`` of the store
    against the file proves it equal (``tests/postgres/test_pg_writes.py`` does).

    Raises:
        TautulliDBError: the store or the file failed.
    """
    dest = create_engine(URL.create("sqlite", database=str(target)), poolclass=NullPool)
    sequence = table("sqlite_sequence", column("name"), column("seq"))
    try:
        with translating("backup", SQLAlchemyError), \
                engine.connect().execution_options(isolation_level="REPEATABLE READ") as src, dest.begin() as out:
            metadata.create_all(out)
            for source_table in metadata.sorted_tables:  # the PostgreSQL types are variants of these
                rows = src.execute(select(source_table).order_by(*source_table.primary_key.columns)).mappings()
                target_table = metadata.tables[source_table.name]
                for batch in rows.partitions(5000):
                    out.execute(insert(target_table), [dict(r) for r in batch])
                if source_table.kwargs.get("sqlite_autoincrement"):
                    seq = src.execute(select(autoincrement_value(source_table.name))).scalar_one()
                    out.execute(delete(sequence).where(sequence.c.name == source_table.name))  # SQLite's own row
                    if seq:
                        out.execute(insert(sequence).values(name=source_table.name, seq=int(seq)))
    finally:
        dest.dispose()
