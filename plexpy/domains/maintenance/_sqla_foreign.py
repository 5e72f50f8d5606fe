"""The PlexWatch and Plexivity importers on SQLAlchemy.

The foreign file is read on its own engine (always SQLite; never written), for the reasons given in
``_sqla_import``. Every play goes into the three history tables the way ``write_session_history`` writes an
import (update-then-insert, the new id, then the resume grouping), followed by ``import_users``, all in one
transaction. Values are stored as SQLite's column affinity stores them (``stored_values``), and the grouping
compares ids and rating keys with that affinity (``affinity_equals``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from sqlalchemy import Text, case, cast, column, null, select, table, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from plexpy.db.engine import transaction
from plexpy.db.schema import session_history, session_history_media_info, session_history_metadata, users
from plexpy.db.sqlfuncs import affinity_equals, stored_values
from plexpy.db.upsert import upsert
from plexpy.domains.maintenance import foreign_rows, importing, shaping
from plexpy.domains.maintenance._sqla_import import open_foreign
from plexpy.domains.maintenance.foreign_rows import Play, Source

__all__ = ["import_plays", "validate"]

log = structlog.get_logger(__name__)

_PROBE = {"plexwatch": "ratingKey", "plexivity": "xml"}
_BLANK_EPISODE = {"plexwatch": "", "plexivity": "n/a"}
_FOREIGN_COLUMNS = ("rowid", "id", "time", "stopped", "ratingKey", "user", "ip_address", "paused_counter", "platform",
                    "parentRatingKey", "grandparentRatingKey", "xml", "rating", "summary", "title", "orig_title",
                    "orig_title_ep")


def _table(conn: Connection, table_name: Any) -> str | None:
    stmt = select(column("name")).select_from(table("sqlite_master")).where(column("type") == "table")
    return shaping.table_named(table_name, list(conn.execute(stmt).scalars()), internal=True)


def validate(source: Source, database_file: Any, table_name: Any) -> str:
    """The importer's ``validate_database``: ``'success'`` when the table has the column the importer needs."""
    try:
        engine = open_foreign(database_file)
    except TypeError:
        return foreign_rows.UNCAUGHT
    except ValueError:
        return foreign_rows.INVALID
    try:
        with engine.connect() as conn:
            name = _table(conn, table_name)
            if name is None:
                return foreign_rows.INVALID
            conn.execute(select(column(_PROBE[source.name])).select_from(table(name))).first()
    except (OperationalError, ValueError):
        log.error("maintenance.invalid_database", source=source.name)
        return foreign_rows.INVALID
    except DBAPIError:
        log.error("maintenance.invalid_database", source=source.name, reason="uncaught")
        return foreign_rows.UNCAUGHT
    finally:
        engine.dispose()
    return "success"


def _rows_query(source: Source, name: str) -> Any:
    t = table(name, *(column(c) for c in _FOREIGN_COLUMNS))
    blank = _BLANK_EPISODE[source.name]
    picked: list[Any] = [
        t.c.time.label("started"), t.c.stopped, t.c.user, t.c.ip_address, t.c.paused_counter,
        t.c.platform.label("player"), t.c.xml, t.c.rating.label("content_rating"), t.c.summary,
        t.c.title.label("full_title"),
        case((t.c.orig_title_ep == blank, t.c.orig_title), else_=t.c.orig_title_ep).label("title"),
        case((t.c.orig_title_ep != blank, t.c.orig_title), else_=null()).label("grandparent_title"),
    ]
    if source.plexivity:
        picked.insert(0, t.c.id)
    else:
        picked += [cast(t.c.ratingKey, Text).label("rating_key"), t.c.parentRatingKey.label("parent_rating_key"),
                   t.c.grandparentRatingKey.label("grandparent_rating_key")]
    return select(*picked).order_by(t.c.id, t.c.rowid)


def _user_id_of(conn: Connection) -> Callable[[Any], Any]:
    def lookup(user: Any) -> Any:
        if not user:
            return None
        stmt = select(users.c.user_id).where(affinity_equals(users.c.username, user)).order_by(users.c.id).limit(1)
        return conn.execute(stmt).scalar()

    return lookup


def _writer(conn: Connection) -> Callable[[Play], None]:
    h = session_history

    def write(play: Play) -> None:
        last_id = upsert(conn, h, stored_values(h, play.history), {"id": None}).inserted_id
        recent = conn.execute(
            select(h.c.id, h.c.rating_key, h.c.view_offset, h.c.reference_id)
            .where(h.c.id <= last_id, affinity_equals(h.c.user_id, play.user_id),
                   affinity_equals(h.c.rating_key, play.rating_key))
            .order_by(h.c.id.desc()).limit(2)
        ).mappings().all()
        reference_id, row_id = foreign_rows.reference_update(last_id, list(recent), play)
        conn.execute(update(h).where(h.c.id == row_id).values(reference_id=reference_id))
        upsert(conn, session_history_media_info, stored_values(session_history_media_info, play.media_info),
               {"id": last_id})
        upsert(conn, session_history_metadata, stored_values(session_history_metadata, play.metadata),
               {"id": last_id})

    return write


def import_plays(engine: Engine, source: Source, database_file: Any, table_name: Any, interval: Any,
                 import_users: Callable[[], None]) -> None:
    """Import every play of ``table_name``, then the users, in one transaction (None, as Tautulli returns)."""
    if validate(source, database_file, table_name) != "success":
        return
    foreign = open_foreign(database_file)
    try:
        with (importing.tracked(), transaction(engine, f"maintenance.import_from_{source.name}") as conn,
              foreign.connect() as src):
            rows = src.execute(_rows_query(source, str(_table(src, table_name)))).mappings()
            written = foreign_rows.import_plays(source, rows, interval, _user_id_of(conn), _writer(conn))
            import_users()
    finally:
        foreign.dispose()
    log.info("maintenance.foreign_import_complete", source=source.name, plays=written)
