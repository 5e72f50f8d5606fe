"""The maintenance domain on SQLAlchemy: documented per-dialect statements, imports, clears and backups.

SQLite answers with its own pragmas. PostgreSQL has no single integrity check: the closest cheap verdict is
that no index is left invalid (``pg_index.indisvalid``), reported as ``'ok'`` or the count; its size is
``pg_database_size`` in pages of ``block_size``, with no free-page list (``freelist_count`` 0). ``optimize``
is ``PRAGMA optimize`` on SQLite and ``ANALYZE`` on PostgreSQL. A backup is SQLite's online backup API through
the engine's driver connection; PostgreSQL has none (``make_backup`` is False there: use ``pg_dump``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import URL, create_engine, delete, func, inspect, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement

from plexpy.db import backup
from plexpy.db.engine import after_commit, connect, transaction, vacuum
from plexpy.db.errors import TautulliDBError, translating
from plexpy.db.schema import session_history, users
from plexpy.db.sqlfuncs import insert_or_ignore
from plexpy.db.store_backup import copy_server_store, integrity_check
from plexpy.domains.maintenance import _sqla_foreign, _sqla_import, importing, shaping
from plexpy.domains.maintenance.foreign_rows import PLEXIVITY, PLEXWATCH

__all__ = ["TWIN", "SqlaMaintenance"]

log = structlog.get_logger(__name__)


class _DatabaseSize(Executable, ClauseElement):
    """One row: ``page_count``, ``page_size``, ``freelist_count``."""

    inherit_cache = True


class _Optimize(Executable, ClauseElement):
    """Refresh the planner's statistics."""

    inherit_cache = True


@compiles(_DatabaseSize, "sqlite")
def _size_sqlite(_element: _DatabaseSize, _compiler: Any, **_kw: Any) -> str:
    return ("SELECT c.page_count AS page_count, s.page_size AS page_size, f.freelist_count AS freelist_count "
            "FROM pragma_page_count() AS c, pragma_page_size() AS s, pragma_freelist_count() AS f")


@compiles(_DatabaseSize, "postgresql")
def _size_pg(_element: _DatabaseSize, _compiler: Any, **_kw: Any) -> str:
    block = "CAST(current_setting('block_size') AS bigint)"
    return (f"SELECT pg_database_size(current_database()) / {block} AS page_count, {block} AS page_size, "
            "0 AS freelist_count")


@compiles(_Optimize, "sqlite")
def _optimize_sqlite(_element: _Optimize, _compiler: Any, **_kw: Any) -> str:
    return "PRAGMA optimize"


@compiles(_Optimize, "postgresql")
def _optimize_pg(_element: _Optimize, _compiler: Any, **_kw: Any) -> str:
    return "ANALYZE"


