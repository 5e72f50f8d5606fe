"""The activity domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path).

Each write is one transaction (``BEGIN IMMEDIATE``); Tautulli's helpers it calls (``set_session_state``,
``write_continued_session``, ``group_history``) join it as savepoints. History writing is in ``_legacy_history``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog

from plexpy import context
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.activity import _legacy_history, shaping, writing

__all__ = ["TWIN", "LegacyActivity"]

log = structlog.get_logger(__name__)

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


_PAUSED = "SELECT last_paused, paused_counter FROM sessions WHERE session_key = ?"

_DELETE_BY_KEY = "DELETE FROM sessions WHERE session_key = ?"

_DELETE_BY_ID = "DELETE FROM sessions WHERE id = ?"

_BUFFER_COUNT_UP = "UPDATE sessions SET buffer_count = buffer_count + 1 WHERE session_key = ?"

_BUFFER_TRIGGERED = "UPDATE sessions SET buffer_last_triggered = ? WHERE session_key = ?"

_ALL_STOPPED = "UPDATE sessions SET stopped = ?"

_WRITE_ATTEMPTS = "UPDATE sessions SET write_attempts = ? WHERE session_key = ?"

_MARKER = "UPDATE sessions SET intro = ?, commercial = ?, credits = ?, marker = ? WHERE session_key = ?"

_WATCHED = "UPDATE sessions SET watched = ? WHERE session_key = ?"


class LegacyActivity:
    """Activity reads and writes on the legacy executor."""

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

    def write_session(self, session: Any = None, notify: Any = True) -> Any:
        """Store a live session keyed by (session key, rating key); True when a new row was inserted, else None."""
        if not session:
            return None
        keys = writing.session_keys(session)
        values = writing.session_values(session, context.now())
        with self._db.transaction():
            if self._db.upsert("sessions", values, keys) != "insert":
                return None
            started = context.now()
            initial = self.is_initial_stream(user_id=values["user_id"], machine_id=values["machine_id"],
                                             media_type=values["media_type"], started=started)
            self._db.upsert("sessions", {"started": started, "initial_stream": initial}, keys)
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
        with self._db.transaction():
            return _legacy_history.write_play(self, self._db, plan, is_import, import_metadata, metadata)

    def group_history(self, last_id: Any, session: Any, metadata: Any = None) -> None:
        """Point a history row's ``reference_id`` at the play it resumes (or at itself)."""
        with self._db.transaction():
            _legacy_history.group(self._db, last_id, session, metadata)

    def regroup_history(self) -> bool:
        """Back the database up, then recompute every history row's ``reference_id`` (one transaction)."""
        return _legacy_history.regroup(self._db)

    def set_session_state(self, session_key: Any = None, state: Any = None,
                          values: Mapping[str, Any] | None = None) -> Any:
        """Set a session's state and other columns by session key (an unknown key inserts a partial row)."""
        if not writing.digit_key(session_key):
            return None
        row = writing.state_values(state, values or {})
        with self._db.transaction():
            return self._db.upsert("sessions", row, {"session_key": session_key})

    def set_session_last_paused(self, session_key: Any = None, timestamp: Any = None) -> None:
        """Record a pause (or, on resume, add its length to the paused counter)."""
        if not writing.digit_key(session_key):
            return
        with self._db.transaction():
            values = writing.paused_values(self._db.select(_PAUSED, [session_key]), timestamp, context.now())
            self._db.upsert("sessions", values, {"session_key": session_key})

    def delete_session(self, session_key: Any = None, row_id: Any = None) -> None:
        """Delete a live session by session key, else by row id."""
        if writing.digit_key(session_key):
            self._db.action(_DELETE_BY_KEY, [session_key])
        elif writing.digit_key(row_id):
            self._db.action(_DELETE_BY_ID, [row_id])

    def increment_session_buffer_count(self, session_key: Any = None) -> None:
        """Count one more buffering event of a session."""
        if writing.digit_key(session_key):
            self._db.action(_BUFFER_COUNT_UP, [session_key])

    def set_session_buffer_trigger_time(self, session_key: Any = None) -> None:
        """Stamp when a session's buffer notification fired (the call's clock)."""
        if writing.digit_key(session_key):
            self._db.action(_BUFFER_TRIGGERED, [context.now(), session_key])

    def set_temp_stopped(self) -> None:
        """Stamp every live session's stop time with now."""
        self._db.action(_ALL_STOPPED, [context.now()])

    def increment_write_attempts(self, session_key: Any = None) -> None:
        """Count one more attempt to write a session to history (read and write in one transaction)."""
        if not writing.digit_key(session_key):
            return
        with self._db.transaction():
            attempts = writing.next_write_attempts(self.get_session_by_key(session_key=session_key))
            self._db.action(_WRITE_ATTEMPTS, [attempts, session_key])

    def set_marker(self, session_key: Any = None, marker_idx: Any = None, marker_type: Any = None) -> None:
        """Record which marker (intro, commercial, credits) a session is in."""
        self._db.action(_MARKER, [*writing.marker_values(marker_type), marker_idx, session_key])

    def set_watched(self, session_key: Any = None) -> None:
        """Flag a session as watched."""
        self._db.action(_WATCHED, [1, session_key])

    def write_continued_session(self, user_id: Any = None, machine_id: Any = None, media_type: Any = None,
                                stopped: Any = None) -> None:
        """Store when a device last stopped a media type (keyed by user, machine and media type)."""
        with self._db.transaction():
            self._db.upsert("sessions_continued", {"stopped": stopped},
                            {"user_id": user_id, "machine_id": machine_id, "media_type": media_type})


TWIN = LegacyActivity
