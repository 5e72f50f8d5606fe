"""Legacy SQL of the library writes, run inside the twin's transaction (our own SQL text).

Each function takes the executor; the twin opens the transaction, so a write is all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import structlog

from plexpy import context
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.libraries import writing

__all__ = [
    "delete_other_servers",
    "libraries_of_rows",
    "live_tv",
    "mark_deleted",
    "mark_undeleted",
    "purge_history",
    "store_sections",
    "upsert_section",
    "vacuum_quietly",
]

log = structlog.get_logger(__name__)

_LIBRARIES_OF_ROWS = "SELECT server_id, section_id FROM library_sections WHERE id IN ({marks}) ORDER BY id"

_HISTORY_IDS_OF_SECTION = "SELECT id FROM session_history WHERE section_id = ? ORDER BY id"

_DELETE_IDS = "DELETE FROM {table} WHERE id IN ({marks})"

_MARK_DELETED = """
UPDATE library_sections SET deleted_section = 1, keep_history = 0, do_notify = 0, do_notify_created = 0
WHERE server_id = ? AND section_id = ?"""

_LIBRARY_BY = {
    "section_id": "SELECT id FROM library_sections WHERE section_id = ? LIMIT 1",
    "section_name": "SELECT id FROM library_sections WHERE section_name = ? LIMIT 1",
}

_MARK_UNDELETED = """
UPDATE library_sections SET deleted_section = 0, keep_history = 1, do_notify = 1, do_notify_created = 1
WHERE {column} = ?"""

_LIVE_TV = "SELECT id FROM library_sections WHERE section_id = ? AND server_id = ? LIMIT 1"

_DEACTIVATE = "UPDATE library_sections SET is_active = 0 WHERE server_id != ? OR section_id NOT IN ({marks})"

_DELETE_OTHER_SERVERS = "DELETE FROM library_sections WHERE server_id != ?"


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def upsert_section(db: SqliteExecutor, values: Mapping[str, Any], keys: Mapping[str, Any]) -> str:
    """Tautulli's update-then-insert on ``library_sections``."""
    return db.upsert("library_sections", values, keys)


def vacuum_quietly(db: SqliteExecutor) -> None:
    """VACUUM, logging a failure instead of raising (Tautulli's ``database.vacuum``)."""
    try:
        db.vacuum()
    except TautulliDBError as exc:
        log.warning("libraries.vacuum_failed", error=str(exc))


def libraries_of_rows(db: SqliteExecutor, ids: list[int]) -> list[dict[str, Any]]:
    """``(server_id, section_id)`` of the libraries with these row ids, in row id order."""
    return db.select(_LIBRARIES_OF_ROWS.format(marks=_marks(ids)), ids)


def purge_history(db: SqliteExecutor, section_id: Any) -> bool:
    """Delete a section's rows from the three history tables (a savepoint), then VACUUM after the commit."""
    ids = [r["id"] for r in db.select(_HISTORY_IDS_OF_SECTION, [section_id])]
    if not ids:
        return True
    try:
        with db.transaction():  # a savepoint: a failed purge leaves no table half-purged
            for table in writing.HISTORY_TABLES:
                for chunk in writing.chunks(ids):
                    db.action(_DELETE_IDS.format(table=table, marks=_marks(chunk)), chunk)
    except TautulliDBError as exc:
        writing.failed(exc, "libraries.purge_failed", section_id=str(section_id))
        return False
    db.after_commit(lambda: vacuum_quietly(db))
    return True


def mark_deleted(db: SqliteExecutor, server_id: Any, section_id: Any) -> None:
    """Flag one server's library deleted (a savepoint, so a failure leaves the purge in place)."""
    with db.transaction():
        db.action(_MARK_DELETED, [server_id, section_id])


def mark_undeleted(db: SqliteExecutor, column: str, value: Any) -> bool:
    """Flag every library matching ``column = value`` active again; False when none matches."""
    if not db.select(_LIBRARY_BY[column], [value]):
        return False
    db.action(_MARK_UNDELETED.format(column=column), [value])
    return True


def live_tv(db: SqliteExecutor, refresh: Any) -> None:
    """Add the Live TV library of the configured server (or, with ``refresh``, rewrite it when present)."""
    server_id = context.config("PMS_IDENTIFIER")
    exists = bool(db.select_single(_LIVE_TV, [writing.LIVE_TV_SECTION_ID, server_id]))
    if writing.skips_live_tv(exists, refresh):
        return
    keys, values = writing.live_tv_row(server_id)
    upsert_section(db, values, keys)


def store_sections(db: SqliteExecutor, server_id: Any, sections: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Upsert the server's libraries, refresh Live TV, deactivate the rest; return the new section ids."""
    new_keys = []
    for section in sections:
        keys, values = writing.refreshed_section_row(server_id, section)
        if upsert_section(db, values, keys) == "insert":
            new_keys.append(section["section_id"])
    live_tv(db, refresh=True)
    active = writing.active_section_ids(sections)
    db.action(_DEACTIVATE.format(marks=_marks(active)), [server_id, *active])
    return new_keys


def delete_other_servers(db: SqliteExecutor, server_id: Any) -> None:
    """Delete the libraries of every server but ``server_id`` (rows without a server stay)."""
    db.action(_DELETE_OTHER_SERVERS, [server_id])
