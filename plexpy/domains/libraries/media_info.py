"""The part of ``get_datatables_media_info`` that is not the database: items, cache, search, sort and page.

Tautulli lists a library's items from Plex (or from its JSON cache in ``CACHE_DIR``), then adds play counts
from the database and searches, sorts and pages the list in Python. Both twins read the play counts their own
way and hand them to :func:`datatable`, which does the rest once.

Within one routed call (:func:`call_scope`, opened by the facade) the item list is fetched and cached once and
shared by both paths, so a shadowed call neither asks Plex twice nor lets the first path's cache file change
what the second path reports as ``last_refreshed``.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import json
import os
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import structlog

from plexpy import context
from plexpy.domains.libraries.plex_items import library_children

__all__ = ["MEDIA_INFO_EMPTY", "call_scope", "datatable", "invalid_request", "media_info_empty"]

log = structlog.get_logger(__name__)

MEDIA_INFO_EMPTY: dict[str, Any] = {
    "recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": [], "filtered_file_size": 0,
    "total_file_size": 0, "last_refreshed": None,
}

_NUMERIC_SORT_KEYS = ("file_size", "bitrate", "added_at", "last_played", "play_count")

_scope: contextvars.ContextVar[tuple[threading.Lock, dict[Any, Any]] | None] = contextvars.ContextVar(
    "libraries_media_info_scope", default=None
)


@contextlib.contextmanager
def call_scope() -> Iterator[None]:
    """Share the item list between the two paths of one routed call."""
    token = _scope.set((threading.Lock(), {}))
    try:
        yield
    finally:
        _scope.reset(token)


def media_info_empty() -> dict[str, Any]:
    """The answer when the library cannot be listed."""
    return dict(MEDIA_INFO_EMPTY, data=[])


def invalid_request(section_id: Any, rating_key: Any) -> bool:
    """Tautulli's argument checks: digit ids only, and at least one of them."""
    if section_id and not str(section_id).isdigit():
        return True
    if rating_key and not str(rating_key).isdigit():
        return True
    return not section_id and not rating_key


def _cast_to_int(value: Any) -> int:
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


def _cache_path(section_id: Any, rating_key: Any) -> str:
    name = f"media_info_{section_id}-{rating_key}.json" if rating_key else f"media_info_{section_id}.json"
    return os.path.join(context.config("CACHE_DIR"), name)


