"""Pure rules of the history table both twins call: argument defaults, guest filters, row shaping, durations.

Everything here is Tautulli's behaviour stated once: which config a default comes from, how a guest's id joins
the user filter, how a grouped row becomes the dict the web page shows (thumb, watched status, percent), and
how seconds read as "1 hr 5 mins".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from plexpy import common, context
from plexpy.datatables import DataTablesError, ResolvedRequest, resolve
from plexpy.datatables.custom_where import CustomWhere, parse, with_guest

__all__ = [
    "HISTORY_ALIASES",
    "LIVE_NULL_ALIASES",
    "check_watched",
    "datatables_empty",
    "datatables_result",
    "grouping",
    "history_filters",
    "history_request",
    "history_rows",
    "human_duration",
    "include_activity",
    "live_thumb",
    "number",
    "watched_status",
]

#: Output columns of the history query, in Tautulli's order (also the DataTables whitelist).
HISTORY_ALIASES: tuple[str, ...] = (
    "reference_id", "row_id", "date", "started", "stopped", "play_duration", "paused_counter", "view_offset",
    "user_id", "user", "friendly_name", "user_thumb", "custom_thumb", "platform", "product", "player",
    "ip_address", "machine_id", "location", "secure", "relayed", "media_type", "media_type_live", "rating_key",
    "parent_rating_key", "grandparent_rating_key", "full_title", "title", "parent_title", "grandparent_title",
    "original_title", "year", "media_index", "parent_media_index", "thumb", "parent_thumb", "grandparent_thumb",
    "live", "added_at", "originally_available_at", "guid", "percent_complete", "duration",
    "marker_credits_first", "marker_credits_final", "transcode_decision", "group_count", "group_ids", "state",
    "session_key",
)

#: Columns the live-session half of the table leaves NULL.
LIVE_NULL_ALIASES: frozenset[str] = frozenset({
    "reference_id", "row_id", "user_thumb", "custom_thumb", "marker_credits_first", "marker_credits_final",
    "group_count", "group_ids",
})

_SECOND_FACTORS = (("day", 86400000), ("hr", 3600000), ("min", 60000), ("sec", 1000))


def grouping(value: Any) -> Any:
    """``grouping`` or, when None, the GROUP_HISTORY_TABLES setting."""
    return context.config("GROUP_HISTORY_TABLES") if value is None else value


def include_activity(value: Any) -> Any:
    """``include_activity`` or, when None, the HISTORY_TABLE_ACTIVITY setting."""
    return context.config("HISTORY_TABLE_ACTIVITY") if value is None else value


def datatables_empty() -> dict[str, Any]:
    """Tautulli's answer when the history query fails."""
    return {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": [], "filter_duration": "0",
            "total_duration": "0"}


def history_filters(custom_where: Any) -> list[Any]:
    """The caller's ``custom_where`` (None = none) with a guest's own id added to the user filter (a copy)."""
    return with_guest([] if custom_where is None else custom_where, context.get_session_user_id())


def history_request(kwargs: Mapping[str, Any] | None, custom_where: list[Any]) -> tuple[ResolvedRequest, CustomWhere]:
    """Resolve the DataTables request, then recognise the filters, in Tautulli's order.

    Raises:
        TypeError: ``kwargs`` without ``json_data`` (Tautulli's builder returns None and the caller fails).
        DataTablesError: a request Tautulli's builder fails on (the caller answers the empty table).
        CustomWhereError: a filter outside the recognised vocabulary.
        CustomWhereFailure: a filter whose query would fail (the caller answers the empty table).
    """
    if isinstance(kwargs, Mapping) and not kwargs.get("json_data"):
        raise TypeError("'NoneType' object is not subscriptable")
    if kwargs is None:
        raise DataTablesError("no request parameters")
    request = resolve(kwargs, HISTORY_ALIASES)
    return request, parse(custom_where)


