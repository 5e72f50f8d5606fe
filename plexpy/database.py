"""Tautulli-compatible facade of ``plexpy.database`` (reads): the raw SQL API and the maintenance readers.

``MonitorDatabase.select``/``select_single`` are Tautulli's raw SQL endpoint and route through the
``api_sql`` domain, read-only on both paths (unlike Tautulli, which ran any statement and backed the
database up first). ``integrity_check`` and the size/statistics readers route through ``maintenance``.
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.api_sql.contract import OPERATIONS as _SQL_OPS
from plexpy.domains.maintenance.contract import OPERATIONS as _MAINTENANCE_OPS

__all__ = ["MonitorDatabase", "get_database_size", "get_table_row_counts", "integrity_check"]


class MonitorDatabase:
    """Tautulli's database handle, as the raw SQL API uses it.

    ``filename`` is accepted for Tautulli's signature only: every call goes to the configured database.
    """

    def __init__(self, filename: Any = None) -> None:
        self.filename = filename

    def select(self, query: Any, args: Any = None) -> Any:
        """Every row of one read-only statement (``?`` placeholders, ``args`` a list)."""
        return runtime.route(_SQL_OPS["select"], query=query, args=args)

    def select_single(self, query: Any, args: Any = None) -> Any:
        """The first row of one read-only statement, or ``{}``."""
        return runtime.route(_SQL_OPS["select_single"], query=query, args=args)


def integrity_check() -> Any:
    """The database's integrity verdict, ``{'integrity_check': 'ok'}`` when sound (first message only)."""
    return runtime.route(_MAINTENANCE_OPS["integrity_check"])


def get_database_size() -> Any:
    """Pages, page size, free pages and total bytes of the database (for operators)."""
    return runtime.route(_MAINTENANCE_OPS["get_database_size"])


def get_table_row_counts() -> Any:
    """Rows per table, by table name (for operators)."""
    return runtime.route(_MAINTENANCE_OPS["get_table_row_counts"])
