"""The maintenance domain on raw sqlite3: SQLite's own pragmas, imports, clears and backups (the control path)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import structlog

from plexpy.db import backup
from plexpy.db.errors import TautulliDBError, translating
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.maintenance import _legacy_foreign, _legacy_import, importing, shaping
from plexpy.domains.maintenance.foreign_rows import PLEXIVITY, PLEXWATCH

__all__ = ["TWIN", "LegacyMaintenance"]

log = structlog.get_logger(__name__)

_INTEGRITY_CHECK = "PRAGMA integrity_check"

_DATABASE_SIZE = """
SELECT c.page_count AS page_count, s.page_size AS page_size, f.freelist_count AS freelist_count
FROM pragma_page_count() AS c, pragma_page_size() AS s, pragma_freelist_count() AS f"""

_TABLES = r"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'"

_ROW_COUNT = 'SELECT COUNT(*) AS row_count FROM "{table}"'

_CLEAR_TABLE = 'DELETE FROM "{table}"'

_OPTIMIZE = "PRAGMA optimize"

_IMPORT_USERS = """
INSERT OR IGNORE INTO users (user_id, username)
SELECT user_id, user FROM session_history WHERE user_id != 1 GROUP BY user_id"""


class LegacyMaintenance:
    """Maintenance on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def integrity_check(self) -> dict[str, Any]:
        """The integrity verdict (first message only): ``{'integrity_check': 'ok'}`` when sound."""
        return shaping.integrity(self._db.select_single(_INTEGRITY_CHECK))

    def get_database_size(self) -> dict[str, int]:
        """Pages, page size, free pages and total bytes of the database."""
        return shaping.database_size(self._db.select_single(_DATABASE_SIZE))

    def get_table_row_counts(self) -> dict[str, int]:
        """Rows per table (internal ``sqlite_*`` tables left out), by table name."""
        names = [r["name"] for r in self._db.select(_TABLES)]
        return shaping.row_counts(
            (name, self._db.select_single(_ROW_COUNT.format(table=name.replace('"', '""')))["row_count"])
            for name in names
        )

    def validate_database(self, database: Any = None) -> str:
        """``'success'`` when ``database`` is a Tautulli database (it has ``session_history.started``)."""
        return _legacy_import.validate(database)

    def import_tautulli_db(self, database: Any = None, method: Any = None, backup: Any = False) -> Any:
        """Merge or overwrite from another Tautulli database in one transaction; False when refused."""
        return importing.tautulli_import(database, method, backup, own_path=self._db.path,
                                         validate=self.validate_database, make_backup=self.make_backup,
                                         run=self._run_import)

    def clear_table(self, table: Any = None) -> Any:
        """Delete every row of one table, then VACUUM: True, False on failure, None without a table."""
        if not table:
            return None
        try:
            target = shaping.table_named(table, [r["name"] for r in self._db.select(_TABLES)])
            if target is None:
                log.error("maintenance.clear_failed", reason="no such table")
                return False
            with self._db.transaction():
                self._db.action(_CLEAR_TABLE.format(table=target.replace('"', '""')))
                self._db.after_commit(self.vacuum)
        except TautulliDBError:
            log.error("maintenance.clear_failed", reason="database error")
            return False
        return True

    def delete_sessions(self) -> Any:
        """Clear the live sessions table."""
        return self.clear_table("sessions")

    def delete_recently_added(self) -> Any:
        """Clear the recently added table."""
        return self.clear_table("recently_added")

    def delete_exports(self) -> Any:
        """Clear the exports table."""
        return self.clear_table("exports")

    def make_backup(self, cleanup: Any = False, scheduler: Any = False) -> bool:
        """Write a consistent (WAL-safe) backup into ``BACKUP_DIR``; True when the file is there."""
        sound = self.integrity_check().get("integrity_check") == "ok"
        return backup.make_backup(self._copy_into, database_file=self._db.path, integrity_ok=sound,
                                  cleanup=bool(cleanup), scheduler=bool(scheduler))

    def vacuum(self) -> None:
        """VACUUM the database (errors are logged, never raised)."""
        try:
            self._db.vacuum()
        except TautulliDBError:
            log.error("maintenance.vacuum_failed")

    def optimize(self) -> None:
        """Let the database refresh its planner statistics (errors are logged, never raised)."""
        try:
            with translating("maintenance.optimize", sqlite3.Error):
                self._db.connection().execute(_OPTIMIZE).fetchall()
        except TautulliDBError:
            log.error("maintenance.optimize_failed")

    def optimize_db(self) -> None:
        """VACUUM, then optimize (Tautulli's daily job)."""
        self.vacuum()
        self.optimize()

    def validate_plexwatch_database(self, database_file: Any = None, table_name: Any = None) -> str:
        """``'success'`` when ``table_name`` of a PlexWatch file has ``ratingKey``."""
        return _legacy_foreign.validate(PLEXWATCH, database_file, table_name)

    def import_from_plexwatch(self, database_file: Any = None, table_name: Any = None,
                              import_ignore_interval: Any = 0) -> None:
        """Import PlexWatch plays into the three history tables, then their users, in one transaction."""
        _legacy_foreign.import_plays(self._db, PLEXWATCH, database_file, table_name, import_ignore_interval,
                                     self.import_users)

    def validate_plexivity_database(self, database_file: Any = None, table_name: Any = None) -> str:
        """``'success'`` when ``table_name`` of a Plexivity file has ``xml``."""
        return _legacy_foreign.validate(PLEXIVITY, database_file, table_name)

    def import_from_plexivity(self, database_file: Any = None, table_name: Any = None,
                              import_ignore_interval: Any = 0) -> None:
        """Import Plexivity plays into the three history tables, then their users, in one transaction."""
        _legacy_foreign.import_plays(self._db, PLEXIVITY, database_file, table_name, import_ignore_interval,
                                     self.import_users)

    def import_users(self) -> None:
        """Add a user row for every user id in history that has none (errors are logged, never raised)."""
        try:
            with self._db.transaction():  # a savepoint inside an importer's transaction
                self._db.action(_IMPORT_USERS)
        except TautulliDBError:
            log.error("maintenance.import_users_failed")

    def _run_import(self, path: str, method: str) -> None:
        _legacy_import.run_import(self._db, path, method)
        self.vacuum()

    def _copy_into(self, target: Path) -> None:
        with translating("maintenance.make_backup", sqlite3.Error), contextlib.closing(sqlite3.connect(target)) as copy:
            self._db.connection().backup(copy)


TWIN = LegacyMaintenance