class SqlaMaintenance:
    """Maintenance on SQLAlchemy."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _first(self, stmt: Any, op: str) -> dict[str, Any]:
        with connect(self._engine, op) as conn:
            row = conn.execute(stmt).mappings().first()
        return dict(row) if row is not None else {}

    def integrity_check(self) -> dict[str, Any]:
        """The integrity verdict (first message only): ``{'integrity_check': 'ok'}`` when sound."""
        return shaping.integrity(self._first(integrity_check(), "maintenance.integrity_check"))

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

    def validate_database(self, database: Any = None) -> str:
        """``'success'`` when ``database`` is a Tautulli database (it has ``session_history.started``)."""
        return _sqla_import.validate(database)

    def import_tautulli_db(self, database: Any = None, method: Any = None, backup: Any = False) -> Any:
        """Merge or overwrite from another Tautulli database in one transaction; False when refused."""
        return importing.tautulli_import(database, method, backup, own_path=self._engine.url.database,
                                         validate=self.validate_database, make_backup=self.make_backup,
                                         run=self._run_import)

    def clear_table(self, table: Any = None) -> Any:
        """Delete every row of one table, then VACUUM: True, False on failure, None without a table."""
        if not table:
            return None
        try:
            with transaction(self._engine, "maintenance.clear_table") as conn:
                target = shaping.table_named(table, inspect(conn).get_table_names())
                if target is None:
                    log.error("maintenance.clear_failed", reason="no such table")
                    return False
                conn.execute(delete(_table(target)))
                after_commit(self.vacuum)
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
        return backup.make_backup(self._copy_into, database_file=self._engine.url.database, integrity_ok=sound,
                                  cleanup=bool(cleanup), scheduler=bool(scheduler))

    def vacuum(self) -> None:
        """VACUUM the database (errors are logged, never raised)."""
        try:
            vacuum(self._engine)
        except TautulliDBError:
            log.error("maintenance.vacuum_failed")

    def optimize(self) -> None:
        """Let the database refresh its planner statistics (errors are logged, never raised)."""
        try:
            with (translating("maintenance.optimize", SQLAlchemyError),
                  self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn):
                conn.execute(_Optimize())
        except TautulliDBError:
            log.error("maintenance.optimize_failed")

    def optimize_db(self) -> None:
        """VACUUM, then optimize (Tautulli's daily job)."""
        self.vacuum()
        self.optimize()

    def validate_plexwatch_database(self, database_file: Any = None, table_name: Any = None) -> str:
        """``'success'`` when ``table_name`` of a PlexWatch file has ``ratingKey``."""
        return _sqla_foreign.validate(PLEXWATCH, database_file, table_name)

    def import_from_plexwatch(self, database_file: Any = None, table_name: Any = None,
                              import_ignore_interval: Any = 0) -> None:
        """Import PlexWatch plays into the three history tables, then their users, in one transaction."""
        _sqla_foreign.import_plays(self._engine, PLEXWATCH, database_file, table_name, import_ignore_interval,
                                   self.import_users)

    def validate_plexivity_database(self, database_file: Any = None, table_name: Any = None) -> str:
        """``'success'`` when ``table_name`` of a Plexivity file has ``xml``."""
        return _sqla_foreign.validate(PLEXIVITY, database_file, table_name)

    def import_from_plexivity(self, database_file: Any = None, table_name: Any = None,
                              import_ignore_interval: Any = 0) -> None:
        """Import Plexivity plays into the three history tables, then their users, in one transaction."""
        _sqla_foreign.import_plays(self._engine, PLEXIVITY, database_file, table_name, import_ignore_interval,
                                   self.import_users)

    def import_users(self) -> None:
        """Add a user row for every user id in history that has none (errors are logged, never raised).

        SQLite takes the bare ``user`` of ``GROUP BY user_id`` from each group's first row in
        ``idx_session_history_user_id`` order, the lowest id: that row is picked explicitly.
        """
        h = session_history
        first = select(func.min(h.c.id)).where(h.c.user_id != 1).group_by(h.c.user_id)
        rows = select(h.c.user_id, h.c.user).where(h.c.id.in_(first)).order_by(h.c.user_id)
        try:
            with transaction(self._engine, "maintenance.import_users") as conn:  # a savepoint inside an import
                conn.execute(insert_or_ignore(users).from_select(["user_id", "username"], rows))
        except TautulliDBError:
            log.error("maintenance.import_users_failed")

    def _run_import(self, path: str, method: str) -> None:
        _sqla_import.run_import(self._engine, path, method)
        self.vacuum()

    def _copy_into(self, target: Path) -> None:
        copy = create_engine(URL.create("sqlite", database=str(target)), poolclass=NullPool)
        try:
            with (translating("maintenance.make_backup", SQLAlchemyError, self._engine.dialect.dbapi.Error),
                  self._engine.connect() as conn, copy.connect() as dest):
                source = conn.connection.driver_connection
                if not hasattr(source, "backup"):  # PostgreSQL: a SQLite copy (plexpy.db.store_backup)
                    copy_server_store(self._engine, target)
                    return
                source.backup(dest.connection.driver_connection)
        finally:
            copy.dispose()


def _table(name: str) -> Any:
    return table(name)


TWIN = SqlaMaintenance
