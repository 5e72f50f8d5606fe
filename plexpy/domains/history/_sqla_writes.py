"""The history writes on SQLAlchemy Core (same functions as ``_legacy_writes``): metadata re-keying and deletes.

Each function is one transaction (a savepoint inside a caller's); the VACUUM Tautulli runs after a delete
runs once the transaction has committed. Values are stored as SQLite's column affinity stores them and ids
compared as SQLite compares them with an INTEGER column (``'5'`` is 5; text that is no number matches nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import structlog
from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.engine import Engine

from plexpy.db.engine import after_commit, transaction, vacuum
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import TABLES, session_history, session_history_media_info, session_history_metadata
from plexpy.db.sqlfuncs import affinity_equals, integer_affinity, stored_values
from plexpy.domains.history import writing

__all__ = ["delete_rows", "update_details", "update_metadata"]

log = structlog.get_logger(__name__)

h = session_history
m = session_history_metadata
i = session_history_media_info

#: Where each level's key is re-keyed besides ``session_history`` (an item's metadata row is rewritten after).
_KEYED_TABLES = {"grandparent_rating_key": m, "parent_rating_key": m, "rating_key": i}
#: Tables by name as SQLite resolves them (case-insensitively).
_BY_NAME = {name.lower(): table for name, table in TABLES.items()}


def _ids_in(table: Table, ids: Iterable[Any]) -> Any:
    """``id IN (...)`` with each id as the INTEGER column compares it (a value that can never match is left out)."""
    numbers = [n for n in (integer_affinity(v) for v in ids) if n is not None]
    return table.c.id.in_(numbers)


def update_metadata(engine: Engine, old_key_list: Any, new_key_list: Any, single_update: Any,
                    metadata: Mapping[str, Any] | None) -> str:
    """Re-key every old item to its new key (one transaction); Tautulli's message."""
    pairs = writing.key_pairs(old_key_list, new_key_list)
    if not pairs:
        return writing.METADATA_NOT_UPDATED
    done = writing.updated_ids(single_update)
    with transaction(engine, "history.update_metadata") as conn:
        for old_key, new_key in pairs.items():
            item = (metadata or {}).get(str(new_key))
            if not item:
                continue
            level = writing.key_level(item["media_type"])
            stmt = select(h.c.id).where(affinity_equals(h.c[level], old_key)).order_by(h.c.id)
            if done[level]:
                # Inline literals: the set grows with the library, past any limit on bound variables.
                stmt = stmt.where(h.c.id.not_in(bindparam("done", sorted(done[level]), expanding=True,
                                                          literal_execute=True)))
            ids = list(conn.execute(stmt).scalars())
            if not ids:
                continue
            done[level].update(ids)
            for table in (h, _KEYED_TABLES[level]):
                for chunk in writing.chunks(ids):
                    conn.execute(update(table).where(table.c.id.in_(chunk))
                                 .values(**stored_values(table, {level: new_key})))
            if level == "rating_key":
                update_details(engine, item, ids)
        after_commit(lambda: writing.remember_updated_ids(done))
    return writing.METADATA_UPDATED


def update_details(engine: Engine, metadata: Mapping[str, Any], ids: Iterable[int]) -> None:
    """Rewrite the section of these plays and their metadata rows from Plex's metadata of the item."""
    values = stored_values(m, writing.detail_values(metadata))
    section = stored_values(h, {"section_id": metadata["section_id"]})
    with transaction(engine, "history.update_metadata_details") as conn:
        for chunk in writing.chunks(ids):
            conn.execute(update(h).where(h.c.id.in_(chunk)).values(**section))
            conn.execute(update(m).where(m.c.id.in_(chunk)).values(**values))


def delete_rows(engine: Engine, tables: Sequence[Any], row_ids: Any) -> bool:
    """Delete these ids from each table (one transaction, chunks of 999), then VACUUM; False if any delete failed."""
    ids = writing.row_ids(row_ids)
    if not ids:
        return True
    try:
        groups = writing.chunks(writing.bindable(ids))
        with transaction(engine, "history.delete_rows") as conn:
            for name in tables:
                checked = writing.table_name(name)
                table = _BY_NAME.get(checked.lower()) if checked else None
                if table is None or "id" not in table.c:
                    raise TautulliDBError(f"no such table: {name}", op="history.delete_rows")
                for group in groups:
                    conn.execute(delete(table).where(_ids_in(table, group)))
    except (TautulliDBError, TypeError) as exc:
        writing.failed(exc, "history.delete_failed", tables=list(map(str, tables)))
        return False
    after_commit(lambda: _vacuum(engine))
    return True


def _vacuum(engine: Engine) -> None:
    try:
        vacuum(engine)
    except TautulliDBError as exc:  # Tautulli's vacuum logs its failure; the deletes are committed
        log.error("history.vacuum_failed", error=str(exc))
