"""SQLAlchemy Core of the library writes, run inside the twin's transaction (same functions as the legacy side).

Values are stored as SQLite's column affinity stores them (``stored_values``), arguments compared as SQLite
compares them with a column (``affinity_equals``), so PostgreSQL keeps the same rows. ``!=`` against NULL
is spelled out: SQLAlchemy would turn ``column != None`` into ``IS NOT NULL``, SQLite's ``!= NULL`` matches
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import structlog
from sqlalchemy import delete, false, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from plexpy import context
from plexpy.db.engine import connect, transaction, vacuum
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import library_sections, session_history, session_history_media_info, session_history_metadata
from plexpy.db.sqlfuncs import affinity_equals, stored_values, text_affinity
from plexpy.db.upsert import upsert
from plexpy.domains.libraries import writing

__all__ = [
    "delete_other_servers",
    "libraries_of_rows",
    "live_tv",
    "mark_deleted",
    "mark_undeleted",
    "store_sections",
    "upsert_section",
    "vacuum_quietly",
]

log = structlog.get_logger(__name__)

ls = library_sections
h = session_history
HISTORY = {t.name: t for t in (session_history, session_history_media_info, session_history_metadata)}


def upsert_section(engine: Engine, values: Mapping[str, Any], keys: Mapping[str, Any]) -> str:
    """Tautulli's update-then-insert on ``library_sections``, values stored as SQLite's affinity stores them."""
    with connect(engine, "libraries.upsert") as conn:
        return upsert(conn, ls, stored_values(ls, values), stored_values(ls, keys)).kind


def _not_equal(column: Any, value: Any) -> ColumnElement[bool]:
    """``column != ?`` as SQLite compares a TEXT column with a bound value (NULL on either side: no match)."""
    return false() if value is None else column != text_affinity(value)


def vacuum_quietly(engine: Engine) -> None:
    """VACUUM, logging a failure instead of raising (Tautulli's ``database.vacuum``)."""
    try:
        vacuum(engine)
    except TautulliDBError as exc:
        log.warning("libraries.vacuum_failed", error=str(exc))


def libraries_of_rows(engine: Engine, ids: list[int]) -> list[dict[str, Any]]:
    """``(server_id, section_id)`` of the libraries with these row ids, in row id order."""
    stmt = select(ls.c.server_id, ls.c.section_id).where(ls.c.id.in_(ids)).order_by(ls.c.id)
    with connect(engine, "libraries.delete") as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def mark_deleted(engine: Engine, server_id: Any, section_id: Any) -> None:
    """Flag one server's library deleted (a savepoint, so a failure leaves the purge in place)."""
    with transaction(engine, "libraries.delete") as conn:
        conn.execute(
            update(ls)
            .where(affinity_equals(ls.c.server_id, server_id), affinity_equals(ls.c.section_id, section_id))
            .values(deleted_section=1, keep_history=0, do_notify=0, do_notify_created=0)
        )


def mark_undeleted(engine: Engine, column: str, value: Any) -> bool:
    """Flag every library matching ``column = value`` active again; False when none matches."""
    match = affinity_equals(ls.c[column], value)
    with connect(engine, "libraries.undelete") as conn:
        if conn.execute(select(ls.c.id).where(match).limit(1)).first() is None:
            return False
        conn.execute(update(ls).where(match).values(deleted_section=0, keep_history=1, do_notify=1,
                                                    do_notify_created=1))
    return True


def live_tv(engine: Engine, refresh: Any) -> None:
    """Add the Live TV library of the configured server (or, with ``refresh``, rewrite it when present)."""
    server_id = context.config("PMS_IDENTIFIER")
    found = (select(ls.c.id)
             .where(ls.c.section_id == writing.LIVE_TV_SECTION_ID, affinity_equals(ls.c.server_id, server_id))
             .limit(1))
    with connect(engine, "libraries.add_live_tv_library") as conn:
        exists = conn.execute(found).first() is not None
    if writing.skips_live_tv(exists, refresh):
        return
    keys, values = writing.live_tv_row(server_id)
    upsert_section(engine, values, keys)


def store_sections(engine: Engine, server_id: Any, sections: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Upsert the server's libraries, refresh Live TV, deactivate the rest; return the new section ids."""
    new_keys = []
    for section in sections:
        keys, values = writing.refreshed_section_row(server_id, section)
        if upsert_section(engine, values, keys) == "insert":
            new_keys.append(section["section_id"])
    live_tv(engine, refresh=True)
    active = writing.active_section_ids(sections)
    with connect(engine, "libraries.refresh_libraries") as conn:
        conn.execute(update(ls).where(or_(_not_equal(ls.c.server_id, server_id), ls.c.section_id.not_in(active)))
                     .values(is_active=0))
    return new_keys


def delete_other_servers(engine: Engine, server_id: Any) -> None:
    """Delete the libraries of every server but ``server_id`` (rows without a server stay)."""
    with connect(engine, "libraries.delete_duplicate_libraries") as conn:
        conn.execute(delete(ls).where(_not_equal(ls.c.server_id, server_id)))
