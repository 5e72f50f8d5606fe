"""Pure rules both activity twins follow when they write: the rows a write stores and the decisions it takes.

Kept from Tautulli v2.17.2: ``write_session`` stores the session's fields with empty-string defaults and is
keyed by ``(session_key, rating_key)`` (its INSERT lists both key columns twice, with equal values: trap 8);
``set_session_state`` is keyed by ``session_key`` alone (an unknown key inserts a partial row: trap 11);
``write_session_history`` reloads the raw stream info, decides whether the play is logged (media type, ignore
interval, skipped tracks, users and libraries with history off) and writes three rows sharing the new
``session_history`` id; ``group_history`` points ``reference_id`` at the previous segment of a resumed play.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from plexpy import context
from plexpy.db.errors import TautulliDBError

__all__ = [
    "HISTORY_TABLES",
    "SESSION_COLUMNS",
    "HistoryPlan",
    "check_watched",
    "digit_key",
    "group_reference",
    "history_metadata",
    "history_row",
    "live_window_start",
    "marker_values",
    "media_info_row",
    "metadata_row",
    "paused_values",
    "plan_history",
    "session_keys",
    "session_values",
    "state_values",
]

#: The three history tables of one play, in the order Tautulli writes them.
HISTORY_TABLES: Final = ("session_history", "session_history_media_info", "session_history_metadata")

#: Every column of ``sessions`` (a column a caller names outside this list is refused, as SQLite would).
SESSION_COLUMNS: Final = frozenset({
    "id", "session_key", "session_id", "transcode_key", "rating_key", "section_id", "media_type", "started",
    "stopped", "paused_counter", "state", "user_id", "user", "friendly_name", "ip_address", "machine_id",
    "bandwidth", "location", "player", "product", "platform", "title", "parent_title", "grandparent_title",
    "original_title", "full_title", "media_index", "parent_media_index", "thumb", "parent_thumb",
    "grandparent_thumb", "year", "parent_rating_key", "grandparent_rating_key", "originally_available_at",
    "added_at", "guid", "view_offset", "duration", "video_decision", "audio_decision", "transcode_decision",
    "container", "bitrate", "width", "height", "video_codec", "video_bitrate", "video_resolution", "video_width",
    "video_height", "video_framerate", "video_scan_type", "video_full_resolution", "video_dynamic_range",
    "aspect_ratio", "audio_codec", "audio_bitrate", "audio_channels", "audio_language", "audio_language_code",
    "subtitle_codec", "subtitle_forced", "subtitle_language", "stream_bitrate", "stream_video_resolution",
    "quality_profile", "stream_container_decision", "stream_container", "stream_video_decision",
    "stream_video_codec", "stream_video_bitrate", "stream_video_width", "stream_video_height",
    "stream_video_framerate", "stream_video_scan_type", "stream_video_full_resolution",
    "stream_video_dynamic_range", "stream_audio_decision", "stream_audio_codec", "stream_audio_bitrate",
    "stream_audio_channels", "stream_audio_language", "stream_audio_language_code", "subtitles",
    "stream_subtitle_decision", "stream_subtitle_codec", "stream_subtitle_forced", "stream_subtitle_language",
    "transcode_protocol", "transcode_container", "transcode_video_codec", "transcode_audio_codec",
    "transcode_audio_channels", "transcode_width", "transcode_height", "transcode_hw_decoding",
    "transcode_hw_encoding", "optimized_version", "optimized_version_profile", "optimized_version_title",
    "synced_version", "synced_version_profile", "live", "live_uuid", "channel_call_sign", "channel_id",
    "channel_identifier", "channel_title", "channel_thumb", "channel_vcn", "secure", "relayed", "buffer_count",
    "buffer_last_triggered", "last_paused", "watched", "intro", "credits", "commercial", "marker", "initial_stream",
    "write_attempts", "raw_stream_info", "rating_key_websocket",
})

#: ``write_session``: column → (session field, default), in Tautulli's order (``stopped`` and the raw info last).
_SESSION_FIELDS: Final = (
    *((name, (name, "")) for name in (
        "session_key", "session_id", "transcode_key", "section_id", "rating_key", "media_type", "state", "user_id",
        "user", "machine_id", "title", "parent_title", "grandparent_title", "original_title", "full_title",
        "media_index", "parent_media_index", "thumb", "parent_thumb", "grandparent_thumb", "year", "friendly_name",
        "ip_address")),
    ("bandwidth", ("bandwidth", 0)),
    *((name, (name, "")) for name in (
        "location", "player", "product", "platform", "parent_rating_key", "grandparent_rating_key",
        "originally_available_at", "added_at", "guid", "view_offset")),
    ("duration", ("duration", "")),
    *((name, (name, "")) for name in (
        "video_decision", "audio_decision", "transcode_decision", "width", "height", "container", "bitrate",
        "video_codec", "video_bitrate", "video_width", "video_height", "video_resolution", "video_framerate",
        "video_scan_type", "video_full_resolution", "video_dynamic_range", "aspect_ratio", "audio_codec",
        "audio_bitrate", "audio_channels", "audio_language", "audio_language_code", "subtitle_codec",
        "subtitle_forced", "subtitle_language", "transcode_protocol", "transcode_container",
        "transcode_video_codec", "transcode_audio_codec", "transcode_audio_channels")),
    ("transcode_width", ("stream_video_width", "")),
    ("transcode_height", ("stream_video_height", "")),
    *((name, (name, "")) for name in (
        "transcode_hw_decoding", "transcode_hw_encoding", "synced_version", "synced_version_profile",
        "optimized_version", "optimized_version_profile", "optimized_version_title", "stream_bitrate",
        "stream_video_resolution", "quality_profile", "stream_container_decision", "stream_container",
        "stream_video_decision", "stream_video_codec", "stream_video_bitrate", "stream_video_width",
        "stream_video_height", "stream_video_framerate", "stream_video_scan_type", "stream_video_full_resolution",
        "stream_video_dynamic_range", "stream_audio_decision", "stream_audio_codec", "stream_audio_bitrate",
        "stream_audio_channels", "stream_audio_language", "stream_audio_language_code",
        "stream_subtitle_decision", "stream_subtitle_codec", "stream_subtitle_forced",
        "stream_subtitle_language")),
    ("subtitles", ("subtitles", 0)),
    ("live", ("live", 0)),
    ("live_uuid", ("live_uuid", "")),
    ("secure", ("secure", None)),
    ("relayed", ("relayed", 0)),
    ("rating_key_websocket", ("rating_key_websocket", "")),
    *((name, (name, "")) for name in (
        "channel_call_sign", "channel_id", "channel_identifier", "channel_title", "channel_thumb", "channel_vcn")),
)

_HISTORY_FIELDS: Final = (
    "rating_key", "parent_rating_key", "grandparent_rating_key", "media_type", "user_id", "user", "ip_address",
    "paused_counter", "player", "product", "product_version", "platform", "platform_version", "profile",
    "machine_id", "bandwidth", "location", "quality_profile", "view_offset",
)

_MEDIA_INFO_FIELDS: Final = (
    "rating_key", "video_decision", "audio_decision", "transcode_decision", "duration", "container", "bitrate",
    "width", "height", "video_bit_depth", "video_bitrate", "video_codec", "video_codec_level", "video_width",
    "video_height", "video_resolution", "video_framerate", "video_scan_type", "video_full_resolution",
    "video_dynamic_range", "aspect_ratio", "audio_codec", "audio_bitrate", "audio_channels", "audio_language",
    "audio_language_code", "subtitle_codec", "subtitle_forced", "subtitle_language", "transcode_protocol",
    "transcode_container", "transcode_video_codec", "transcode_audio_codec", "transcode_audio_channels",
    "transcode_width", "transcode_height", "transcode_hw_requested", "transcode_hw_full_pipeline",
    "transcode_hw_decoding", "transcode_hw_decode", "transcode_hw_decode_title", "transcode_hw_encoding",
    "transcode_hw_encode", "transcode_hw_encode_title", "stream_container", "stream_container_decision",
    "stream_bitrate", "stream_video_decision", "stream_video_bitrate", "stream_video_codec",
    "stream_video_codec_level", "stream_video_bit_depth", "stream_video_height", "stream_video_width",
    "stream_video_resolution", "stream_video_framerate", "stream_video_scan_type", "stream_video_full_resolution",
    "stream_video_dynamic_range", "stream_audio_decision", "stream_audio_codec", "stream_audio_bitrate",
    "stream_audio_channels", "stream_audio_language", "stream_audio_language_code", "stream_subtitle_decision",
    "stream_subtitle_codec", "stream_subtitle_container", "stream_subtitle_forced", "stream_subtitle_language",
    "subtitles", "synced_version", "synced_version_profile", "optimized_version", "optimized_version_profile",
    "optimized_version_title",
)

_SESSION_TITLES: Final = ("rating_key", "parent_rating_key", "grandparent_rating_key", "title", "parent_title",
                          "grandparent_title", "original_title", "full_title")
_METADATA_FIELDS: Final = ("media_index", "parent_media_index", "thumb", "parent_thumb", "grandparent_thumb", "art")
_METADATA_DATES: Final = ("year", "originally_available_at", "added_at", "updated_at", "last_viewed_at",
                          "content_rating", "summary", "tagline", "rating", "duration", "guid")
_CHANNELS: Final = ("channel_call_sign", "channel_id", "channel_identifier", "channel_title", "channel_thumb",
                    "channel_vcn")
_LOGGED_TYPES: Final = ("movie", "episode", "track")
_RAW_KEPT: Final = ("id", "session_key", "stopped", "view_offset")


def digit_key(value: Any) -> bool:
    """Tautulli's guard on session keys, ids and row ids: ``str(value).isdigit()``."""
    return str(value).isdigit()


