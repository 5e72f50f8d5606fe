"""Tautulli-compatible facade of ``plexpy.activity_processor``: the reads of ``ActivityProcessor``.

Same class, method names and signatures as Tautulli v2.17.2; each method is one routed call of the
``activity`` domain. The session writes arrive with the activity writes.
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.activity.contract import OPERATIONS as _OPS

__all__ = ["ActivityProcessor"]


class ActivityProcessor:
    """Live sessions, as Tautulli's activity handler and pinger read them."""

    def __init__(self) -> None:
        pass

    def get_sessions(self, user_id: Any = None, ip_address: Any = None) -> Any:
        """Every live session, or a user's (one per IP address when ``ip_address``)."""
        return runtime.route(_OPS["get_sessions"], user_id=user_id, ip_address=ip_address)

    def get_session_by_key(self, session_key: Any = None) -> Any:
        """A live session by session key, or None."""
        return runtime.route(_OPS["get_session_by_key"], session_key=session_key)

    def get_session_by_id(self, session_id: Any = None) -> Any:
        """A live session by session id, or None."""
        return runtime.route(_OPS["get_session_by_id"], session_id=session_id)

    def get_session_buffer_count(self, session_key: Any = None) -> Any:
        """A session's buffer count."""
        return runtime.route(_OPS["get_session_buffer_count"], session_key=session_key)

    def get_session_buffer_trigger_time(self, session_key: Any = None) -> Any:
        """When a session's buffer notification last fired."""
        return runtime.route(_OPS["get_session_buffer_trigger_time"], session_key=session_key)

    def is_initial_stream(self, user_id: Any = None, machine_id: Any = None, media_type: Any = None,
                          started: Any = None) -> Any:
        """1 when a stream is not the continuation of a recent one on the same device, else 0."""
        return runtime.route(_OPS["is_initial_stream"], user_id=user_id, machine_id=machine_id,
                             media_type=media_type, started=started)
