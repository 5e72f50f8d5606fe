"""The activity domain on SQLAlchemy Core: the same answers, with SQLite's row picks made explicit.

``SELECT ... LIMIT 1`` without ORDER BY, and ``GROUP BY ip_address`` with bare columns, take the first row in
row-id order in SQLite; the last row a loop sees is the newest id. Here both are ordered by ``id``. Each write
is one transaction; values are stored and keys compared as SQLite's column affinity would (``_sqla_history``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine

from plexpy import context
from plexpy.datatables.sqla_bound import bound_matches, matches_shape
from plexpy.datatables.sqla_sql import matches
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import connect, transaction
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import sessions, sessions_continued
from plexpy.db.sqlfuncs import affinity_equals, stored_values
from plexpy.db.stmt_cache import Bound, per_shape
from plexpy.domains.activity import _sqla_history, shaping, writing
from plexpy.domains.activity._sqla_history import upsert

__all__ = ["TWIN", "SqlaActivity"]

log = structlog.get_logger(__name__)

s = sessions
c = sessions_continued


class SqlaActivity:
    """Activity reads and writes on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        stmt, params = stmt if isinstance(stmt, Bound) else (stmt, None)
        with connect(self._engine, f"activity.{op}") as conn:
            return fetch_dicts(conn, stmt, params)

    def get_sessions(self, user_id: Any = None, ip_address: Any = None) -> list[dict[str, Any]]:
        """Every live session, or a user's (one per IP address when ``ip_address``: its first row)."""
        if not shaping.digit_key(user_id):
            return self._rows(_all_sessions_stmt(), "get_sessions")
        kind, value = matches_shape(s.c.user_id, user_id)
        return self._rows(Bound(_user_sessions_stmt(kind, bool(ip_address)), {"user_id": value}), "get_sessions")

    def get_session_by_key(self, session_key: Any = None) -> dict[str, Any] | None:
        """The first session row with this key, or None."""
        if not shaping.digit_key(session_key):
            return None
        return shaping.session_row(self._rows(_first_session(None, "session_key", session_key), "get_session_by_key"))

    def get_session_by_id(self, session_id: Any = None) -> dict[str, Any] | None:
        """The first session row with this session id, or None."""
        if not session_id:
            return None
        return shaping.session_row(self._rows(_first_session(None, "session_id", session_id), "get_session_by_id"))

    def get_session_buffer_count(self, session_key: Any = None) -> Any:
        """A session's buffer count: 0 without a row, None for a non-numeric key."""
        if not shaping.digit_key(session_key):
            return None
        rows = self._rows(_first_session("buffer_count", "session_key", session_key), "get_session_buffer_count")
        return rows[0]["buffer_count"] if rows else 0

    def get_session_buffer_trigger_time(self, session_key: Any = None) -> Any:
        """When a session's buffer notification last fired, or None."""
        if not shaping.digit_key(session_key):
            return None
        rows = self._rows(_first_session("buffer_last_triggered", "session_key", session_key),
                          "get_session_buffer_trigger_time")
        return rows[0]["buffer_last_triggered"] if rows else None

    def is_initial_stream(self, user_id: Any = None, machine_id: Any = None, media_type: Any = None,
                          started: Any = None) -> int:
        """1 when a stream starts long enough after this device's last stop of that media type."""
        kinds, params = [], {}
        for name, value in (("user_id", user_id), ("machine_id", machine_id), ("media_type", media_type)):
            kind, params[name] = matches_shape(c.c[name], value)
            kinds.append(kind)
        rows = self._rows(Bound(_initial_stream_stmt(tuple(kinds)), params), "is_initial_stream")
        return shaping.initial_stream(started, rows[0] if rows else {})

    def get_session_ip(self, session_key: Any = "") -> Any:
        """The IP address of a live session (its last row), or ``"N/A"``; a guest sees only their own."""
        if not session_key:
            return "N/A"
        try:
            stmt = select(s.c.ip_address).where(s.c.session_key == int(session_key))
            if context.get_session_user_id():
                stmt = stmt.where(matches(s.c.user_id, context.get_session_user_id()))
            rows = self._rows(stmt.order_by(s.c.id.desc()).limit(1), "get_session_ip")
        except (ValueError, TypeError, OverflowError, TautulliDBError):
            return "N/A"
        return rows[0]["ip_address"] if rows else "N/A"

    def get_stream_details(self, row_id: Any = None, session_key: Any = None) -> dict[str, Any] | None:
        """Stream details of a live session (its last row); a guest sees only their own."""
        if not session_key:
            return None
        stmt = select(*(s.c[name] for name in shaping.STREAM_COLUMNS)).where(matches(s.c.session_key, session_key))
        if context.get_session_user_id():
            stmt = stmt.where(matches(s.c.user_id, context.get_session_user_id()))
        rows = self._rows(stmt.order_by(s.c.id), "get_stream_details")
        return shaping.stream_details(rows, current_session=True)

    def _execute(self, stmt: Any, op: str) -> None:
        with transaction(self._engine, f"activity.{op}") as conn:
            conn.execute(stmt)

    def write_session(self, session: Any = None, notify: Any = True) -> Any:
        """Store a live session keyed by (session key, rating key); True when a new row was inserted, else None."""
        if not session:
            return None
        keys = writing.session_keys(session)
        values = writing.session_values(session, context.now())
        with transaction(self._engine, "activity.write_session") as conn:
            if upsert(conn, s, values, keys).kind != "insert":
                return None
            started = context.now()
            initial = self.is_initial_stream(user_id=values["user_id"], machine_id=values["machine_id"],
                                             media_type=values["media_type"], started=started)
            upsert(conn, s, {"started": started, "initial_stream": initial}, keys)
        if notify:
            log.debug("activity.play_notification_skipped", reason="no notification queue in the data layer")
        return True

    def write_session_history(self, session: Any = None, import_metadata: Any = None, is_import: Any = False,
                              import_ignore_interval: Any = 0, user_details: Any = None, library_details: Any = None,
                              metadata: Any = None) -> Any:
        """Log a stopped session to the three history tables (one transaction); the session's row id, or False."""
        _ = session["section_id"] if not is_import else import_metadata["section_id"]  # Tautulli's lookup raises
        if not is_import and (not user_details or not library_details):
            return False
        if not session:
            return None
        plan = writing.plan_history(session, is_import, import_ignore_interval, user_details, library_details,
                                    context.now())
        with transaction(self._engine, "activity.write_session_history") as conn:
            return _sqla_history.write_play(self, conn, plan, is_import, import_metadata, metadata)

    def group_history(self, last_id: Any, session: Any, metadata: Any = None) -> None:
        """Point a history row's ``reference_id`` at the play it resumes (or at itself)."""
        with transaction(self._engine, "activity.group_history") as conn:
            _sqla_history.group(conn, last_id, session, metadata)

    def regroup_history(self) -> bool:
        """Back the database up, then recompute every history row's ``reference_id`` (one transaction)."""
        return _sqla_history.regroup(self._engine)

    def set_session_state(self, session_key: Any = None, state: Any = None,
                          values: Mapping[str, Any] | None = None) -> Any:
        """Set a session's state and other columns by session key (an unknown key inserts a partial row)."""
        if not writing.digit_key(session_key):
            return None
        row = writing.state_values(state, values or {})
        with transaction(self._engine, "activity.set_session_state") as conn:
            return upsert(conn, s, row, {"session_key": session_key}).kind

    def set_session_last_paused(self, session_key: Any = None, timestamp: Any = None) -> None:
        """Record a pause (or, on resume, add its length to the paused counter)."""
        if not writing.digit_key(session_key):
            return
        paused = (select(s.c.last_paused, s.c.paused_counter)
                  .where(affinity_equals(s.c.session_key, session_key)).order_by(s.c.id))
        with transaction(self._engine, "activity.set_session_last_paused") as conn:
            rows = [dict(r) for r in conn.execute(paused).mappings()]
            upsert(conn, s, writing.paused_values(rows, timestamp, context.now()), {"session_key": session_key})

    def delete_session(self, session_key: Any = None, row_id: Any = None) -> None:
        """Delete a live session by session key, else by row id."""
        if writing.digit_key(session_key):
            self._execute(delete(s).where(affinity_equals(s.c.session_key, session_key)), "delete_session")
        elif writing.digit_key(row_id):
            self._execute(delete(s).where(affinity_equals(s.c.id, row_id)), "delete_session")

    def increment_session_buffer_count(self, session_key: Any = None) -> None:
        """Count one more buffering event of a session."""
        if writing.digit_key(session_key):
            self._execute(update(s).where(affinity_equals(s.c.session_key, session_key))
                          .values(buffer_count=s.c.buffer_count + 1), "increment_session_buffer_count")

    def set_session_buffer_trigger_time(self, session_key: Any = None) -> None:
        """Stamp when a session's buffer notification fired (the call's clock)."""
        if writing.digit_key(session_key):
            self._execute(update(s).where(affinity_equals(s.c.session_key, session_key))
                          .values(buffer_last_triggered=context.now()), "set_session_buffer_trigger_time")

    def set_temp_stopped(self) -> None:
        """Stamp every live session's stop time with now."""
        self._execute(update(s).values(stopped=context.now()), "set_temp_stopped")

    def increment_write_attempts(self, session_key: Any = None) -> None:
        """Count one more attempt to write a session to history (read and write in one transaction)."""
        if not writing.digit_key(session_key):
            return
        with transaction(self._engine, "activity.increment_write_attempts") as conn:
            attempts = writing.next_write_attempts(self.get_session_by_key(session_key=session_key))
            conn.execute(update(s).where(affinity_equals(s.c.session_key, session_key))
                         .values(**stored_values(s, {"write_attempts": attempts})))

    def set_marker(self, session_key: Any = None, marker_idx: Any = None, marker_type: Any = None) -> None:
        """Record which marker (intro, commercial, credits) a session is in."""
        intro, commercial, credits_ = writing.marker_values(marker_type)
        values = stored_values(s, {"intro": intro, "commercial": commercial, "credits": credits_, "marker": marker_idx})
        self._execute(update(s).where(affinity_equals(s.c.session_key, session_key)).values(**values), "set_marker")

    def set_watched(self, session_key: Any = None) -> None:
        """Flag a session as watched."""
        self._execute(update(s).where(affinity_equals(s.c.session_key, session_key)).values(watched=1), "set_watched")

    def write_continued_session(self, user_id: Any = None, machine_id: Any = None, media_type: Any = None,
                                stopped: Any = None) -> None:
        """Store when a device last stopped a media type (keyed by user, machine and media type)."""
        with transaction(self._engine, "activity.write_continued_session") as conn:
            upsert(conn, c, {"stopped": stopped}, {"user_id": user_id, "machine_id": machine_id,
                                                   "media_type": media_type})