def cast_to_int(value: Any) -> int:
    """Tautulli's ``cast_to_int``: ``int(value)``, or 0."""
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


# -- the live sessions table ----------------------------------------------------------------------------------
def session_keys(session: Mapping[str, Any]) -> dict[str, Any]:
    """The key ``write_session`` updates by: ``(session_key, rating_key)``."""
    return {"session_key": session.get("session_key", ""), "rating_key": session.get("rating_key", "")}


def session_values(session: Mapping[str, Any], now: int) -> dict[str, Any]:
    """The ``sessions`` row ``write_session`` stores (raw stream info as Tautulli's JSON, ``stopped`` = now)."""
    values = {column: session.get(field, default) for column, (field, default) in _SESSION_FIELDS}
    values["duration"] = values["duration"] or 0
    values["raw_stream_info"] = json.dumps(session)
    values["stopped"] = now
    return values


def state_values(state: Any, extra: Mapping[str, Any]) -> dict[str, Any]:
    """``set_session_state``'s values: ``state`` when given, then the other columns as named.

    Raises:
        TautulliDBError: nothing to set, or a column ``sessions`` does not have (SQLite's refusal).
    """
    values: dict[str, Any] = {}
    if state:
        values["state"] = state
    values.update(extra)
    if not values:
        raise TautulliDBError("set_session_state: no column to set", op="activity.set_session_state")
    unknown = sorted(set(values) - SESSION_COLUMNS)
    if unknown:
        raise TautulliDBError(f"set_session_state: no such column: {unknown[0]}", op="activity.set_session_state")
    return values


