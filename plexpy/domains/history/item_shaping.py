"""Pure rules of the history domain's item reads: stream and metadata details, search, key trees, stats.

Both twins call these after their query, so the shim compares queries and the oracle judges these rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from plexpy import common
from plexpy.domains.history.shaping import number

__all__ = [
    "STREAM_FIELDS",
    "child_key",
    "grandparent_key",
    "item_keys",
    "match_type",
    "metadata_rows",
    "parent_key",
    "query_days",
    "rating_key_tree",
    "search_query",
    "stream_details",
    "user_stat",
    "watch_time_stat",
]

#: Keys of ``get_stream_details`` read from the row, in Tautulli's order.
STREAM_FIELDS: tuple[str, ...] = (
    "bitrate", "video_full_resolution", "optimized_version", "optimized_version_profile",
    "optimized_version_title", "synced_version", "synced_version_profile", "container", "video_codec",
    "video_bitrate", "video_width", "video_height", "video_framerate", "video_dynamic_range", "aspect_ratio",
    "audio_codec", "audio_bitrate", "audio_channels", "audio_language", "audio_language_code", "subtitle_codec",
    "subtitle_forced", "subtitle_language", "stream_bitrate", "stream_video_full_resolution", "quality_profile",
    "stream_container_decision", "stream_container", "stream_video_decision", "stream_video_codec",
    "stream_video_bitrate", "stream_video_width", "stream_video_height", "stream_video_framerate",
    "stream_video_dynamic_range", "stream_audio_decision", "stream_audio_codec", "stream_audio_bitrate",
    "stream_audio_channels", "stream_audio_language", "stream_audio_language_code", "subtitles",
    "stream_subtitle_decision", "stream_subtitle_codec", "stream_subtitle_forced", "stream_subtitle_language",
    "transcode_hw_decoding", "transcode_hw_encoding", "video_decision", "audio_decision", "media_type", "title",
    "grandparent_title", "original_title",
)

#: The extra columns a pre-Tautulli row falls back on.
STREAM_SOURCE_FIELDS: tuple[str, ...] = (
    "transcode_decision", "width", "height", "transcode_container", "transcode_video_codec",
    "transcode_audio_codec", "transcode_audio_channels", "transcode_width", "transcode_height",
)


def stream_details(rows: Iterable[Mapping[str, Any]], current_session: bool) -> dict[str, Any]:
    """The last row's stream details, every falsy value as ``''`` (``{}`` without rows).

    Rows written before Tautulli recorded stream columns (no ``stream_container``) fall back on the source
    and transcode columns and are flagged ``pre_tautulli``.
    """
    output: dict[str, Any] = {}
    for source in rows:
        item = dict(source)
        pre_tautulli = 0
        if not item["stream_container"]:
            item["stream_video_full_resolution"] = item["video_full_resolution"]
            item["stream_container"] = item["transcode_container"] or item["container"]
            item["stream_video_decision"] = item["video_decision"]
            item["stream_video_codec"] = item["transcode_video_codec"] or item["video_codec"]
            item["stream_video_width"] = item["transcode_width"] or item["width"]
            item["stream_video_height"] = item["transcode_height"] or item["height"]
            item["stream_audio_decision"] = item["audio_decision"]
            item["stream_audio_codec"] = item["transcode_audio_codec"] or item["audio_codec"]
            item["stream_audio_channels"] = item["transcode_audio_channels"] or item["audio_channels"]
            item["video_width"] = item["width"]
            item["video_height"] = item["height"]
            pre_tautulli = 1
        output = {key: item[key] for key in STREAM_FIELDS}
        output["current_session"] = 1 if current_session else 0
        output["pre_tautulli"] = pre_tautulli
    return {key: value or "" for key, value in output.items()}


def _split_list(value: Any) -> list[str]:
    return value.split(";") if value else []


def metadata_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``get_metadata_details`` rows: ``;``-joined lists split, media info nested."""
    output = []
    for item in rows:
        media_info = [{
            key: item[key] for key in (
                "container", "bitrate", "video_codec", "video_resolution", "video_full_resolution",
                "video_framerate", "audio_codec", "audio_channels", "channel_call_sign", "channel_id",
                "channel_identifier", "channel_title", "channel_thumb", "channel_vcn",
            )
        }]
        metadata = {key: item[key] for key in (
            "media_type", "rating_key", "parent_rating_key", "grandparent_rating_key", "grandparent_title",
            "original_title", "parent_media_index", "parent_title", "media_index", "studio", "title", "full_title",
            "content_rating", "summary", "tagline", "rating", "duration", "year", "thumb", "parent_thumb",
            "grandparent_thumb", "art", "originally_available_at", "added_at", "updated_at", "last_viewed_at",
            "guid", "section_id", "live",
        )}
        metadata.update({
            "directors": _split_list(item["directors"]), "writers": _split_list(item["writers"]),
            "actors": _split_list(item["actors"]), "genres": _split_list(item["genres"]),
            "labels": _split_list(item["labels"]), "library_name": item["section_name"], "media_info": media_info,
        })
        output.append(metadata)
    return output


