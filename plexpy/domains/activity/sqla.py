"""The activity domain's reads on SQLAlchemy Core: the same answers, with SQLite's row picks made explicit.

``SELECT ... LIMIT 1`` without ORDER BY, and ``GROUP BY ip_address`` with bare columns, take the first row in
row-id order in SQLite; the last row a loop sees is the newest id. Here both are ordered by ``id``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from plexpy import context
from plexpy.datatables.sqla_sql import matches
from plexpy.db.engine import connect
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import sessions, sessions_continued
from plexpy.domains.activity import shaping

__all__ = ["TWIN", "SqlaActivity"]

s = sessions
c = sessions_continued


class SqlaActivity:
    """Activity reads on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        with connect(self._engine, f"activity.{op}") as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def get_sessions(self, user_id: Any = None, ip_address: Any = None) -> list[dict[str, Any]]:
        """Every live session, or a user's (one per IP address when ``ip_address``: its first row)."""
        if not shaping.digit_key(user_id):
            return self._rows(select(s).order_by(s.c.id), "get_sessions")
        if not ip_address:
            return self._rows(select(s).where(matches(s.c.user_id, user_id)).order_by(s.c.id), "get_sessions")
        first = func.row_number().over(partition_by=s.c.ip_address, order_by=s.c.id).label("first_of_ip")
        ranked = select(s, first).where(matches(s.c.user_id, user_id)).subquery("ranked")
        stmt = select(*(ranked.c[col.name] for col in s.c)).where(ranked.c.first_of_ip == 1)
        return self._rows(stmt.order_by(ranked.c.ip_address.asc().nulls_first()), "get_sessions")

    def get_session_by_key(self, session_key: Any = None) -> dict[str, Any] | None:
        """The first session row with this key, or None."""
        if not shaping.digit_key(session_key):
            return None
        stmt = select(s).where(matches(s.c.session_key, session_key)).order_by(s.c.id).limit(1)
        return shaping.session_row(self._rows(stmt, "get_session_by_key"))

    def get_session_by_id(self, session_id: Any = None) -> dict[str, Any] | None:
        """The first session row with this session id, or None."""
        if not session_id:
            return None
        stmt = select(s).where(matches(s.c.session_id, session_id)).order_by(s.c.id).limit(1)
        return shaping.session_row(self._rows(stmt, "get_session_by_id"))

    def get_session_buffer_count(self, session_key: Any = None) -> Any:
        """A session's buffer count: 0 without a row, None for a non-numeric key."""
        if not shaping.digit_key(session_key):
            return None
        stmt = select(s.c.buffer_count).where(matches(s.c.session_key, session_key)).order_by(s.c.id).limit(1)
        rows = self._rows(stmt, "get_session_buffer_count")
        return rows[0]["buffer_count"] if rows else 0

    def get_session_buffer_trigger_time(self, session_key: Any = None) -> Any:
        """When a session's buffer notification last fired, or None."""
        if not shaping.digit_key(session_key):
            return None
        stmt = (select(s.c.buffer_last_triggered).where(matches(s.c.session_key, session_key))
                .order_by(s.c.id).limit(1))
        rows = self._rows(stmt, "get_session_buffer_trigger_time")
        return rows[0]["buffer_last_triggered"] if rows else None

    def is_initial_stream(self, user_id: Any = None, machine_id: Any = None, media_type: Any = None,
                          started: Any = None) -> int:
        """1 when a stream starts long enough after this device's last stop of that media type."""
        stmt = (
            select(c.c.stopped)
            .where(matches(c.c.user_id, user_id), matches(c.c.machine_id, machine_id),
                   matches(c.c.media_type, media_type))
            .order_by(c.c.stopped.desc().nulls_last(), c.c.id).limit(1)
        )
        rows = self._rows(stmt, "is_initial_stream")
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


TWIN = SqlaActivity
