"""The activity domain's read operations: names, signatures and result shapes shared by both twins."""

from __future__ import annotations

from typing import Any, Final, Protocol

from shim.operation import Operation, Ordering, operations

__all__ = ["OPERATIONS", "ActivityOps"]


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


OPERATIONS: Final = operations("activity", {
    "get_sessions": Operation.read(Ordering.MULTISET),
    "get_session_by_key": Operation.read(),
    "get_session_by_id": Operation.read(),
    "get_session_buffer_count": Operation.read(),
    "get_session_buffer_trigger_time": Operation.read(),
    "is_initial_stream": Operation.read(),
    "get_session_ip": Operation.read(),
    "get_stream_details": Operation.read(),
})
