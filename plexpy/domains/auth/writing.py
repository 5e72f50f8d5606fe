"""Pure rules both auth twins follow when they write: the login row, row id lists, failure handling."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog

from plexpy import context
from plexpy.db.errors import TautulliDBError
from plexpy.db.retry import is_locked

__all__ = ["failed", "login_row", "logs_login", "row_ids", "vacuum_failed"]

log = structlog.get_logger(__name__)


def failed(exc: TautulliDBError, event: str, **fields: Any) -> None:
    """Log a write Tautulli answers its default for; a locked database is raised instead, never passed over."""
    if is_locked(exc):
        raise exc
    log.warning(event, error=str(exc), **fields)


def vacuum_failed(exc: TautulliDBError) -> None:
    """Handle a failed VACUUM after the delete: raise, except for a locked database.

    When locked, the rows are gone all the same (the delete committed) and Tautulli's VACUUM gave up silently.
    """
    if not is_locked(exc):
        raise exc
    log.warning("auth.vacuum_skipped", error=str(exc))


def logs_login(user_id: Any) -> bool:
    """Tautulli records a login only for no user id or a digit one."""
    return user_id is None or str(user_id).isdigit()


def login_row(user_id: Any, user: Any, user_group: Any, ip_address: Any, host: Any, user_agent: Any, success: Any,
              expiry: Any, jwt_token: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(keys, values)`` of a login: keyed by the call's second and the user, so logins of one second merge.

    A ``datetime`` expiry is stored as ISO 8601 text; anything else as given.
    """
    keys = {"timestamp": context.now(), "user_id": user_id}
    values = {
        "user": user, "user_group": user_group, "ip_address": ip_address, "host": host, "user_agent": user_agent,
        "success": success, "expiry": expiry.isoformat() if isinstance(expiry, datetime) else expiry,
        "jwt_token": jwt_token,
    }
    return keys, values


def _cast_to_int(value: Any) -> int:
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


def row_ids(value: Any) -> list[int]:
    """Comma-separated row ids as ints, a non-numeric id as 0 (Tautulli's ``cast_to_int``).

    Raises:
        AttributeError: for a value that is not a string, as Tautulli's ``row_ids.split(',')`` does.
    """
    if not isinstance(value, str):
        raise AttributeError(f"'{type(value).__name__}' object has no attribute 'split'")
    return [_cast_to_int(part) for part in value.split(",")]
