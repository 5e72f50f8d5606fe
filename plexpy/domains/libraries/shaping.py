"""Pure functions both libraries twins call: argument rules, row → Tautulli dict, defaults.

Everything that is not data access lives here once, so the shim compares queries and the oracle judges this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from plexpy import common, context, session_rules

__all__ = [
    "DATATABLES_EMPTY",
    "GUEST_COLUMNS",
    "LIST_ALIASES",
    "datatables_result",
    "default_details",
    "digit_id",
    "grouping",
    "library_details",
    "list_row",
    "media_group_column",
    "query_days",
    "recent_limit",
    "recently_watched_row",
    "section_row",
    "user_stat",
    "watch_time_stat",
]

#: Output columns of the libraries table query, in Tautulli's order (also the DataTables whitelist).
LIST_ALIASES: tuple[str, ...] = (
    "row_id", "server_id", "section_id", "section_name", "section_type", "count", "parent_count", "child_count",
    "library_thumb", "custom_thumb", "library_art", "custom_art", "plays", "duration", "last_accessed",
    "history_row_id", "last_played", "rating_key", "media_type", "thumb", "parent_thumb", "grandparent_thumb",
    "parent_title", "year", "media_index", "parent_media_index", "content_rating", "labels", "live", "added_at",
    "originally_available_at", "guid", "do_notify", "do_notify_created", "keep_history", "is_active",
)

#: The ``users`` columns a twin reads for the calling guest (see :func:`plexpy.session_rules.guest_scope`).
GUEST_COLUMNS: tuple[str, ...] = ("shared_libraries", *session_rules.FILTER_COLUMNS)

DATATABLES_EMPTY: dict[str, Any] = {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": []}


def grouping(value: Any) -> Any:
    """``grouping`` or, when None, the GROUP_HISTORY_TABLES setting."""
    return context.config("GROUP_HISTORY_TABLES") if value is None else value


def digit_id(value: Any) -> int | None:
    """``value`` as an int when ``str(value).isdigit()`` (Tautulli's test), else None."""
    text = str(value)
    return int(text) if text.isdigit() else None


def query_days(value: Any) -> list[int]:
    """The day windows of a watch-time query (Tautulli's default 1, 7, 30 and all time)."""
    if not value:
        return [1, 7, 30, 0]
    days = []
    for part in str(value).split(","):
        try:
            days.append(int(part))
        except ValueError:
            days.append(0)
    return days


def recent_limit(limit: Any) -> str:
    """Tautulli's limit rule: a digit string, else ``'10'`` (a non-string raises, as in Tautulli)."""
    return limit if limit.isdigit() else "10"


def media_group_column(section_type: Any) -> str:
    """Which rating key a library's items are counted by: the show/artist, the season/album, or the item."""
    if section_type in ("show", "artist"):
        return "grandparent_rating_key"
    if section_type in ("season", "album"):
        return "parent_rating_key"
    return "rating_key"


def default_details() -> dict[str, Any]:
    """The built-in 'Local' library that ``get_details`` falls back to."""
    return {
        "row_id": 0, "server_id": "", "section_id": 0, "section_name": "Local", "section_type": "",
        "library_thumb": common.DEFAULT_COVER_THUMB, "library_art": "", "count": 0, "parent_count": 0,
        "child_count": 0, "is_active": 1, "do_notify": 0, "do_notify_created": 0, "keep_history": 1,
        "deleted_section": 0, "last_accessed": None,
    }


def _library_thumb(item: Mapping[str, Any]) -> Any:
    if item["custom_thumb"] and item["custom_thumb"] != item["library_thumb"]:
        return item["custom_thumb"]
    return item["library_thumb"] or common.DEFAULT_COVER_THUMB


def _library_art(item: Mapping[str, Any]) -> Any:
    if item["custom_art"] and item["custom_art"] != item["library_art"]:
        return item["custom_art"]
    return item["library_art"]


def _item_thumb(item: Mapping[str, Any]) -> Any:
    if item["media_type"] == "episode" and item["parent_thumb"]:
        return item["parent_thumb"]
    if item["media_type"] == "episode":
        return item["grandparent_thumb"]
    return item["thumb"]


def _labels(value: Any) -> Any:
    return value.split(";") if value else ()


def list_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """One row of the libraries table."""
    return {
        "row_id": item["row_id"], "server_id": item["server_id"], "section_id": item["section_id"],
        "section_name": item["section_name"], "section_type": item["section_type"], "count": item["count"],
        "parent_count": item["parent_count"], "child_count": item["child_count"],
        "library_thumb": _library_thumb(item), "library_art": _library_art(item), "plays": item["plays"],
        "duration": item["duration"], "last_accessed": item["last_accessed"],
        "history_row_id": item["history_row_id"], "last_played": item["last_played"],
        "rating_key": item["rating_key"], "media_type": item["media_type"], "thumb": _item_thumb(item),
        "parent_title": item["parent_title"], "year": item["year"], "media_index": item["media_index"],
        "parent_media_index": item["parent_media_index"], "content_rating": item["content_rating"],
        "labels": _labels(item["labels"]), "live": item["live"],
        "originally_available_at": item["originally_available_at"], "guid": item["guid"],
        "do_notify": item["do_notify"], "do_notify_created": item["do_notify_created"],
        "keep_history": item["keep_history"], "is_active": item["is_active"],
    }


def datatables_result(page: Any, rows: list[dict[str, Any]],
                      guest: session_rules.GuestScope | None) -> dict[str, Any]:
    """Tautulli's DataTables answer for the libraries table, masked for a guest."""
    return {
        "recordsFiltered": page.filtered_count,
        "recordsTotal": page.total_count,
        "data": session_rules.mask_session_info(rows, guest),
        "draw": page.draw,
    }


def library_details(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A library's details from its rows (the last one wins, as in Tautulli), or ``{}``."""
    details: dict[str, Any] = {}
    for item in rows:
        details = {
            "row_id": item["row_id"], "server_id": item["server_id"], "section_id": item["section_id"],
            "section_name": item["section_name"], "section_type": item["section_type"],
            "library_thumb": _library_thumb(item), "library_art": _library_art(item), "count": item["count"],
            "parent_count": item["parent_count"], "child_count": item["child_count"],
            "is_active": item["is_active"], "do_notify": item["do_notify"],
            "do_notify_created": item["do_notify_created"], "keep_history": item["keep_history"],
            "deleted_section": item["deleted_section"], "last_accessed": item["last_accessed"],
        }
    return details


def watch_time_stat(days: int, item: Mapping[str, Any]) -> dict[str, Any]:
    """One window of watch-time stats (no time watched counts as no plays)."""
    if item["total_time"]:
        return {"query_days": days, "total_time": item["total_time"], "total_plays": item["total_plays"]}
    return {"query_days": days, "total_time": 0, "total_plays": 0}


def user_stat(item: Mapping[str, Any]) -> dict[str, Any]:
    """One user of a library's ``get_user_stats``."""
    if item["custom_thumb"] and item["custom_thumb"] != item["thumb"]:
        user_thumb = item["custom_thumb"]
    else:
        user_thumb = item["thumb"] or common.DEFAULT_USER_THUMB
    return {
        "friendly_name": item["friendly_name"], "user_id": item["user_id"], "user_thumb": user_thumb,
        "username": item["username"], "total_plays": item["total_plays"], "total_time": item["total_time"],
    }


def recently_watched_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One item of a library's ``get_recently_watched``."""
    return {
        "row_id": row["id"], "media_type": row["media_type"], "rating_key": row["rating_key"],
        "parent_rating_key": row["parent_rating_key"], "grandparent_rating_key": row["grandparent_rating_key"],
        "title": row["title"], "parent_title": row["parent_title"], "grandparent_title": row["grandparent_title"],
        "original_title": row["original_title"], "thumb": _item_thumb(row), "media_index": row["media_index"],
        "parent_media_index": row["parent_media_index"], "year": row["year"],
        "originally_available_at": row["originally_available_at"], "live": row["live"], "guid": row["guid"],
        "time": row["started"], "user": row["user"], "section_id": row["section_id"],
        "content_rating": row["content_rating"], "labels": _labels(row["labels"]),
    }


def section_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """One library of ``get_sections``."""
    return {"section_id": item["section_id"], "section_name": item["section_name"],
            "section_type": item["section_type"], "agent": item["agent"]}
