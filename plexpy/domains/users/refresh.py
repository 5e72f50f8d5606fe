"""Tautulli's user refresh: the network half (plex.tv) and the user rows both twins store.

The network half asks plex.tv for the account, its friends and the server's shared servers; the rows are
shaped here, once, for both twins' ``store_refreshed_users``. Offline (the default client, and every oracle
record) the requests fail and the refresh reports False, as Tautulli's does; the caller then falls back to
the built-in Local user.
"""

from __future__ import annotations

from typing import Any, Protocol
from xml.etree import ElementTree as ET

import structlog

from plexpy import context
from plexpy.plex import get_xml

__all__ = ["active_user_id", "fetch_plextv_users", "refresh_users", "refreshed_row", "store_refusal"]

log = structlog.get_logger(__name__)


class _Refreshing(Protocol):
    def store_refreshed_users(self, users: list[dict[str, Any]]) -> bool: ...


def _xml(path: str) -> ET.Element | None:
    return get_xml(context.plex(), path)


_ACCOUNT_FIELDS = {"is_home_user": "home", "is_restricted": "restricted", "filter_all": "filterAll",
                   "filter_movies": "filterMovies", "filter_tv": "filterTelevision", "filter_music": "filterMusic",
                   "filter_photos": "filterPhotos"}


def _attr(node: ET.Element, name: str) -> str:
    """An XML attribute, ``''`` when missing (Tautulli's ``get_xml_attr``)."""
    return node.get(name) or ""


def _person(node: ET.Element, *, admin: bool) -> dict[str, Any]:
    person: dict[str, Any] = {"user_id": _attr(node, "id"), "username": _attr(node, "username"),
                              "title": _attr(node, "title"), "thumb": _attr(node, "thumb"),
                              "email": _attr(node, "email"), "is_active": 1, "is_admin": 1 if admin else 0}
    person.update({key: _attr(node, attr) for key, attr in _ACCOUNT_FIELDS.items()})
    person["is_allow_sync"] = 1 if admin else _attr(node, "allowSync")
    if admin:
        person.update(user_token=_attr(node, "authToken"), server_token=_attr(node, "authToken"),
                      shared_libraries=None)
    return person


def fetch_plextv_users() -> list[dict[str, Any]] | None:
    """Tautulli's ``get_full_users_list``: the account, its friends and what the server shares with each.

    None when plex.tv cannot be read (offline, an error status, unreadable XML).
    """
    account = _xml("/users/account")
    friends = _xml("/api/users")
    shared = _xml(f"/api/servers/{context.config('PMS_IDENTIFIER')}/shared_servers")
    if account is None or friends is None or shared is None:
        return None
    users = [_person(node, admin=True) for node in account.iter("user")]
    users += [_person(node, admin=False) for node in friends.iter("User")]
    by_user = {
        _attr(node, "userID"): {
            "server_token": _attr(node, "accessToken"),
            "shared_libraries": [_attr(s, "key") for s in node.iter("Section") if _attr(s, "shared") == "1"],
        }
        for node in shared.iter("SharedServer")
    }
    for user in users:
        user.update(by_user.get(user["user_id"], {}))
    return users


def refreshed_row(item: dict[str, Any], avatar: dict[str, Any] | None,
                  section_ids: list[Any] | None) -> tuple[Any, dict[str, Any], bool]:
    """One plex.tv user as Tautulli stores it: ``(user_id, values, counts_as_active)``.

    Args:
        item: the user from :func:`fetch_plextv_users` (not changed).
        avatar: the stored ``thumb`` and ``custom_avatar_url`` of that user, or None when there is no row.
        section_ids: every library section id, for a user with a server token but no shared list (the owner).
    """
    values = dict(item)
    user_id = values.pop("user_id", None)
    active = False
    if values.get("shared_libraries"):
        values["shared_libraries"] = ";".join(values["shared_libraries"])
        active = True
    elif values.get("server_token"):
        values["shared_libraries"] = ";".join(str(s) for s in section_ids or [])
        active = True
    if user_id:
        custom = (avatar or {}).get("custom_avatar_url")
        if avatar is None or not custom or custom == avatar.get("thumb"):
            values["custom_avatar_url"] = values.get("thumb")
    if values.get("title") == values.get("username"):
        values["title"] = None
    if not values.get("username"):
        values["username"] = values.get("title")
    return user_id, values, active


def active_user_id(user_id: Any) -> int:
    """Tautulli's ``cast_to_int`` of a refreshed user id (0 when it is not a number)."""
    try:
        return int(user_id)
    except (TypeError, ValueError):
        return 0


def store_refusal(users: Any) -> bool | None:
    """Tautulli's answer before anything is stored: None without a server identifier, False without users."""
    if not context.config("PMS_IDENTIFIER"):
        log.error("users.refresh_failed", reason="no PMS identifier")
        return None
    if not users:
        log.warning("users.refresh_unavailable")
        return False
    return True


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
