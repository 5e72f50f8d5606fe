"""Tautulli-compatible facade of ``plexpy.database``: the raw SQL API, maintenance, imports and history deletes.

``MonitorDatabase.select``/``select_single`` are Tautulli's raw SQL endpoint and route through the
``api_sql`` domain, read-only on both paths (unlike Tautulli, which ran any statement and backed the
database up first). The integrity check, the database import, clears, backups, VACUUM and optimize route
through ``maintenance``; the history deletes through ``history``. ``IS_IMPORTING`` is Tautulli's flag, read
live.
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.api_sql.contract import OPERATIONS as _SQL_OPS
from plexpy.domains.maintenance import importing as _importing
from plexpy.domains.maintenance.contract import OPERATIONS as _MAINTENANCE_OPS
from plexpy.facades.history_deletes import (
    delete_library_history,
    delete_rows_from_table,
    delete_session_history_rows,
    delete_user_history,
)

__all__ = [
    "MonitorDatabase", "clear_table", "delete_exports", "delete_library_history", "delete_recently_added",
    "delete_rows_from_table", "delete_session_history_rows", "delete_sessions", "delete_user_history",
    "get_database_size", "get_table_row_counts", "import_tautulli_db", "integrity_check", "make_backup",
    "optimize", "optimize_db", "set_is_importing", "vacuum", "validate_database",
]


def __getattr__(name: str) -> Any:
    if name == "IS_IMPORTING":
        return _importing.importing_now()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def set_is_importing(value: Any) -> None:
    """Set Tautulli's ``IS_IMPORTING`` flag by hand."""
    _importing.set_is_importing(value)


def validate_database(database: Any = None) -> Any:
    """``'success'`` when ``database`` names a Tautulli database file, else why not."""
    return runtime.route(_MAINTENANCE_OPS["validate_database"], database=database)


def import_tautulli_db(database: Any = None, method: Any = None, backup: Any = False) -> Any:
    """Merge or overwrite from another Tautulli database file (``'merge'``/``'overwrite'``), then delete it.

    One transaction on both paths; None when done, False when refused (another import running, an invalid
    file, an unknown method, a failed backup).
    """
    return runtime.route(_MAINTENANCE_OPS["import_tautulli_db"], database=database, method=method, backup=backup)


def integrity_check() -> Any:
    """The database's integrity verdict, ``{'integrity_check': 'ok'}`` when sound (first message only)."""
    return runtime.route(_MAINTENANCE_OPS["integrity_check"])


def clear_table(table: Any = None) -> Any:
    """Delete every row of ``table``, then VACUUM; True, False on failure, None without a table."""
    return runtime.route(_MAINTENANCE_OPS["clear_table"], table=table)


def delete_sessions() -> Any:
    """Clear the live sessions table."""
    return runtime.route(_MAINTENANCE_OPS["delete_sessions"])


def delete_recently_added() -> Any:
    """Clear the recently added table."""
    return runtime.route(_MAINTENANCE_OPS["delete_recently_added"])


def delete_exports() -> Any:
    """Clear the exports table."""
    return runtime.route(_MAINTENANCE_OPS["delete_exports"])


def vacuum() -> Any:
    """VACUUM the database (errors are logged)."""
    return runtime.route(_MAINTENANCE_OPS["vacuum"])


def optimize() -> Any:
    """Refresh the planner's statistics (errors are logged)."""
    return runtime.route(_MAINTENANCE_OPS["optimize"])


def optimize_db() -> Any:
    """VACUUM, then optimize (Tautulli's daily job)."""
    return runtime.route(_MAINTENANCE_OPS["optimize_db"])


def make_backup(cleanup: Any = False, scheduler: Any = False) -> Any:
    """Back the database up into ``BACKUP_DIR`` (a WAL-safe snapshot, zipped under Tautulli's name); True when written.

    With ``cleanup``, scheduled backups older than ``BACKUP_DAYS`` are deleted (only when the database is sound).
    """
    return runtime.route(_MAINTENANCE_OPS["make_backup"], cleanup=cleanup, scheduler=scheduler)


def get_database_size() -> Any:
    """Pages, page size, free pages and total bytes of the database (for operators)."""
    return runtime.route(_MAINTENANCE_OPS["get_database_size"])


def get_table_row_counts() -> Any:
    """Rows per table, by table name (for operators)."""
    return runtime.route(_MAINTENANCE_OPS["get_table_row_counts"])