def paused_values(rows: Iterable[Mapping[str, Any]], timestamp: Any, now: int) -> dict[str, Any]:
    """``last_paused`` = ``timestamp``; on resume, the pause length added to ``paused_counter`` (last row wins)."""
    paused_counter = None
    for row in rows:
        if row["last_paused"]:
            offset = now - int(row["last_paused"])
            paused_counter = int(row["paused_counter"]) + int(offset) if row["paused_counter"] else int(offset)
    values: dict[str, Any] = {"last_paused": timestamp}
    if paused_counter:
        values["paused_counter"] = paused_counter
    return values


def marker_values(marker_type: Any) -> tuple[int, int, int]:
    """``(intro, commercial, credits)`` flags of a marker type."""
    return int(marker_type == "intro"), int(marker_type == "commercial"), int(marker_type == "credits")


def next_write_attempts(session: Mapping[str, Any] | None) -> Any:
    """The session's ``write_attempts`` plus one (Tautulli's errors for a missing row or a NULL count)."""
    if not session:
        raise TypeError("'NoneType' object is not subscriptable")
    return session["write_attempts"] + 1


# -- writing a play to history --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class HistoryPlan:
    """What ``write_session_history`` does with one session, decided before any write."""

    session: defaultdict[str, Any]
    stopped: int
    stamp_stopped: bool
    logged_type: bool
    logging_enabled: bool