# Statements built once per shape (plexpy.db.stmt_cache): how each value compares (its kind from
# matches_shape); the values are bound at execution.


@per_shape(maxsize=1)
def _all_sessions_stmt() -> Any:
    """Every live session in row order."""
    return select(s).order_by(s.c.id)


@per_shape(maxsize=16)
def _user_sessions_stmt(kind: Any, per_ip: bool) -> Any:
    """``:user_id``'s live sessions (with ``per_ip``: the first row from each IP address)."""
    match = bound_matches(s.c.user_id, kind, "user_id")
    if not per_ip:
        return select(s).where(match).order_by(s.c.id)
    first = func.row_number().over(partition_by=s.c.ip_address, order_by=s.c.id).label("first_of_ip")
    ranked = select(s, first).where(match).subquery("ranked")
    stmt = select(*(ranked.c[col.name] for col in s.c)).where(ranked.c.first_of_ip == 1)
    return stmt.order_by(ranked.c.ip_address.asc().nulls_first())


def _first_session(column: str | None, key: str, value: Any) -> Bound:
    """The first session row (or one column of it) whose ``key`` matches ``value``."""
    kind, bound = matches_shape(s.c[key], value)
    return Bound(_first_session_stmt(column, key, kind), {"key": bound})


@per_shape()
def _first_session_stmt(column: str | None, key: str, kind: Any) -> Any:
    selected = select(s) if column is None else select(s.c[column])
    return selected.where(bound_matches(s.c[key], kind, "key")).order_by(s.c.id).limit(1)


@per_shape()
def _initial_stream_stmt(kinds: tuple[Any, ...]) -> Any:
    """The newest stop of ``:user_id`` on ``:machine_id`` for ``:media_type``."""
    names = ("user_id", "machine_id", "media_type")
    return (
        select(c.c.stopped)
        .where(*(bound_matches(c.c[name], kind, name) for name, kind in zip(names, kinds, strict=True)))
        .order_by(c.c.stopped.desc().nulls_last(), c.c.id).limit(1)
    )


TWIN = SqlaActivity
