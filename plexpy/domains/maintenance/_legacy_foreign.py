"""The PlexWatch and Plexivity importers on raw sqlite3 (the control path).

The foreign file is read on its own connection (it is never written); every play goes into the three history
tables the way ``write_session_history`` writes an import (update-then-insert, the new id read back, then the
resume grouping), followed by ``import_users``, all in one transaction: a failure leaves nothing behind,
where Tautulli kept every play written before it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from typing import Any

import structlog

from plexpy.db.errors import translating
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.maintenance import foreign_rows, importing, shaping
from plexpy.domains.maintenance._legacy_import import connect_foreign
from plexpy.domains.maintenance.foreign_rows import Play, Source

__all__ = ["import_plays", "validate"]

log = structlog.get_logger(__name__)

_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"
_PROBE = {"plexwatch": "SELECT ratingKey FROM {table}", "plexivity": "SELECT xml FROM {table}"}
_ROWS = {
    "plexwatch": """
SELECT time AS started, stopped, CAST(ratingKey AS TEXT) AS rating_key, user, ip_address, paused_counter,
       platform AS player, parentRatingKey AS parent_rating_key, grandparentRatingKey AS grandparent_rating_key,
       xml, rating AS content_rating, summary, title AS full_title,
       CASE WHEN orig_title_ep = '' THEN orig_title ELSE orig_title_ep END AS title,
       CASE WHEN orig_title_ep != '' THEN orig_title ELSE NULL END AS grandparent_title
FROM {table} ORDER BY id, rowid""",
    "plexivity": """
SELECT id, time AS started, stopped, user, ip_address, paused_counter, platform AS player, xml,
       rating AS content_rating, summary, title AS full_title,
       CASE WHEN orig_title_ep = 'n/a' THEN orig_title ELSE orig_title_ep END AS title,
       CASE WHEN orig_title_ep != 'n/a' THEN orig_title ELSE NULL END AS grandparent_title
FROM {table} ORDER BY id, rowid""",
}
_USER_ID = "SELECT user_id FROM users WHERE username = ?"
_RECENT = ("SELECT id, rating_key, view_offset, reference_id FROM session_history "
           "WHERE id <= ? AND user_id = ? AND rating_key = ? ORDER BY id DESC LIMIT 2")
_SET_REFERENCE = "UPDATE session_history SET reference_id = ? WHERE id = ?"


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _table(conn: sqlite3.Connection, table_name: Any) -> str | None:
    return shaping.table_named(table_name, [r["name"] for r in conn.execute(_TABLES)], internal=True)


def validate(source: Source, database_file: Any, table_name: Any) -> str:
    """The importer's ``validate_database``: ``'success'`` when the table has the column the importer needs."""
    try:
        with contextlib.closing(connect_foreign(database_file)) as conn:
            table = _table(conn, table_name)
            if table is None:
                return foreign_rows.INVALID
            conn.execute(_PROBE[source.name].format(table=_q(table))).fetchone()
    except TypeError:
        return foreign_rows.UNCAUGHT
    except (sqlite3.OperationalError, ValueError):
        log.error("maintenance.invalid_database", source=source.name)
        return foreign_rows.INVALID
    except sqlite3.Error:
        log.error("maintenance.invalid_database", source=source.name, reason="uncaught")
        return foreign_rows.UNCAUGHT
    return "success"


def _user_id_of(db: SqliteExecutor) -> Callable[[Any], Any]:
    def lookup(user: Any) -> Any:
        if not user:
            return None
        return db.select_single(_USER_ID, [user]).get("user_id")

    return lookup


def _writer(db: SqliteExecutor) -> Callable[[Play], None]:
    def write(play: Play) -> None:
        db.upsert("session_history", play.history, {"id": None})
        last_id = db.last_insert_id()
        recent = db.select(_RECENT, [last_id, play.user_id, play.rating_key])
        db.action(_SET_REFERENCE, list(foreign_rows.reference_update(last_id, recent, play)))
        db.upsert("session_history_media_info", play.media_info, {"id": last_id})
        db.upsert("session_history_metadata", play.metadata, {"id": last_id})

    return write


def import_plays(db: SqliteExecutor, source: Source, database_file: Any, table_name: Any, interval: Any,
                 import_users: Callable[[], None]) -> None:
    """Import every play of ``table_name``, then the users, in one transaction (None, as Tautulli returns)."""
    if validate(source, database_file, table_name) != "success":
        return
    op = f"maintenance.import_from_{source.name}"
    with (translating(op, sqlite3.Error), contextlib.closing(connect_foreign(database_file)) as conn,
          importing.tracked()):
        table = _table(conn, table_name)
        rows = conn.execute(_ROWS[source.name].format(table=_q(str(table))))
        with db.transaction():
            written = foreign_rows.import_plays(source, rows, interval, _user_id_of(db), _writer(db))
            import_users()
    log.info("maintenance.foreign_import_complete", source=source.name, plays=written)
