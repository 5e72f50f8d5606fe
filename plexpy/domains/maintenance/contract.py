"""The maintenance domain's operations: names, signatures and result shapes shared by both twins.

Writes say how the shim may verify them (``verify``): ``"transaction"`` (run inside a transaction, capture,
roll back) is the default. It serves the PlexWatch/Plexivity importers (they only read their file) and the
clears (``clear_table``, ``delete_sessions`` …): their VACUUM is deferred until the commit, so a rolled-back
compared run never reaches it. ``"scratch"`` marks operations whose effects a rollback cannot undo (the import
ATTACHes its file outside the transaction and deletes it, VACUUM itself, backup files written): their compared
path runs on a scratch copy of the database, with its own copy of the import file and its backups kept in
the scratch folder, so file side effects happen once, from the answering path.
"""

from __future__ import annotations

from typing import Any, Final, Protocol, TypedDict

from shim.operation import Operation, operations

__all__ = ["ALL_TABLES", "IMPORTED_TABLES", "OPERATIONS", "DatabaseSize", "MaintenanceOps"]

#: Every table ``import_tautulli_db`` may write (``sessions`` and ``version_info`` are never imported).
IMPORTED_TABLES: Final = (
    "cloudinary_lookup", "exports", "image_hash_lookup", "imgur_lookup", "library_sections", "mobile_devices",
    "musicbrainz_lookup", "newsletter_log", "newsletters", "notifiers", "notify_log", "recently_added",
    "session_history", "session_history_media_info", "session_history_metadata", "sessions_continued",
    "themoviedb_lookup", "tvmaze_lookup", "user_login", "users",
)
#: Every table of a Tautulli database (what ``clear_table`` may empty).
ALL_TABLES: Final = (*IMPORTED_TABLES, "sessions", "version_info")
_HISTORY: Final = ("session_history", "session_history_media_info", "session_history_metadata")


class DatabaseSize(TypedDict):
    """How big the database is: pages, page size, free pages and bytes."""

    page_count: int
    page_size: int
    freelist_count: int
    size_bytes: int


class MaintenanceOps(Protocol):
    """What each twin of the maintenance domain implements, in this order."""

    def integrity_check(self) -> dict[str, Any]:
        """The integrity verdict (first message only): ``{'integrity_check': 'ok'}`` when sound."""
        ...

    def get_database_size(self) -> DatabaseSize:
        """Pages, page size, free pages and total bytes of the database."""
        ...

    def get_table_row_counts(self) -> dict[str, int]:
        """Rows per table (internal ``sqlite_*`` tables left out), by table name."""
        ...

    def validate_database(self, database: Any = None) -> str:
        """``'success'`` when ``database`` is a Tautulli database (it has ``session_history.started``)."""
        ...

    def import_tautulli_db(self, database: Any = None, method: Any = None, backup: Any = False) -> Any:
        """Merge or overwrite from another Tautulli database in one transaction; False when refused."""
        ...

    def clear_table(self, table: Any = None) -> Any:
        """Delete every row of one table, then VACUUM: True, False on failure, None without a table."""
        ...

    def delete_sessions(self) -> Any:
        """Clear the live sessions table."""
        ...

    def delete_recently_added(self) -> Any:
        """Clear the recently added table."""
        ...

    def delete_exports(self) -> Any:
        """Clear the exports table."""
        ...

    def make_backup(self, cleanup: Any = False, scheduler: Any = False) -> bool:
        """Write a consistent (WAL-safe) backup into ``BACKUP_DIR``; True when the file is there."""
        ...

    def vacuum(self) -> None:
        """VACUUM the database (errors are logged, never raised)."""
        ...

    def optimize(self) -> None:
        """Let the database refresh its planner statistics (errors are logged, never raised)."""
        ...

    def optimize_db(self) -> None:
        """VACUUM, then optimize (Tautulli's daily job)."""
        ...

    def validate_plexwatch_database(self, database_file: Any = None, table_name: Any = None) -> str:
        """``'success'`` when ``table_name`` of a PlexWatch file has ``ratingKey``."""
        ...

    def import_from_plexwatch(self, database_file: Any = None, table_name: Any = None,
                              import_ignore_interval: Any = 0) -> None:
        """Import PlexWatch plays into the three history tables, then their users, in one transaction."""
        ...

    def validate_plexivity_database(self, database_file: Any = None, table_name: Any = None) -> str:
        """``'success'`` when ``table_name`` of a Plexivity file has ``xml``."""
        ...

    def import_from_plexivity(self, database_file: Any = None, table_name: Any = None,
                              import_ignore_interval: Any = 0) -> None:
        """Import Plexivity plays into the three history tables, then their users, in one transaction."""
        ...

    def import_users(self) -> None:
        """Add a user row for every user id in history that has none (errors are logged, never raised)."""
        ...


OPERATIONS: Final = operations("maintenance", {
    "integrity_check": Operation.read(),
    "get_database_size": Operation.read(),
    "get_table_row_counts": Operation.read(),
    "validate_database": Operation.read(),
    "import_tautulli_db": Operation.write(tables=(*IMPORTED_TABLES, "sqlite_sequence"), verify="scratch"),
    "clear_table": Operation.write(tables=ALL_TABLES),
    "delete_sessions": Operation.write(tables=("sessions",)),
    "delete_recently_added": Operation.write(tables=("recently_added",)),
    "delete_exports": Operation.write(tables=("exports",)),
    "make_backup": Operation.write(tables=(), verify="scratch"),
    "vacuum": Operation.write(tables=(), verify="scratch"),
    "optimize": Operation.write(tables=(), verify="scratch"),
    "optimize_db": Operation.write(tables=(), verify="scratch"),
    "validate_plexwatch_database": Operation.read(),
    "import_from_plexwatch": Operation.write(tables=(*_HISTORY, "users", "sqlite_sequence")),
    "validate_plexivity_database": Operation.read(),
    "import_from_plexivity": Operation.write(tables=(*_HISTORY, "users", "sqlite_sequence")),
    "import_users": Operation.write(tables=("users", "sqlite_sequence")),
})
