"""The network half of Tautulli's user refresh: ask plex.tv for the account, friends and shared servers.

Offline (the default client, and every oracle record) the requests fail and the refresh reports False,
as Tautulli's does; the caller then falls back to the built-in Local user.
"""

from __future__ import annotations

from typing import Any, Protocol
from xml.etree import ElementTree as ET

import structlog

from plexpy import context
from plexpy.plex import PlexUnavailableError

__all__ = ["fetch_plextv_users", "refresh_users"]

log = structlog.get_logger(__name__)


class _Refreshing(Protocol):
    def store_refreshed_users(self, users: list[dict[str, Any]]) -> bool: ...


def _xml(path: str) -> ET.Element | None:
    try:
        response = context.plex().get(path)
    except PlexUnavailableError:
        return None
    if not response.ok or not response.body:
        return None
    try:
        return ET.fromstring(response.body)  # noqa: S314 - plex.tv answers are parsed with no entity expansion
    except ET.ParseError:
        return None


def fetch_plextv_users() -> list[dict[str, Any]] | None:
    """The account's own user and its friends from plex.tv, or None when plex.tv cannot be read."""
    account = _xml("/users/account")
    friends = _xml("/api/users")
    _xml(f"/api/servers/{context.config('PMS_IDENTIFIER')}/shared_servers")
    if account is None or friends is None:
        return None
    users: list[dict[str, Any]] = []
    for node in [account] if account.tag == "user" else account.iter("user"):
        users.append({"user_id": node.get("id"), "username": node.get("username"), "title": node.get("title"),
                      "thumb": node.get("thumb"), "email": node.get("email"), "is_active": 1, "is_admin": 1})
    for node in friends.iter("User"):
        users.append({"user_id": node.get("id"), "username": node.get("username"), "title": node.get("title"),
                      "thumb": node.get("thumb"), "email": node.get("email"), "is_active": 1, "is_admin": 0})
    return users


def refresh_users(twin: Any) -> bool:
    """Refresh the users table from plex.tv through ``twin``; False when plex.tv is unreachable."""
    users = fetch_plextv_users()
    if not users:
        log.warning("users.refresh_unavailable")
        return False
    store = getattr(twin, "store_refreshed_users", None)
    if store is None:
        log.warning("users.refresh_not_stored", reason="user refresh writes are not implemented on this path")
        return False
    return bool(store(users))
