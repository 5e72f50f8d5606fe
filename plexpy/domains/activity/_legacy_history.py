"""Writing plays to history on raw sqlite3 (same functions as ``_sqla_history``), inside the twin's transaction.

``write_play`` stores the three rows of a play with the id of the new ``session_history`` row copied to the
two satellites (update-then-insert by id, as Tautulli; unlike Tautulli's upsert, an insert the database
refuses fails the whole play, so no partial triple is left); ``group`` sets ``reference_id``; ``regroup``
recomputes it for every row after a backup. The
live check compares the start in the configured zone with SQL's UTC clock a day ago, as Tautulli's
``datetime(started, 'unixepoch', 'localtime') > datetime('now', '-1 day')`` does (trap 4), through
``tz_strftime`` and the frozen clock.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import structlog

from plexpy import context
from plexpy.db import backup
from plexpy.db.errors import TautulliDBError, translating
from plexpy.db.retry import is_locked
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.activity import writing

__all__ = ["group", "regroup", "write_play"]

log = structlog.get_logger(__name__)

_LIVE_PREVIOUS = """
SELECT h.id AS id, m.guid AS guid, h.reference_id AS reference_id
FROM session_history AS h
JOIN session_history_metadata AS m ON h.id = m.id
WHERE h.id <= ? AND h.user_id = ? AND tz_strftime('%Y-%m-%d %H:%M:%S', h.started, ?) > ?
ORDER BY h.id DESC
LIMIT 1"""

_LAST_TWO = """
SELECT id, rating_key, view_offset, reference_id
FROM session_history
WHERE id <= ? AND user_id = ? AND rating_key = ?
ORDER BY id DESC
LIMIT 2"""

_SET_REFERENCE = "UPDATE session_history SET reference_id = ? WHERE id = ?"

# Tautulli selects ``*`` from the join; a name both tables have keeps the metadata table's value (the last one).
_EVERY_PLAY = """
SELECT m.id AS id, h.user_id AS user_id, m.rating_key AS rating_key, m.media_type AS media_type,
       m.duration AS duration, m.live AS live, m.guid AS guid, m.marker_credits_first AS marker_credits_first,
       m.marker_credits_final AS marker_credits_final
FROM session_history AS h
JOIN session_history_metadata AS m ON h.id = m.id
ORDER BY h.id"""

_INTEGRITY = "SELECT integrity_check FROM pragma_integrity_check() LIMIT 1"


def write_play(twin: Any, db: SqliteExecutor, plan: writing.HistoryPlan, is_import: Any, import_metadata: Any,
               metadata: Any) -> Any:
    """Tautulli's ``write_session_history`` after the checks: the session's row id, or False."""
    session = plan.session
    if plan.stamp_stopped:
        twin.set_session_state(session_key=session["session_key"], state="stopped", values={"stopped": plan.stopped})
    if not is_import:
        twin.write_continued_session(user_id=session["user_id"], machine_id=session["machine_id"],
                                     media_type=session["media_type"], stopped=plan.stopped)
    if not plan.logging_enabled:
        return session["id"]
    chosen = writing.history_metadata(session, is_import, import_metadata, metadata)
    if chosen is None:
        return False
    item, media_info = chosen
    last_id = _insert(db, "session_history", writing.history_row(session, plan.stopped, item))
    group(db, last_id, session, item)
    _store(db, "session_history_media_info", writing.media_info_row(session), last_id)
    _store(db, "session_history_metadata", writing.metadata_row(session, item, media_info), last_id)
    return session["id"]


def _insert(db: SqliteExecutor, table: str, values: dict[str, Any]) -> int:
    columns = ", ".join(values)
    db.action(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' for _ in values)})", list(values.values()))
    return db.last_insert_id()


def _store(db: SqliteExecutor, table: str, values: dict[str, Any], row_id: int) -> None:
    """Tautulli's update-then-insert by id, except that a refused insert fails the play instead of passing."""
    sets = ", ".join(f"{name} = ?" for name in values)
    if not db.action(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), row_id]):
        _insert(db, table, {**values, "id": row_id})


def group(db: SqliteExecutor, last_id: Any, session: Any, metadata: Any) -> None:
    """Tautulli's ``group_history``: store the row's ``reference_id``."""
    if session["live"]:
        args = [last_id, session["user_id"], context.local_tz_name(), writing.live_window_start(context.now())]
        rows = db.select(_LIVE_PREVIOUS, args)
    else:
        rows = db.select(_LAST_TWO, [last_id, session["user_id"], session["rating_key"]])
    db.action(_SET_REFERENCE, list(writing.group_reference(session, last_id, rows, metadata)))


def regroup(db: SqliteExecutor) -> bool:
    """Back the database up, then regroup every play in id order; False (nothing changed) on any failure."""
    if not _backup(db):
        return False
    try:
        with db.transaction():
            for play in db.select(_EVERY_PLAY):
                group(db, play["id"], play, None)
    except Exception as exc:  # Tautulli answers False whatever went wrong, except a lock: never passed over
        if isinstance(exc, TautulliDBError) and is_locked(exc):
            raise
        log.error("activity.regroup_failed", error=f"{type(exc).__name__}: {exc}")
        return False
    return True


def _backup(db: SqliteExecutor) -> bool:
    try:
        sound = (db.select_single(_INTEGRITY) or {}).get("integrity_check") == "ok"
    except TautulliDBError:
        sound = False

    def copy_into(target: Path) -> None:
        with translating("activity.backup", sqlite3.Error), contextlib.closing(sqlite3.connect(target)) as copy:
            db.connection().backup(copy)

    return backup.make_backup(copy_into, database_file=db.path, integrity_ok=sound)
