"""The maintenance domain's reads on SQLAlchemy: integrity and size as documented per-dialect statements.

SQLite answers with its own pragmas. PostgreSQL has no single integrity check: the closest cheap verdict is
that no index is left invalid (``pg_index.indisvalid``), reported as ``'ok'`` or the count; its size is
``pg_database_size`` in pages of ``block_size``, with no free-page list (``freelist_count`` 0).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement

from plexpy.db.engine import connect
from plexpy.domains.maintenance import shaping

__all__ = ["TWIN", "SqlaMaintenance"]


class _IntegrityCheck(Executable, ClauseElement):
    """The database's integrity verdict, one row per message, column ``integrity_check``."""

    inherit_cache = True


class _DatabaseSize(Executable, ClauseElement):
    """One row: ``page_count``, ``page_size``, ``freelist_count``."""

    inherit_cache = True


@compiles(_IntegrityCheck, "sqlite")
def _integrity_sqlite(_element: _IntegrityCheck, _compiler: Any, **_kw: Any) -> str:
    return "PRAGMA integrity_check"


@compiles(_IntegrityCheck, "postgresql")
def _integrity_pg(_element: _IntegrityCheck, _compiler: Any, **_kw: Any) -> str:
    return ("SELECT CASE WHEN count(*) = 0 THEN 'ok' ELSE count(*) || ' invalid index(es)' END "
            "AS integrity_check FROM pg_catalog.pg_index WHERE NOT indisvalid")


@compiles(_DatabaseSize, "sqlite")
def _size_sqlite(_element: _DatabaseSize, _compiler: Any, **_kw: Any) -> str:
    return ("SELECT c.page_count AS page_count, s.page_size AS page_size, f.freelist_count AS freelist_count "
            "FROM pragma_page_count() AS c, pragma_page_size() AS s, pragma_freelist_count() AS f")


@compiles(_DatabaseSize, "postgresql")
def _size_pg(_element: _DatabaseSize, _compiler: Any, **_kw: Any) -> str:
    block = "CAST(current_setting('block_size') AS bigint)"
    return (f"SELECT pg_database_size(current_database()) / {block} AS page_count, {block} AS page_size, "
            "0 AS freelist_count")


class SqlaMaintenance:
    """Maintenance reads on SQLAlchemy."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _first(self, stmt: Any, op: str) -> dict[str, Any]:
        with connect(self._engine, op) as conn:
            row = conn.execute(stmt).mappings().first()
        return dict(row) if row is not None else {}

    def integrity_check(self) -> dict[str, Any]:
        """The integrity verdict (first message only): ``{'integrity_check': 'ok'}`` when sound."""
        return shaping.integrity(self._first(_IntegrityCheck(), "maintenance.integrity_check"))

    def get_database_size(self) -> dict[str, int]:
        """Pages, page size, free pages and total bytes of the database."""
        return shaping.database_size(self._first(_DatabaseSize(), "maintenance.get_database_size"))

    def get_table_row_counts(self) -> dict[str, int]:
        """Rows per table (internal ``sqlite_*`` tables left out), by table name."""
        with connect(self._engine, "maintenance.get_table_row_counts") as conn:
            names = inspect(conn).get_table_names()
            counts = [(name, conn.execute(select(func.count()).select_from(table(name))).scalar_one())
                      for name in names]
        return shaping.row_counts(counts)


TWIN = SqlaMaintenance