def _load_cache(section_id: Any, rating_key: Any) -> tuple[Any, list[dict[str, Any]], int]:
    """``(last_refreshed, rows, count)`` from the JSON cache, or ``(None, [], 0)`` without one."""
    if not rating_key and not section_id:
        return None, [], 0
    try:
        with open(_cache_path(section_id, rating_key), encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError:
        return None, [], 0
    if isinstance(data, dict):
        return data["last_refreshed"], data["rows"], len(data["rows"])
    return None, data, len(data)


def _save_cache(section_id: Any, rating_key: Any, rows: list[dict[str, Any]]) -> None:
    if not rating_key and not section_id:
        return
    try:
        with open(_cache_path(section_id, rating_key), "w", encoding="utf-8") as handle:
            json.dump({"last_refreshed": context.now(), "rows": rows}, handle)
    except OSError:
        log.debug("libraries.media_info_cache_not_saved", section_id=section_id)


def _row(details: Mapping[str, Any], item: Mapping[str, Any], cached_sizes: Mapping[Any, Any]) -> dict[str, Any]:
    file_size = cached_sizes.get(item["rating_key"]) or item.get("file_size", "")
    return {
        "section_id": details["section_id"], "section_type": details["section_type"],
        "added_at": item["added_at"], "media_type": item["media_type"], "rating_key": item["rating_key"],
        "parent_rating_key": item["parent_rating_key"], "grandparent_rating_key": item["grandparent_rating_key"],
        "title": item["title"], "sort_title": item["sort_title"] or item["title"], "year": item["year"],
        "media_index": item["media_index"], "parent_media_index": item["parent_media_index"],
        "thumb": item["thumb"], "container": item.get("container", ""), "bitrate": item.get("bitrate", ""),
        "video_codec": item.get("video_codec", ""), "video_resolution": item.get("video_resolution", ""),
        "video_framerate": item.get("video_framerate", ""), "audio_codec": item.get("audio_codec", ""),
        "audio_channels": item.get("audio_channels", ""), "file_size": file_size,
    }


def _items(details: Mapping[str, Any], section_id: Any, section_type: Any, rating_key: Any,
           refresh: Any) -> tuple[Any, list[dict[str, Any]], Any] | None:
    """``(last_refreshed, rows, count)`` from the cache or Plex (refreshing the cache), or None."""
    cache_time, rows, library_count = _load_cache(section_id, rating_key)
    cached_sizes = {d["rating_key"]: d["file_size"] for d in rows} if not refresh else {}
    if refresh or not rows:
        if rating_key:
            children = library_children(rating_key=rating_key, section_id=section_id, section_type=section_type,
                                        get_media_info=True)
        else:
            children = library_children(section_id=section_id, section_type=section_type, get_media_info=True)
        if not children:
            log.warning("libraries.media_info_unlisted", section_id=section_id, rating_key=rating_key)
            return None
        library_count = children["library_count"]  # type: ignore[call-overload]
        rows = [_row(details, item, cached_sizes) for item in children["children_list"]]  # type: ignore[call-overload]
        if not rows:
            return None
        _save_cache(section_id, rating_key, rows)
    return cache_time, rows, library_count


def _shared_items(details: Mapping[str, Any], section_id: Any, section_type: Any, rating_key: Any,
                  refresh: Any) -> tuple[Any, list[dict[str, Any]], Any] | None:
    scope = _scope.get()
    if scope is None:
        return _items(details, section_id, section_type, rating_key, refresh)
    lock, memo = scope
    key = (repr(section_id), repr(rating_key), repr(section_type), bool(refresh), repr(details.get("section_id")),
           repr(details.get("section_type")))
    with lock:
        if key not in memo:
            memo[key] = _items(details, section_id, section_type, rating_key, refresh)
        return copy.deepcopy(memo[key])


def _search(rows: list[dict[str, Any]], json_data: Mapping[str, Any]) -> list[dict[str, Any]]:
    search_value = json_data["search"]["value"].lower()
    if not search_value:
        return rows
    searchable = [d["data"] for d in json_data["columns"] if d["searchable"]] + ["title"]
    found = []
    for row in rows:
        for key, value in row.items():
            if key in searchable and search_value in value.lower():
                found.append(row)
                break
    return found


def _sort(rows: list[dict[str, Any]], json_data: Mapping[str, Any], rating_key: Any) -> list[dict[str, Any]]:
    rows = sorted(rows, key=lambda r: r["sort_title"].lower())
    for order in reversed(json_data["order"]):
        sort_key = json_data["columns"][int(order["column"])]["data"]
        reverse = order["dir"] == "desc"
        if rating_key and sort_key == "sort_title":
            rows = sorted(rows, key=lambda r: _cast_to_int(r["media_index"]), reverse=reverse)
        elif sort_key in _NUMERIC_SORT_KEYS:
            rows = sorted(rows, key=lambda r, k=sort_key: _cast_to_int(r[k]), reverse=reverse)
        elif sort_key == "video_resolution":
            rows = sorted(rows, key=lambda r: _cast_to_int(r["video_resolution"].replace("4k", "2160p").rstrip("p")),
                          reverse=reverse)
        else:
            rows = sorted(rows, key=lambda r, k=sort_key: r[k].lower(), reverse=reverse)
    return rows


def datatable(details: Mapping[str, Any], watched: Mapping[str, Mapping[str, Any]], *, section_id: Any,
              section_type: Any, rating_key: Any, refresh: Any, kwargs: Any) -> dict[str, Any]:
    """The media info table: items with their play counts, searched, sorted and paged as Tautulli does.

    Args:
        details: the library's details (its ``section_id`` and ``section_type`` go into every row).
        watched: ``{rating key as text: {'last_played', 'play_count'}}`` from the database.
        section_id: the library asked for.
        section_type: the type its items are listed as.
        rating_key: an item whose children to list instead.
        refresh: list from Plex even when a cache exists.
        kwargs: the DataTables request (``json_data``).
    """
    listed = _shared_items(details, section_id, section_type, rating_key, refresh)
    if listed is None:
        return media_info_empty()
    cache_time, rows, library_count = listed
    for item in rows:
        seen = watched.get(item["rating_key"])
        item["last_played"] = seen["last_played"] if seen else None
        item["play_count"] = seen["play_count"] if seen else None
    if not kwargs.get("json_data"):
        raise UnboundLocalError("cannot access local variable 'json_data' where it is not associated with a value")
    json_data = json.loads(kwargs["json_data"])
    results = _search(rows, json_data)
    filtered_count = len(results)
    results = _sort(results, json_data, rating_key)
    total_file_size = sum(_cast_to_int(d["file_size"]) for d in results)
    page = results[json_data["start"]:json_data["start"] + json_data["length"]]
    return {
        "recordsFiltered": filtered_count,
        "recordsTotal": int(library_count),
        "data": page,
        "draw": int(json_data["draw"]),
        "filtered_file_size": sum(_cast_to_int(d["file_size"]) for d in page),
        "total_file_size": total_file_size,
        "last_refreshed": cache_time,
    }