def search_query(rows: Iterable[Mapping[str, Any]], rating_key: Any) -> dict[str, Any] | None:
    """What to search for to find ``rating_key`` (an item, season, album, show or artist), or None."""
    query_string = media_type = None
    item: Mapping[str, Any] = {}
    for item in rows:
        if str(item["rating_key"]) == rating_key:
            query_string, media_type = item["title"], item["media_type"]
        elif str(item["parent_rating_key"]) == rating_key:
            if item["media_type"] == "episode":
                query_string, media_type = item["grandparent_title"], "season"
            elif item["media_type"] == "track":
                query_string, media_type = item["parent_title"], "album"
        elif str(item["grandparent_rating_key"]) == rating_key:
            if item["media_type"] == "episode":
                query_string, media_type = item["grandparent_title"], "show"
            elif item["media_type"] == "track":
                query_string, media_type = item["grandparent_title"], "artist"
    if not (query_string and media_type):
        return None
    return {
        "query_string": query_string, "title": item["title"], "parent_title": item["parent_title"],
        "grandparent_title": item["grandparent_title"], "media_index": item["media_index"],
        "parent_media_index": item["parent_media_index"], "year": item["year"], "media_type": media_type,
        "rating_key": rating_key,
    }


def match_type(media_type: Any) -> str:
    """Music trees are keyed by title, video trees by index."""
    return "title" if media_type in ("artist", "album", "track") else "index"


def child_key(item: Mapping[str, Any]) -> Any:
    """A leaf's key in the rating key tree: its index, else its lower-cased title."""
    return item["media_index"] if item["media_index"] else str(item["title"]).lower()


def parent_key(item: Mapping[str, Any], matching: str) -> Any:
    """A parent's key in the rating key tree."""
    return item["parent_media_index"] if matching == "index" else str(item["parent_title"]).lower()


def grandparent_key(item: Mapping[str, Any], matching: str) -> Any:
    """The root's key in the rating key tree."""
    return 0 if matching == "index" else str(item["grandparent_title"]).lower()


def rating_key_tree(root_key: Any, fetch: Callable[[str, Any], Iterable[Mapping[str, Any]]],
                    matching: str) -> dict[Any, Any]:
    """Tautulli's nested key tree: roots → parents → children, each level one query through ``fetch``.

    ``fetch(level, key)`` returns the rows of ``"grandparent"`` (by grandparent key), ``"parent"`` (parents
    of a grandparent) or ``"child"`` (children of a parent), newest key first. As in Tautulli, a level's key
    and rating key are read from the last row its inner loop saw.
    """
    roots: dict[Any, Any] = {}
    for root in fetch("grandparent", root_key):
        last = root
        parents: dict[Any, Any] = {}
        for parent in fetch("parent", root["grandparent_rating_key"]):
            last = parent
            children: dict[Any, Any] = {}
            for child in fetch("child", parent["parent_rating_key"]):
                last = child
                children[child_key(child)] = {"rating_key": child["rating_key"]}
            parents[parent_key(last, matching)] = {"rating_key": last["parent_rating_key"], "children": children}
        roots[grandparent_key(last, matching)] = {"rating_key": last["grandparent_rating_key"], "children": parents}
    return roots


def item_keys(rating_key: Any, media_type: Any, children: Callable[[Any, Any], list[Any]]) -> list[Any]:
    """The rating keys a per-item stat counts: a collection's or playlist's items (asked of Plex), else the key."""
    if media_type in ("collection", "playlist"):
        return children(rating_key, media_type)
    return [rating_key]


def query_days(value: Any) -> list[int]:
    """The day windows of a watch-time query (Tautulli's default 1, 7, 30 and all time)."""
    if not value:
        return [1, 7, 30, 0]
    days = []
    for part in str(value).split(","):
        try:
            days.append(int(part))
        except (ValueError, TypeError):
            days.append(0)
    return days


def watch_time_stat(days: int, item: Mapping[str, Any]) -> dict[str, Any]:
    """One window of watch-time stats (no time watched counts as no plays)."""
    if item["total_time"]:
        return {"query_days": days, "total_time": number(item["total_time"]),
                "total_plays": number(item["total_plays"])}
    return {"query_days": days, "total_time": 0, "total_plays": 0}


def user_stat(item: Mapping[str, Any]) -> dict[str, Any]:
    """One user of ``get_user_stats``."""
    if item["custom_thumb"] and item["custom_thumb"] != item["thumb"]:
        user_thumb = item["custom_thumb"]
    elif item["thumb"]:
        user_thumb = item["thumb"]
    else:
        user_thumb = common.DEFAULT_USER_THUMB
    return {
        "friendly_name": item["friendly_name"], "user_id": item["user_id"], "user_thumb": user_thumb,
        "username": item["username"], "total_plays": number(item["total_plays"]),
        "total_time": number(item["total_time"]),
    }

