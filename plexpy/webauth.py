"""Tautulli-compatible facade of ``plexpy.webauth`` (its database parts): ``check_rate_limit``, ``plex_user_login``.

Routed by the ``auth`` flag, like the login reads on ``plexpy.users.Users``. ``plex_user_login`` asks plex.tv
(through the call's Plex client) who the token belongs to and for the server's token, reads the user with
``Users().get_details`` and stores the server token as one routed write; then the user list is refreshed.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import structlog

from plexpy import context, runtime, users
from plexpy.db.errors import TautulliDBError
from plexpy.db.retry import is_locked
from plexpy.domains.auth.contract import OPERATIONS as _OPS
from plexpy.plex import get_xml

__all__ = ["check_rate_limit", "plex_user_login"]

log = structlog.get_logger(__name__)


def check_rate_limit(ip_address: Any) -> Any:
    """Seconds an address must still wait after too many failed logins, or None."""
    return runtime.route(_OPS["check_rate_limit"], ip_address=ip_address)


def _xml(path: str) -> ET.Element | None:
    return get_xml(context.plex(), path)


def _account_user_id() -> str | None:
    """The plex.tv account id of the token in use (the first ``user`` element), or None."""
    account = _xml("/users/account")
    node = next(account.iter("user"), None) if account is not None else None
    return (node.get("id") or None) if node is not None else None


def _server_token() -> str | None:
    """The access token of this server among the account's resources; ``''`` when absent, None when unreadable."""
    resources = _xml("/api/resources")
    if resources is None:
        return None
    server = str(context.config("PMS_IDENTIFIER") or "")
    for device in resources.iter("Device"):
        if device.get("clientIdentifier") == server and "server" in (device.get("provides") or ""):
            return device.get("accessToken") or ""
    return ""


def plex_user_login(token: Any = None, headers: Any = None) -> Any:
    """Log a guest in with a plex.tv token: ``(user_details, 'admin' | 'guest')``, or None when refused."""
    del headers  # sent to plex.tv by the Plex client, never stored
    if not token:
        return None
    user_id = _account_user_id()
    if not user_id:
        log.warning("auth.plex_login_refused", reason="unable to read the plex.tv account")
        return None
    details = users.Users().get_details(user_id=user_id)
    if user_id != str(details["user_id"]):
        return None
    if context.config("HTTP_PLEX_ADMIN") and details["is_admin"]:
        return details, "admin"
    if not details["allow_guest"] or details["deleted_user"] or not context.config("ALLOW_GUEST_ACCESS"):
        return None
    server_token = _server_token()
    if not server_token:
        log.warning("auth.plex_login_refused", reason="no server token")
        return None
    try:
        stored = runtime.route(_OPS["set_server_token"], user_id=details["user_id"], server_token=server_token)
    except TautulliDBError as exc:
        if is_locked(exc.__cause__ or exc):
            raise  # never pass over a busy database silently
        log.warning("auth.plex_login_failed", reason="unable to store the server token")
        return None
    if not stored:
        log.warning("auth.plex_login_failed", reason="unable to store the server token")
        return None
    users.refresh_users()
    return details, "guest"
