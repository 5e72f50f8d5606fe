"""Tautulli-compatible facade of ``plexpy.activity_processor``: the live sessions and the history writer.

Same class, method names and signatures as Tautulli v2.17.2; each method is one routed call of the ``activity``
domain. ``write_session_history`` first gathers what is not in this database's write: the user's and the
library's details (routed reads of their own domains, as Tautulli asks them) and, for a play that will be
logged, the item's metadata from Plex (asked once, here, so a shadowed write does not ask twice). The clock
is frozen for the whole call, so the facade and the twins decide on the same instant.
"""

from __future__ import annotations

from typing import Any

from plexpy import context, libraries, runtime, users
from plexpy.domains.activity import pms_metadata, writing
from plexpy.domains.activity.contract import OPERATIONS as _OPS

__all__ = ["ActivityProcessor", "regroup_history"]


class ActivityProcessor:
    """Live sessions, as Tautulli's activity handler and pinger read and write them."""

    def __init__(self) -> None:
        pass

    def write_session(self, session: Any = None, notify: Any = True) -> Any:
        """Store a live session; True when it was new (then Live TV gets its library), else None."""
        result = runtime.route(_OPS["write_session"], session=session, notify=notify)
        if result is True and session.get("live", 0):
            libraries.add_live_tv_library()
        return result

    def write_session_history(self, session: Any = None, import_metadata: Any = None, is_import: Any = False,
                              import_ignore_interval: Any = 0) -> Any:
        """Log a stopped session to the history tables; the session's row id, or False when it cannot be written."""
        with context.call_context(now=context.now(), session=context.session()):
            section_id = session["section_id"] if not is_import else import_metadata["section_id"]
            user_details = library_details = metadata = None
            if not is_import:
                user_details = users.Users().get_details(user_id=session["user_id"])
                library_details = libraries.Libraries().get_details(section_id=section_id)
                if session and user_details and library_details:
                    plan = writing.plan_history(session, is_import, import_ignore_interval, user_details,
                                                library_details, context.now())
                    if plan.logging_enabled:
                        metadata = _item_metadata(plan.session)
            return runtime.route(_OPS["write_session_history"], session=session, import_metadata=import_metadata,
                                 is_import=is_import, import_ignore_interval=import_ignore_interval,
                                 user_details=user_details, library_details=library_details, metadata=metadata)

    def group_history(self, last_id: Any, session: Any, metadata: Any = None) -> Any:
        """Point a history row's ``reference_id`` at the play it resumes (or at itself)."""
        return runtime.route(_OPS["group_history"], last_id=last_id, session=session, metadata=metadata)

    def get_sessions(self, user_id: Any = None, ip_address: Any = None) -> Any:
        """Every live session, or a user's (one per IP address when ``ip_address``)."""
        return runtime.route(_OPS["get_sessions"], user_id=user_id, ip_address=ip_address)

    def get_session_by_key(self, session_key: Any = None) -> Any:
        """A live session by session key, or None."""
        return runtime.route(_OPS["get_session_by_key"], session_key=session_key)

    def get_session_by_id(self, session_id: Any = None) -> Any:
        """A live session by session id, or None."""
        return runtime.route(_OPS["get_session_by_id"], session_id=session_id)

    def set_session_state(self, session_key: Any = None, state: Any = None, **kwargs: Any) -> Any:
        """Set a session's state and other columns: ``'update'``/``'insert'``, or None for a bad key."""
        return runtime.route(_OPS["set_session_state"], session_key=session_key, state=state, values=dict(kwargs))

    def delete_session(self, session_key: Any = None, row_id: Any = None) -> Any:
        """Delete a live session by session key, else by row id."""
        return runtime.route(_OPS["delete_session"], session_key=session_key, row_id=row_id)

    def set_session_last_paused(self, session_key: Any = None, timestamp: Any = None) -> Any:
        """Record a pause (or, on resume, add its length to the paused counter)."""
        return runtime.route(_OPS["set_session_last_paused"], session_key=session_key, timestamp=timestamp)

    def increment_session_buffer_count(self, session_key: Any = None) -> Any:
        """Count one more buffering event of a session."""
        return runtime.route(_OPS["increment_session_buffer_count"], session_key=session_key)

    def get_session_buffer_count(self, session_key: Any = None) -> Any:
        """A session's buffer count."""
        return runtime.route(_OPS["get_session_buffer_count"], session_key=session_key)

    def set_session_buffer_trigger_time(self, session_key: Any = None) -> Any:
        """Stamp when a session's buffer notification fired."""
        return runtime.route(_OPS["set_session_buffer_trigger_time"], session_key=session_key)

    def get_session_buffer_trigger_time(self, session_key: Any = None) -> Any:
        """When a session's buffer notification last fired."""
        return runtime.route(_OPS["get_session_buffer_trigger_time"], session_key=session_key)

    def set_temp_stopped(self) -> Any:
        """Stamp every live session's stop time with now."""
        return runtime.route(_OPS["set_temp_stopped"])

    def increment_write_attempts(self, session_key: Any = None) -> Any:
        """Count one more attempt to write a session to history."""
        return runtime.route(_OPS["increment_write_attempts"], session_key=session_key)

    def set_marker(self, session_key: Any = None, marker_idx: Any = None, marker_type: Any = None) -> Any:
        """Record which marker (intro, commercial, credits) a session is in."""
        return runtime.route(_OPS["set_marker"], session_key=session_key, marker_idx=marker_idx,
                             marker_type=marker_type)

    def set_watched(self, session_key: Any = None) -> Any:
        """Flag a session as watched."""
        return runtime.route(_OPS["set_watched"], session_key=session_key)

    def write_continued_session(self, user_id: Any = None, machine_id: Any = None, media_type: Any = None,
                                stopped: Any = None) -> Any:
        """Store when a device last stopped a media type."""
        return runtime.route(_OPS["write_continued_session"], user_id=user_id, machine_id=machine_id,
                             media_type=media_type, stopped=stopped)

    def is_initial_stream(self, user_id: Any = None, machine_id: Any = None, media_type: Any = None,
                          started: Any = None) -> Any:
        """1 when a stream is not the continuation of a recent one on the same device, else 0."""
        return runtime.route(_OPS["is_initial_stream"], user_id=user_id, machine_id=machine_id,
                             media_type=media_type, started=started)

    def regroup_history(self) -> Any:
        """Back the database up, then recompute every history row's ``reference_id``; False on failure."""
        return runtime.route(_OPS["regroup_history"])


def regroup_history() -> None:
    """Regroup the whole history (Tautulli's scheduled form, which answers nothing)."""
    ActivityProcessor().regroup_history()


def _item_metadata(session: Any) -> dict[str, Any]:
    """The played item's metadata from Plex (a live item's from the session's cache first)."""
    if session["live"]:
        return pms_metadata.metadata_details(rating_key=str(session["rating_key"]), cache_key=session["session_key"],
                                             return_cache=True)
    return pms_metadata.metadata_details(rating_key=str(session["rating_key"]))
