"""Writing plays to history on SQLAlchemy Core (same functions as ``_legacy_history``), inside the twin's transaction.

The three rows of a play are update-then-insert by id as Tautulli writes them, except that an insert the
database refuses fails the whole play (no partial triple). Values are stored as SQLite's column affinity
stores them (``stored_values``) and keys compared as SQLite compares a bound value with a column
(``affinity_equals``), so every backend keeps the same rows. The live
check's local time is ``local_strftime`` in the configured zone, compared with the UTC text of the frozen
clock a day ago (Tautulli compares local time with SQL's UTC clock: trap 4).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import Table, false, insert, literal, select, true, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from plexpy import context
from plexpy.db import backup
from plexpy.db.engine import connect, transaction
from plexpy.db.errors import TautulliDBError, translating
from plexpy.db.retry import is_locked
from plexpy.db.schema import session_history, session_history_media_info, session_history_metadata
from plexpy.db.sqlfuncs import affinity_equals, integer_affinity, local_strftime, stored_values
from plexpy.db.store_backup import copy_server_store, integrity_check
from plexpy.db.upsert import UpsertResult
from plexpy.domains.activity import writing

__all__ = ["group", "regroup", "upsert", "write_play"]

log = structlog.get_logger(__name__)

h = session_history
i = session_history_media_info
m = session_history_metadata


def upsert(conn: Connection, table: Table, values: Mapping[str, Any], keys: Mapping[str, Any]) -> UpsertResult:
    """Tautulli's update-then-insert (trap 11), values stored and keys compared with SQLite's affinity rules.

    A NULL key matches nothing, so it always inserts; every matching row is updated; an integrity error on the
    insert is swallowed (``'insert'`` with no id).
    """
    if all(v is not None for v in keys.values()):
        stmt = (update(table).where(*(affinity_equals(table.c[k], v) for k, v in keys.items()))
                .values(**stored_values(table, values)))
        if conn.execute(stmt).rowcount:
            return UpsertResult("update")
    try:
        with conn.begin_nested():
            result = conn.execute(insert(table).values(**stored_values(table, {**keys, **values})))
    except IntegrityError:
        log.info("db.upsert_insert_ignored", table=table.name)
        return UpsertResult("insert")
    primary = result.inserted_primary_key
    return UpsertResult("insert", int(primary[0]) if primary and primary[0] is not None else 0)


def _at_most(column: Any, value: Any) -> ColumnElement[bool]:
    """``column <= ?`` against an INTEGER column as SQLite compares it (any text sorts above every number)."""
    if value is None:
        return false()
    number = integer_affinity(value)
    return column <= number if number is not None else true()


def write_play(twin: Any, conn: Connection, plan: writing.HistoryPlan, is_import: Any, import_metadata: Any,
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
    last_id = _insert(conn, h, writing.history_row(session, plan.stopped, item))
    group(conn, last_id, session, item)
    _store(conn, i, writing.media_info_row(session), last_id)
    _store(conn, m, writing.metadata_row(session, item, media_info), last_id)
    return session["id"]


def _insert(conn: Connection, table: Table, values: dict[str, Any]) -> int:
    primary = conn.execute(insert(table).values(**stored_values(table, values))).inserted_primary_key
    return int(primary[0]) if primary and primary[0] is not None else 0


def _store(conn: Connection, table: Table, values: dict[str, Any], row_id: int) -> None:
    """Tautulli's update-then-insert by id, except that a refused insert fails the play instead of passing."""
    stored = stored_values(table, values)
    if not conn.execute(update(table).where(table.c.id == row_id).values(**stored)).rowcount:
        _insert(conn, table, {**values, "id": row_id})


def group(conn: Connection, last_id: Any, session: Any, metadata: Any) -> None:
    """Tautulli's ``group_history``: store the row's ``reference_id``."""
    if session["live"]:
        started = local_strftime("%Y-%m-%d %H:%M:%S", h.c.started)
        stmt = (
            select(h.c.id, m.c.guid, h.c.reference_id)
            .select_from(h.join(m, h.c.id == m.c.id))
            .where(_at_most(h.c.id, last_id), affinity_equals(h.c.user_id, session["user_id"]),
                   started > literal(writing.live_window_start(context.now())))
            .order_by(h.c.id.desc())
            .limit(1)
        )
    else:
        stmt = (
            select(h.c.id, h.c.rating_key, h.c.view_offset, h.c.reference_id)
            .where(_at_most(h.c.id, last_id), affinity_equals(h.c.user_id, session["user_id"]),
                   affinity_equals(h.c.rating_key, session["rating_key"]))
            .order_by(h.c.id.desc())
            .limit(2)
        )
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    reference_id, row_id = writing.group_reference(session, last_id, rows, metadata)
    conn.execute(update(h).where(affinity_equals(h.c.id, row_id))
                 .values(**stored_values(h, {"reference_id": reference_id})))


def regroup(engine: Engine) -> bool:
    """Back the database up, then regroup every play in id order; False (nothing changed) on any failure."""
    if not _backup(engine):
        return False
    # Tautulli selects ``*`` from the join; a name both tables have keeps the metadata table's value (the last one).
    plays = (
        select(m.c.id, h.c.user_id, m.c.rating_key, m.c.media_type, m.c.duration, m.c.live, m.c.guid,
               m.c.marker_credits_first, m.c.marker_credits_final)
        .select_from(h.join(m, h.c.id == m.c.id))
        .order_by(h.c.id)
    )
    try:
        with transaction(engine, "activity.regroup_history") as conn:
            for play in [dict(r) for r in conn.execute(plays).mappings()]:
                group(conn, play["id"], play, None)
    except Exception as exc:  # Tautulli answers False whatever went wrong, except a lock: never passed over
        if isinstance(exc, TautulliDBError) and is_locked(exc):
            raise
        log.error("activity.regroup_failed", error=f"{type(exc).__name__}: {exc}")
        return False
    return True


def _backup(engine: Engine) -> bool:
    try:
        with connect(engine, "activity.integrity_check") as conn:
            sound = conn.execute(integrity_check()).scalar() == "ok"
    except TautulliDBError:
        sound = False

    def copy_into(target: Path) -> None:
        with translating("activity.backup", SQLAlchemyError), engine.connect() as conn:
            raw = conn.connection.driver_connection
            if not hasattr(raw, "backup"):  # PostgreSQL: a SQLite copy (plexpy.db.store_backup)
                copy_server_store(engine, target)
                return
            with translating("activity.backup", conn.dialect.loaded_dbapi.Error), \
                    contextlib.closing(type(raw)(str(target))) as copy:
                raw.backup(copy)

    return backup.make_backup(copy_into, database_file=engine.url.database, integrity_ok=sound)