def merged_session(session: Mapping[str, Any]) -> defaultdict[str, Any]:
    """The session with its raw stream info reloaded over it (id, key, stop and offset kept); missing keys ``''``."""
    merged = dict(session)
    if merged.get("raw_stream_info"):
        raw = json.loads(merged["raw_stream_info"])
        for key in _RAW_KEPT:
            raw.pop(key, None)
        merged.update(raw)
    return defaultdict(str, merged)


def plan_history(session: Mapping[str, Any], is_import: Any, import_ignore_interval: Any,
                 user_details: Mapping[str, Any] | None, library_details: Mapping[str, Any] | None,
                 now: int) -> HistoryPlan:
    """Decide the stop time and whether the play is logged (Tautulli's rules, in its order)."""
    merged = merged_session(session)
    stamp = False
    if is_import:
        stopped = int(merged["stopped"]) if str(merged["stopped"]).isdigit() else now
    elif merged["stopped"]:
        stopped = int(merged["stopped"])
    else:
        stopped, stamp = now, True
    logged_type = str(merged["rating_key"]).isdigit() and merged["media_type"] in _LOGGED_TYPES
    enabled = logged_type
    if logged_type:
        played = stopped - cast_to_int(merged["started"]) - cast_to_int(merged["paused_counter"])
        video = merged["media_type"] in ("movie", "episode")
        if not is_import:
            interval = context.config("LOGGING_IGNORE_INTERVAL")
            if interval and video and played < int(interval):
                enabled = False
        if not is_import and merged["media_type"] == "track":
            if played < 15 and cast_to_int(merged["duration"]) >= 30:
                enabled = False
        elif is_import and import_ignore_interval and video and played < int(import_ignore_interval):
            enabled = False
        if not is_import and not (user_details["keep_history"] and library_details["keep_history"]):  # type: ignore[index]
            enabled = False
    return HistoryPlan(merged, stopped, stamp, logged_type, enabled)


def history_metadata(session: Mapping[str, Any], is_import: Any, import_metadata: Any,
                     metadata: Any) -> tuple[Any, Mapping[str, Any]] | None:
    """``(metadata, media_info)`` to write with; None when Plex gave nothing for a recorded item (answer False)."""
    if is_import:
        return import_metadata, session
    if session["live"] and not metadata:
        return session, {}
    if not metadata:
        return None
    medias = metadata.get("media_info") if "media_info" in metadata else None
    return metadata, (medias[0] if medias else {})


