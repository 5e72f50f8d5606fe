"""The activity domain's operations: names, signatures and result shapes shared by both twins.

Writes name the tables they may change. ``write_session_history`` and ``group_history`` take the Plex metadata
(and the user's and library's details) from the facade, which fetches them once: the twins only write.
``regroup_history`` backs the database file up first, an effect outside the database, so it is verified on a
scratch copy (``verify="scratch"``), whose backup goes into the scratch folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol

from shim.operation import Operation, Ordering, operations

__all__ = ["OPERATIONS", "ActivityOps"]

_HISTORY: Final = ("session_history", "session_history_media_info", "session_history_metadata")


class ActivityOps(Protocol):
    """What each twin of the activity domain implements, in this order."""

    def get_sessions(self, user_id: Any = None, ip_address: Any = None) -> list[dict[str, Any]]:
        """Every live session row (no defined order), or a user's, or one per IP address of a user."""
        ...

    def get_session_by_key(self, session_key: Any = None) -> dict[str, Any] | None:
        """The first session row with a session key, or None."""
        ...

    def get_session_by_id(self, session_id: Any = None) -> dict[str, Any] | None:
        """The first session row with a session id, or None."""
        ...

    def get_session_buffer_count(self, session_key: Any = None) -> Any:
        """A session's buffer count (0 without a row, None for a non-numeric key)."""
        ...

    def get_session_buffer_trigger_time(self, session_key: Any = None) -> Any:
        """When a session's buffer notification last fired, or None."""
        ...

    def is_initial_stream(self, user_id: Any = None, machine_id: Any = None, media_type: Any = None,
                          started: Any = None) -> int:
        """1 when a stream starts long enough after the device's last stop of that media type, else 0."""
        ...

    def get_session_ip(self, session_key: Any = "") -> Any:
        """The IP address of a live session, or ``"N/A"``."""
        ...

    def get_stream_details(self, row_id: Any = None, session_key: Any = None) -> dict[str, Any] | None:
        """Stream details of a live session."""
        ...

    def write_session(self, session: Any = None, notify: Any = True) -> Any:
        """Store a live session keyed by (session key, rating key); True when a new row was inserted, else None."""
        ...

    def write_session_history(self, session: Any = None, import_metadata: Any = None, is_import: Any = False,
                              import_ignore_interval: Any = 0, user_details: Any = None, library_details: Any = None,
                              metadata: Any = None) -> Any:
        """Log a stopped session to the three history tables; the session's row id, or False."""
        ...

    def group_history(self, last_id: Any, session: Any, metadata: Any = None) -> None:
        """Point a history row's ``reference_id`` at the play it resumes (or at itself)."""
        ...

    def regroup_history(self) -> bool:
        """Back the database up, then recompute every history row's ``reference_id``."""
        ...

    def set_session_state(self, session_key: Any = None, state: Any = None,
                          values: Mapping[str, Any] | None = None) -> Any:
        """Set a session's state and other columns by session key: ``'update'``/``'insert'``, or None."""
        ...

    def set_session_last_paused(self, session_key: Any = None, timestamp: Any = None) -> None:
        """Record a pause (or, on resume, add its length to the paused counter)."""
        ...

    def delete_session(self, session_key: Any = None, row_id: Any = None) -> None:
        """Delete a live session by session key, else by row id."""
        ...

    def increment_session_buffer_count(self, session_key: Any = None) -> None:
        """Count one more buffering event of a session."""
        ...

    def set_session_buffer_trigger_time(self, session_key: Any = None) -> None:
        """Stamp when a session's buffer notification fired (the call's clock)."""
        ...

    def set_temp_stopped(self) -> None:
        """Stamp every live session's stop time with now."""
        ...

    def increment_write_attempts(self, session_key: Any = None) -> None:
        """Count one more attempt to write a session to history."""
        ...

    def set_marker(self, session_key: Any = None, marker_idx: Any = None, marker_type: Any = None) -> None:
        """Record which marker (intro, commercial, credits) a session is in."""
        ...

    def set_watched(self, session_key: Any = None) -> None:
        """Flag a session as watched."""
        ...

    def write_continued_session(self, user_id: Any = None, machine_id: Any = None, media_type: Any = None,
                                stopped: Any = None) -> None:
        """Store when a device last stopped a media type (keyed by user, machine and media type)."""
        ...


OPERATIONS: Final = operations("activity", {
    "get_sessions": Operation.read(Ordering.MULTISET),
    "get_session_by_key": Operation.read(),
    "get_session_by_id": Operation.read(),
    "get_session_buffer_count": Operation.read(),
    "get_session_buffer_trigger_time": Operation.read(),
    "is_initial_stream": Operation.read(),
    "get_session_ip": Operation.read(),
    "get_stream_details": Operation.read(),
    "write_session": Operation.write(tables=("sessions", "sessions_continued")),
    "write_session_history": Operation.write(tables=(*_HISTORY, "sessions", "sessions_continued")),
    "group_history": Operation.write(tables=("session_history",)),
    "regroup_history": Operation.write(tables=("session_history",), verify="scratch"),
    "set_session_state": Operation.write(tables=("sessions",)),
    "set_session_last_paused": Operation.write(tables=("sessions",)),
    "delete_session": Operation.write(tables=("sessions",)),
    "increment_session_buffer_count": Operation.write(tables=("sessions",)),
    "set_session_buffer_trigger_time": Operation.write(tables=("sessions",)),
    "set_temp_stopped": Operation.write(tables=("sessions",)),
    "increment_write_attempts": Operation.write(tables=("sessions",)),
    "set_marker": Operation.write(tables=("sessions",)),
    "set_watched": Operation.write(tables=("sessions",)),
    "write_continued_session": Operation.write(tables=("sessions_continued",)),
})
