"""The activity domain's reads on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path)."""

from __future__ import annotations

from typing import Any

from plexpy import context
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.activity import shaping

__all__ = ["TWIN", "LegacyActivity"]

_SESSIONS = "SELECT * FROM sessions {where}"

_BY_KEY = "SELECT * FROM sessions WHERE session_key = ?"

_BY_ID = "SELECT * FROM sessions WHERE session_id = ?"

_BUFFER_COUNT = "SELECT buffer_count FROM sessions WHERE session_key = ?"

_BUFFER_TRIGGER = "SELECT buffer_last_triggered FROM sessions WHERE session_key = ?"

_LAST_STOP = """
SELECT stopped FROM sessions_continued
WHERE user_id = ? AND machine_id = ? AND media_type = ?
ORDER BY stopped DESC"""

_SESSION_IP = "SELECT ip_address FROM sessions WHERE session_key = ? {guest}"

_STREAM_DETAILS = "SELECT {columns} FROM sessions WHERE session_key = ? {guest}".format(
    columns=", ".join(shaping.STREAM_COLUMNS), guest="{guest}",
)


class LegacyActivity:
    """Activity reads on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def get_sessions(self, user_id: Any = None, ip_address: Any = None) -> list[dict[str, Any]]:
        """Every live session, or a user's (one per IP address when ``ip_address``: its first row)."""
        where, args = "", []
        if shaping.digit_key(user_id):
            where, args = "WHERE user_id = ?" + (" GROUP BY ip_address" if ip_address else ""), [user_id]
        return self._db.select(_SESSIONS.format(where=where), args)

    def get_session_by_key(self, session_key: Any = None) -> dict[str, Any] | None:
        """The first session row with this key, or None."""
        if not shaping.digit_key(session_key):
            return None
        return shaping.session_row(self._db.select(_BY_KEY, [session_key]))

    def get_session_by_id(self, session_id: Any = None) -> dict[str, Any] | None:
        """The first session row with this session id, or None."""
        if not session_id:
            return None
        return shaping.session_row(self._db.select(_BY_ID, [session_id]))

    def get_session_buffer_count(self, session_key: Any = None) -> Any:
        """A session's buffer count: 0 without a row, None for a non-numeric key."""
        if not shaping.digit_key(session_key):
            return None
        row = self._db.select_single(_BUFFER_COUNT, [session_key])
        return row["buffer_count"] if row else 0

    def get_session_buffer_trigger_time(self, session_key: Any = None) -> Any:
        """When a session's buffer notification last fired, or None."""
        if not shaping.digit_key(session_key):
            return None
        row = self._db.select_single(_BUFFER_TRIGGER, [session_key])
        return row["buffer_last_triggered"] if row else None

    def is_initial_stream(self, user_id: Any = None, machine_id: Any = None, media_type: Any = None,
                          started: Any = None) -> int:
        """1 when a stream starts long enough after this device's last stop of that media type."""
        last = self._db.select_single(_LAST_STOP, [user_id, machine_id, media_type])
        return shaping.initial_stream(started, last)

    def get_session_ip(self, session_key: Any = "") -> Any:
        """The IP address of a live session (its last row), or ``"N/A"``; a guest sees only their own."""
        if not session_key:
            return "N/A"
        guest, args = "", []
        if context.get_session_user_id():
            guest, args = "AND user_id = ?", [context.get_session_user_id()]
        try:
            rows = self._db.select(_SESSION_IP.format(guest=guest), [int(session_key), *args])
        except (ValueError, TypeError, OverflowError, TautulliDBError):
            return "N/A"
        return rows[-1]["ip_address"] if rows else "N/A"

    def get_stream_details(self, row_id: Any = None, session_key: Any = None) -> dict[str, Any] | None:
        """Stream details of a live session (its last row); a guest sees only their own."""
        if not session_key:
            return None
        guest, args = "", [session_key]
        if context.get_session_user_id():
            guest, args = "AND user_id = ?", [session_key, context.get_session_user_id()]
        rows = self._db.select(_STREAM_DETAILS.format(guest=guest), args)
        return shaping.stream_details(rows, current_session=True)


TWIN = LegacyActivity