def history_row(session: Mapping[str, Any], stopped: int, metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The ``session_history`` row of a play."""
    row = {"started": session["started"], "stopped": stopped}
    row.update({name: session[name] for name in _HISTORY_FIELDS})
    row.update(section_id=metadata["section_id"], secure=session["secure"], relayed=session["relayed"])
    return row


def media_info_row(session: Mapping[str, Any]) -> dict[str, Any]:
    """The ``session_history_media_info`` row of a play."""
    return {name: session[name] for name in _MEDIA_INFO_FIELDS}


def first_final_marker(markers: Iterable[Mapping[str, Any]]) -> tuple[Any, Any]:
    """The first and the final credits markers of an item (None when absent)."""
    first = final = None
    for marker in markers:
        if marker["first"]:
            first = marker
        if marker["final"]:
            final = marker
    return first, final


def metadata_row(session: Mapping[str, Any], metadata: Mapping[str, Any],
                 media_info: Mapping[str, Any]) -> dict[str, Any]:
    """The ``session_history_metadata`` row of a play (titles from the session, the rest from Plex)."""
    credits_first = credits_final = None
    for marker in metadata["markers"]:
        if marker["first"]:
            credits_first = marker["start_time_offset"]
        if marker["final"]:
            credits_final = marker["start_time_offset"]
    row = {name: session[name] for name in _SESSION_TITLES}
    row.update({name: metadata[name] for name in _METADATA_FIELDS})
    row["media_type"] = session["media_type"]
    row.update({name: metadata[name] for name in _METADATA_DATES})
    row.update(directors=";".join(metadata["directors"]), writers=";".join(metadata["writers"]),
               actors=";".join(metadata["actors"]), genres=";".join(metadata["genres"]),
               studio=metadata["studio"], labels=";".join(metadata["labels"]), live=session["live"])
    row.update({name: media_info.get(name, session.get(name, "")) for name in _CHANNELS})
    row.update(marker_credits_first=credits_first, marker_credits_final=credits_final)
    return row


# -- grouping resumed plays -----------------------------------------------------------------------------------
def live_window_start(now: int) -> str:
    """SQLite's ``datetime('now', '-1 day')``: UTC text, compared with the local start time (trap 4)."""
    return datetime.fromtimestamp(now - 86400, UTC).strftime("%Y-%m-%d %H:%M:%S")


def check_watched(media_type: Any, view_offset: Any, duration: Any, marker_credits_first: Any = None,
                  marker_credits_final: Any = None) -> bool:
    """Whether a play counts as watched: its offset passed the media type's threshold or the credits marker."""
    if isinstance(marker_credits_first, dict):
        marker_credits_first = marker_credits_first["start_time_offset"]
    if isinstance(marker_credits_final, dict):
        marker_credits_final = marker_credits_final["start_time_offset"]
    offset = cast_to_int(view_offset)
    length = cast_to_int(duration)
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


def group_reference(session: Mapping[str, Any], last_id: Any, rows: list[Mapping[str, Any]],
                    metadata: Mapping[str, Any] | None) -> tuple[Any, Any]:
    """``(reference_id, id)`` that ``group_history`` stores.

    A live play continues the user's previous play of the last day with the same guid; any other play continues
    the user's previous segment of the same item when that one was not watched and the new one got further.
    ``rows`` are the live query's one row, or the item's last two segments, newest first.
    """
    if session["live"]:
        if rows:
            guid = metadata["guid"] if metadata else session["guid"]
            if rows[0]["guid"] == guid:
                return rows[0]["reference_id"], last_id
        return last_id, last_id
    if len(rows) > 1:
        new, prev = rows[0], rows[1]
        if metadata:
            first, final = first_final_marker(metadata["markers"])
        else:
            first, final = session["marker_credits_first"], session["marker_credits_final"]
        watched = check_watched(session["media_type"], cast_to_int(prev["view_offset"]), session["duration"],
                                first, final)
        if watched is False and cast_to_int(prev["view_offset"]) <= cast_to_int(new["view_offset"]):
            return prev["reference_id"], new["id"]
    return last_id, last_id
