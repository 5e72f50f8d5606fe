"""Pure functions both users twins call: argument rules, row → Tautulli dict, defaults.

Everything that is not data access lives here once, so the shim compares queries and the oracle judges this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from plexpy import common, context

__all__ = [
    "DATATABLES_EMPTY",
    "HISTORY_TABLES",
    "LIST_ALIASES",
    "UNIQUE_IP_ALIASES",
    "chunks",
    "config_values",
    "datatables_result",
    "default_details",
    "default_tokens",
    "digit_id",
    "filters",
    "grouping",
    "list_row",
    "player_stat",
    "query_days",
    "recent_limit",
    "recently_watched_row",
    "row_ids",
    "unique_ip_row",
    "user_details",
    "user_row",
    "watch_time_stat",
]

#: Output columns of the users table query, in Tautulli's order (also the DataTables whitelist).
LIST_ALIASES: tuple[str, ...] = (
    "row_id", "user_id", "username", "friendly_name", "title", "email", "user_thumb", "custom_thumb", "plays",
    "duration", "last_seen", "history_row_id", "last_played", "ip_address", "platform", "player", "rating_key",
    "media_type", "thumb", "parent_thumb", "grandparent_thumb", "parent_title", "year", "media_index",
    "parent_media_index", "live", "added_at", "originally_available_at", "guid", "transcode_decision",
    "do_notify", "keep_history", "allow_guest", "is_active",
)

#: Output columns of the unique IP query, in Tautulli's order.
UNIQUE_IP_ALIASES: tuple[str, ...] = (
    "history_row_id", "first_seen", "last_seen", "ip_address", "play_count", "platform", "player", "rating_key",
    "last_played", "thumb", "parent_thumb", "grandparent_thumb", "media_type", "parent_title", "year",
    "media_index", "parent_media_index", "live", "added_at", "originally_available_at", "guid",
    "transcode_decision", "user", "custom_user_id", "friendly_name",
)

DATATABLES_EMPTY: dict[str, Any] = {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": []}


def grouping(value: Any) -> Any:
    """``grouping`` or, when None, the GROUP_HISTORY_TABLES setting."""
    return context.config("GROUP_HISTORY_TABLES") if value is None else value


def digit_id(value: Any) -> int | float | None:
    """``value`` as a number when ``str(value).isdigit()`` (Tautulli's test), else None.

    Tautulli binds the value as given. Text digits beyond SQLite's 64-bit integers become a float, as SQLite's
    numeric affinity converts that text (such an id matches no row); an ``int`` that large stays an int, so the
    driver refuses to bind it on both paths, as it does for Tautulli (a failed query).
    """
    text = str(value)
    if not text.isdigit():
        return None
    number = int(text)
    return number if number < 2**63 or isinstance(value, int) else float(text)


def _thumb(row: Mapping[str, Any]) -> Any:
    if row["media_type"] == "episode" and row["parent_thumb"]:
        return row["parent_thumb"]
    if row["media_type"] == "episode":
        return row["grandparent_thumb"]
    return row["thumb"]


def _user_thumb(row: Mapping[str, Any]) -> Any:
    if row["custom_thumb"] and row["custom_thumb"] != row["user_thumb"]:
        return row["custom_thumb"]
    if row["user_thumb"]:
        return row["user_thumb"]
    return common.DEFAULT_USER_THUMB


def list_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """One row of the users table."""
    return {
        "row_id": item["row_id"], "user_id": item["user_id"], "username": item["username"],
        "friendly_name": item["friendly_name"], "title": item["title"], "email": item["email"],
        "user_thumb": _user_thumb(item), "plays": item["plays"], "duration": item["duration"],
        "last_seen": item["last_seen"], "last_played": item["last_played"],
        "history_row_id": item["history_row_id"], "ip_address": item["ip_address"],
        "platform": common.platform_display(item["platform"]), "player": item["player"],
        "rating_key": item["rating_key"], "media_type": item["media_type"], "thumb": _thumb(item),
        "parent_title": item["parent_title"], "year": item["year"], "media_index": item["media_index"],
        "parent_media_index": item["parent_media_index"], "live": item["live"],
        "originally_available_at": item["originally_available_at"], "guid": item["guid"],
        "transcode_decision": item["transcode_decision"], "do_notify": item["do_notify"],
        "keep_history": item["keep_history"], "allow_guest": item["allow_guest"], "is_active": item["is_active"],
    }


def unique_ip_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """One row of a user's unique IP table."""
    return {
        "history_row_id": item["history_row_id"], "last_seen": item["last_seen"], "first_seen": item["first_seen"],
        "ip_address": item["ip_address"], "play_count": item["play_count"],
        "platform": common.platform_display(item["platform"]), "player": item["player"],
        "last_played": item["last_played"], "rating_key": item["rating_key"], "thumb": _thumb(item),
        "media_type": item["media_type"], "parent_title": item["parent_title"], "year": item["year"],
        "media_index": item["media_index"], "parent_media_index": item["parent_media_index"], "live": item["live"],
        "originally_available_at": item["originally_available_at"], "guid": item["guid"],
        "transcode_decision": item["transcode_decision"], "friendly_name": item["friendly_name"],
        "user_id": item["custom_user_id"],
    }


def datatables_result(page: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Tautulli's DataTables answer, with guest names applied."""
    return {
        "recordsFiltered": page.filtered_count,
        "recordsTotal": page.total_count,
        "data": context.friendly_name_to_username(rows),
        "draw": page.draw,
    }


def default_details() -> dict[str, Any]:
    """The built-in Local user that ``get_details`` falls back to."""
    return {
        "row_id": 0, "user_id": 0, "username": "Local", "friendly_name": "Local",
        "user_thumb": common.DEFAULT_USER_THUMB, "email": "", "is_active": 1, "is_admin": "", "is_home_user": 0,
        "is_allow_sync": 0, "is_restricted": 0, "do_notify": 0, "keep_history": 1, "allow_guest": 0,
        "deleted_user": 0, "shared_libraries": (), "last_seen": None,
    }


def _shared(value: Any) -> tuple[str, ...]:
    return tuple(value.split(";")) if value else ()


def user_details(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """``get_user_details``: the last matching row as Tautulli's dict, or ``{}``."""
    details: dict[str, Any] = {}
    guest_name = context.get_session_user() if context.get_session_user_id() else None
    for item in rows:
        if context.get_session_user_id():
            friendly_name = guest_name
        elif item["friendly_name"]:
            friendly_name = item["friendly_name"]
        else:
            friendly_name = item["username"]
        details = {
            "row_id": item["row_id"], "user_id": item["user_id"], "username": item["username"],
            "friendly_name": friendly_name, "user_thumb": _user_thumb(item), "email": item["email"],
            "is_active": item["is_active"], "is_admin": item["is_admin"], "is_home_user": item["is_home_user"],
            "is_allow_sync": item["is_allow_sync"], "is_restricted": item["is_restricted"],
            "do_notify": item["do_notify"], "keep_history": item["keep_history"],
            "deleted_user": item["deleted_user"], "allow_guest": item["allow_guest"],
            "shared_libraries": _shared(item["shared_libraries"]), "last_seen": item["last_seen"],
        }
    return details


def query_days(value: Any) -> list[int]:
    """The day windows of a watch-time query (Tautulli's default 1, 7, 30 and all time)."""
    if value:
        out = []
        for part in str(value).split(","):
            try:
                out.append(int(part))
            except ValueError:
                out.append(0)
        return out
    return [1, 7, 30, 0]


def watch_time_stat(days: int, item: Mapping[str, Any]) -> dict[str, Any]:
    """One window of watch-time stats (no time watched counts as no plays)."""
    if item["total_time"]:
        return {"query_days": days, "total_time": item["total_time"], "total_plays": item["total_plays"]}
    return {"query_days": days, "total_time": 0, "total_plays": 0}


def player_stat(index: int, item: Mapping[str, Any]) -> dict[str, Any]:
    """One player of ``get_player_stats``."""
    platform = common.platform_display(item["platform"])
    return {
        "player_name": item["player"],
        "platform": platform,
        "platform_name": common.platform_icon(platform),  # type: ignore[arg-type]
        "total_plays": item["total_plays"],
        "total_time": item["total_time"],
        "result_id": index,
    }


def recent_limit(limit: Any) -> str:
    """Tautulli's limit rule: a digit string, else ``'10'`` (a non-string raises, as in Tautulli)."""
    return limit if limit.isdigit() else "10"


def recently_watched_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One item of ``get_recently_watched``."""
    return {
        "row_id": row["id"], "media_type": row["media_type"], "rating_key": row["rating_key"],
        "parent_rating_key": row["parent_rating_key"], "grandparent_rating_key": row["grandparent_rating_key"],
        "title": row["title"], "parent_title": row["parent_title"], "grandparent_title": row["grandparent_title"],
        "original_title": row["original_title"], "thumb": _thumb(row), "media_index": row["media_index"],
        "parent_media_index": row["parent_media_index"], "year": row["year"],
        "originally_available_at": row["originally_available_at"], "live": row["live"], "guid": row["guid"],
        "time": row["started"], "user": row["user"],
    }


def user_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """One user of ``get_users``."""
    return {
        "row_id": item["row_id"], "user_id": item["user_id"], "username": item["username"],
        "friendly_name": item["friendly_name"] or item["username"],
        "thumb": item["custom_avatar_url"] or item["thumb"], "email": item["email"],
        "is_active": item["is_active"], "is_admin": item["is_admin"], "is_home_user": item["is_home_user"],
        "is_allow_sync": item["is_allow_sync"], "is_restricted": item["is_restricted"],
        "do_notify": item["do_notify"], "keep_history": item["keep_history"], "allow_guest": item["allow_guest"],
        "shared_libraries": _shared(item["shared_libraries"]), "filter_all": item["filter_all"],
        "filter_movies": item["filter_movies"], "filter_tv": item["filter_tv"],
        "filter_music": item["filter_music"], "filter_photos": item["filter_photos"],
    }


def default_tokens() -> dict[str, Any]:
    """``get_tokens`` when the user is unknown."""
    return {"allow_guest": 0, "user_token": "", "server_token": ""}


def config_values(username: Any, friendly_name: Any, custom_thumb: Any, do_notify: Any, keep_history: Any,
                  allow_guest: Any) -> dict[str, Any]:
    """The columns ``set_config`` stores (a friendly name equal to the user name becomes NULL)."""
    return {
        "friendly_name": None if username == friendly_name else friendly_name,
        "custom_avatar_url": custom_thumb, "do_notify": do_notify, "keep_history": keep_history,
        "allow_guest": allow_guest,
    }


def row_ids(value: Any) -> list[int]:
    """Comma-separated row ids as ints; a non-numeric id becomes 0 (Tautulli's cast)."""
    out = []
    for part in str(value).split(","):
        try:
            out.append(int(part))
        except ValueError:
            out.append(0)
    return out


def chunks(ids: list[int], size: int = 999) -> list[list[int]]:
    """Id lists no longer than SQLite's historical variable limit."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


#: The three history tables a purge empties, in Tautulli's order.
HISTORY_TABLES = ("session_history", "session_history_media_info", "session_history_metadata")


def filters(row: Mapping[str, Any]) -> dict[str, Any]:
    """Parse each ``filter_*`` column (``contentRating=…|label=…``) into content ratings and labels."""
    parsed: dict[str, Any] = {}
    for key, value in row.items():
        found: dict[str, Any] = {}
        for part in value.split("|"):
            if "contentRating=" in part or "label=" in part:
                found.update(dict(parse_qsl(part)))
        found["content_rating"] = tuple(f for f in found.pop("contentRating", "").split(",") if f)
        found["labels"] = tuple(f for f in found.pop("label", "").split(",") if f)
        parsed[key] = found
    return parsed
