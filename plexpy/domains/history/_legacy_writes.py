"""The history writes on raw sqlite3 (same functions as ``_sqla_writes``): metadata re-keying and history deletes.

Each function is one transaction (a savepoint inside a caller's); the VACUUM Tautulli runs after a delete
runs once the transaction has committed, never for a write verification's rolled-back trial.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import structlog

from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.history import writing

__all__ = ["delete_history_of", "delete_rows", "update_details", "update_metadata"]

log = structlog.get_logger(__name__)

_IDS_OF_KEY = "SELECT id FROM session_history WHERE {level} = ? {done}"
_SET_KEY = "UPDATE {table} SET {level} = ? WHERE id IN ({marks})"
_SET_SECTION = "UPDATE session_history SET section_id = ? WHERE id IN ({marks})"
_SET_DETAILS = "UPDATE session_history_metadata SET {sets} WHERE id IN ({marks})"
_IDS_OF = "SELECT id FROM session_history WHERE {column} = ?"
_DELETE_IDS = "DELETE FROM {table} WHERE id IN ({marks})"

#: Where each level's key is re-keyed besides ``session_history`` (an item's metadata row is rewritten after).
_KEYED_TABLES = {"grandparent_rating_key": "session_history_metadata", "parent_rating_key": "session_history_metadata",
                 "rating_key": "session_history_media_info"}


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def update_metadata(db: SqliteExecutor, old_key_list: Any, new_key_list: Any, single_update: Any,
                    metadata: Mapping[str, Any] | None) -> str:
    """Re-key every old item to its new key (one transaction); Tautulli's message."""
    pairs = writing.key_pairs(old_key_list, new_key_list)
    if not pairs:
        return writing.METADATA_NOT_UPDATED
    done = writing.updated_ids(single_update)
    with db.transaction():
        for old_key, new_key in pairs.items():
            item = (metadata or {}).get(str(new_key))
            if not item:
                continue
            level = writing.key_level(item["media_type"])
            skipped = f"AND id NOT IN ({', '.join(str(n) for n in sorted(done[level]))})" if done[level] else ""
            ids = [r["id"] for r in db.select(_IDS_OF_KEY.format(level=level, done=skipped), [old_key])]
            if not ids:
                continue
            done[level].update(ids)
            for table in ("session_history", _KEYED_TABLES[level]):
                for chunk in writing.chunks(ids):
                    db.action(_SET_KEY.format(table=table, level=level, marks=_marks(chunk)), [new_key, *chunk])
            if level == "rating_key":
                update_details(db, item, ids)
        db.after_commit(lambda: writing.remember_updated_ids(done))
    return writing.METADATA_UPDATED


def update_details(db: SqliteExecutor, metadata: Mapping[str, Any], ids: Iterable[int]) -> None:
    """Rewrite the section of these plays and their metadata rows from Plex's metadata of the item."""
    values = writing.detail_values(metadata)
    sets = ", ".join(f"{name} = ?" for name in values)
    with db.transaction():
        for chunk in writing.chunks(ids):
            db.action(_SET_SECTION.format(marks=_marks(chunk)), [metadata["section_id"], *chunk])
            db.action(_SET_DETAILS.format(sets=sets, marks=_marks(chunk)), [*values.values(), *chunk])


def delete_rows(db: SqliteExecutor, tables: Sequence[Any], row_ids: Any) -> bool:
    """Delete these ids from each table (one transaction, chunks of 999), then VACUUM; False if any delete failed."""
    ids = writing.row_ids(row_ids)
    if not ids:
        return True
    try:
        groups = writing.chunks(writing.bindable(ids))
        with db.transaction():
            for table in tables:
                name = writing.table_name(table)
                if name is None:
                    raise TautulliDBError(f"no such table: {table}", op="history.delete_rows")
                for group in groups:
                    db.action(_DELETE_IDS.format(table=name, marks=_marks(group)), group)
    except (TautulliDBError, TypeError) as exc:
        writing.failed(exc, "history.delete_failed", tables=list(map(str, tables)))
        return False
    db.after_commit(lambda: _vacuum(db))
    return True


def delete_history_of(db: SqliteExecutor, column: str, value: Any) -> Any:
    """Delete every play of a user or a section from the three history tables: bool, None for a bad id."""
    if not writing.digit_key(value):
        return None
    with db.transaction():
        ids = [r["id"] for r in db.select(_IDS_OF.format(column=column), [value])]
        return delete_rows(db, writing.HISTORY_TABLES, ids)


def _vacuum(db: SqliteExecutor) -> None:
    try:
        db.vacuum()
    except TautulliDBError as exc:  # Tautulli's vacuum logs its failure; the deletes are committed
        log.error("history.vacuum_failed", error=str(exc))