def number(value: Any) -> Any:
    """A database number as Python's own (PostgreSQL sums arrive as ``Decimal``)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _cast_to_int(value: Any) -> int:
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


def human_duration(seconds: Any) -> str:
    """Seconds as Tautulli writes them: ``"1 day 2 hrs 5 mins"``, with seconds below 300000 s; ``"0"`` if none.

    Longer spans are rounded to whole minutes (Python's ``round``), shorter ones to whole seconds.
    """
    seconds = number(seconds)
    if not (isinstance(seconds, int) and not isinstance(seconds, bool) and seconds > 0):
        return "0"
    with_seconds = seconds < 300000
    unit = 1000 if with_seconds else 60000
    remaining = round(seconds * 1000 / unit) * unit
    parts = []
    for name, factor in _SECOND_FACTORS:
        if name == "sec" and not with_seconds:
            break
        count, remaining = divmod(remaining, factor)
        if count > 0:
            parts.append(f"{count} {name}{'s' if count > 1 else ''}")
    return " ".join(parts)


def check_watched(media_type: Any, view_offset: Any, duration: Any, marker_credits_first: Any = None,
                  marker_credits_final: Any = None) -> bool:
    """Whether a play counts as watched: its offset passed the media type's threshold or the credits marker."""
    if isinstance(marker_credits_first, dict):
        marker_credits_first = marker_credits_first["start_time_offset"]
    if isinstance(marker_credits_final, dict):
        marker_credits_final = marker_credits_final["start_time_offset"]
    offset = _cast_to_int(view_offset)
    length = _cast_to_int(duration)
    percents = {
        "movie": context.config("MOVIE_WATCHED_PERCENT"), "episode": context.config("TV_WATCHED_PERCENT"),
        "track": context.config("MUSIC_WATCHED_PERCENT"), "clip": context.config("TV_WATCHED_PERCENT"),
    }
    threshold = percents.get(media_type, 0) / 100 * length
    if not threshold:
        return False
    marker = context.config("WATCHED_MARKER")
    if marker == 1 and marker_credits_final:
        return bool(offset >= marker_credits_final)
    if marker == 2 and marker_credits_first:
        return bool(offset >= marker_credits_first)
    if marker == 3 and marker_credits_first:
        return bool(offset >= min(threshold, marker_credits_first))
    return offset >= threshold


def watched_status(item: Mapping[str, Any]) -> float | int:
    """1, 0.75, 0.5, 0.25 or 0: how much of an item a (grouped) play covered.

    Raises:
        KeyError: a media type Tautulli has no watched percent for (as Tautulli does).
    """
    percents = {
        "movie": context.config("MOVIE_WATCHED_PERCENT"), "episode": context.config("TV_WATCHED_PERCENT"),
        "track": context.config("MUSIC_WATCHED_PERCENT"), "photo": 0, "clip": context.config("TV_WATCHED_PERCENT"),
    }
    quarter = percents[item["media_type"]] / 4.0
    if item["live"] or check_watched(item["media_type"], item["view_offset"], item["duration"],
                                     item["marker_credits_first"], item["marker_credits_final"]):
        return 1
    percent = item["percent_complete"]
    if percent >= quarter * 3.0:
        return 0.75
    if percent >= quarter * 2.0:
        return 0.50
    if percent >= quarter:
        return 0.25
    return 0


def live_thumb(user_row: Mapping[str, Any]) -> Any:
    """The avatar Tautulli shows for a live session's user (custom avatar first)."""
    return user_row["custom_avatar_url"] or user_row["thumb"]


def _thumb(item: Mapping[str, Any]) -> Any:
    if item["media_type"] == "episode" and item["parent_thumb"]:
        return item["parent_thumb"]
    if item["media_type"] == "episode":
        return item["grandparent_thumb"]
    return item["thumb"]


def _user_thumb(item: Mapping[str, Any]) -> Any:
    if item["custom_thumb"] and item["custom_thumb"] != item["user_thumb"]:
        return item["custom_thumb"]
    if item["user_thumb"]:
        return item["user_thumb"]
    return common.DEFAULT_USER_THUMB


def _row(item: dict[str, Any]) -> dict[str, Any]:
    if item["live"]:
        item["percent_complete"] = 100
    item["percent_complete"] = number(item["percent_complete"])
    status = watched_status(item)
    return {
        "reference_id": item["reference_id"], "row_id": item["row_id"], "id": item["row_id"],
        "date": item["date"], "started": item["started"], "stopped": item["stopped"],
        "duration": item["play_duration"], "play_duration": item["play_duration"],
        "paused_counter": item["paused_counter"], "user_id": item["user_id"], "user": item["user"],
        "friendly_name": item["friendly_name"], "user_thumb": _user_thumb(item),
        "platform": common.platform_display(item["platform"]), "product": item["product"],
        "player": item["player"], "ip_address": item["ip_address"], "live": item["live"],
        "machine_id": item["machine_id"], "location": item["location"], "secure": item["secure"],
        "relayed": item["relayed"], "media_type": item["media_type"], "rating_key": item["rating_key"],
        "parent_rating_key": item["parent_rating_key"], "grandparent_rating_key": item["grandparent_rating_key"],
        "full_title": item["full_title"], "title": item["title"], "parent_title": item["parent_title"],
        "grandparent_title": item["grandparent_title"], "original_title": item["original_title"],
        "year": item["year"], "media_index": item["media_index"], "parent_media_index": item["parent_media_index"],
        "thumb": _thumb(item), "originally_available_at": item["originally_available_at"], "guid": item["guid"],
        "transcode_decision": item["transcode_decision"], "percent_complete": round(item["percent_complete"]),
        "watched_status": status, "group_count": item["group_count"], "group_ids": item["group_ids"],
        "state": item["state"], "session_key": item["session_key"],
    }


def history_rows(page_rows: Iterable[Mapping[str, Any]],
                 live_thumbs: Mapping[Any, Any] | None) -> tuple[list[dict[str, Any]], int]:
    """Shape a page of the history query; returns the rows and the page's summed play duration.

    ``live_thumbs`` (user id → avatar) fills in the user thumb of live sessions, which the query leaves NULL.
    """
    rows, filter_duration = [], 0
    for source in page_rows:
        item = {k: number(v) for k, v in source.items()}
        if item["state"]:
            item["user_thumb"] = (live_thumbs or {}).get(item["user_id"])
        filter_duration += _cast_to_int(item["play_duration"])
        rows.append(_row(item))
    return rows, filter_duration


def datatables_result(page: Any, rows: list[dict[str, Any]], filter_duration: int,
                      total_duration: Any) -> dict[str, Any]:
    """Tautulli's history answer, with guest names applied."""
    return {
        "recordsFiltered": page.filtered_count,
        "recordsTotal": page.total_count,
        "data": context.friendly_name_to_username(rows),
        "draw": page.draw,
        "filter_duration": human_duration(filter_duration),
        "total_duration": human_duration(total_duration),
    }
