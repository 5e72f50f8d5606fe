"""PlexWatch and Plexivity plays turned into Tautulli history rows, shared by both twins.

This is what Tautulli's importers hand to ``ActivityProcessor.write_session_history(..., is_import=True)``
and what that method writes for an import: the ``session_history`` values, the ``session_history_media_info``
and ``session_history_metadata`` values (fields nobody gave are ``''``), and the resume grouping of
``group_history``. Where Tautulli v2.17.2 crashes, the evident intent is kept and the difference documented:

* the metadata write and the grouping read ``metadata['markers']``, which an import never has (``KeyError``
  after the first row's history and media info were written): an import has no credits markers;
* Plexivity's metadata has no ``section_id`` (``KeyError`` before anything is written): the play's own
  ``section_id`` (from its XML) is used;
* a Plexivity time that is neither a number nor ISO 8601 text (``arrow`` raises): the play is skipped.

Quirks kept: a Plexivity ``stopped`` always becomes "now" (its timestamp is a float, and only digit strings
count as a stop time); PlexWatch ``rating_key`` values pass through Tautulli's ASCII fold before the digit test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import structlog

from plexpy import context
from plexpy.domains.maintenance.foreign_xml import extract_plexivity_xml, extract_plexwatch_xml, latin_to_ascii

__all__ = ["INVALID", "UNCAUGHT", "Play", "Source", "import_plays", "reference_update"]

log = structlog.get_logger(__name__)

INVALID: Final = "Invalid database specified."
UNCAUGHT: Final = "Uncaught exception."

_HISTORY_FROM_SESSION: Final = (
    "started", "rating_key", "parent_rating_key", "grandparent_rating_key", "media_type", "user_id", "user",
    "ip_address", "paused_counter", "player", "product", "product_version", "platform", "platform_version", "profile",
    "machine_id", "bandwidth", "location", "quality_profile", "view_offset", "secure", "relayed",
)
_MEDIA_INFO: Final = (
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
_METADATA_FROM_SESSION: Final = (
    "rating_key", "parent_rating_key", "grandparent_rating_key", "title", "parent_title", "grandparent_title",
    "original_title", "full_title", "media_type", "live",
)
_METADATA_FROM_ITEM: Final = (
    "media_index", "parent_media_index", "thumb", "parent_thumb", "grandparent_thumb", "art", "year",
    "originally_available_at", "added_at", "updated_at", "last_viewed_at", "content_rating", "summary", "tagline",
    "rating", "duration", "guid", "studio",
)
_JOINED: Final = ("directors", "writers", "actors", "genres", "labels")
_CHANNEL: Final = ("channel_call_sign", "channel_id", "channel_identifier", "channel_title", "channel_thumb",
                   "channel_vcn")
_STREAM_FIELDS: Final = (
    "video_decision", "audio_decision", "transcode_decision", "duration", "width", "height", "container",
    "video_codec", "audio_codec", "bitrate", "video_resolution", "video_framerate", "aspect_ratio", "audio_channels",
    "transcode_protocol", "transcode_container", "transcode_video_codec", "transcode_audio_codec",
    "transcode_audio_channels", "transcode_width", "transcode_height",
)
_ITEM_METADATA: Final = (
    "parent_title", "original_title", "media_index", "parent_media_index", "thumb", "parent_thumb",
    "grandparent_thumb", "art", "media_type", "year", "originally_available_at", "added_at", "updated_at",
    "last_viewed_at", "tagline", "rating", "duration", "guid", "directors", "writers", "actors", "genres", "studio",
    "labels", "width", "height", "container", "video_codec", "audio_codec", "bitrate", "video_resolution",
    "video_framerate", "aspect_ratio", "audio_channels",
)


def _cast_to_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _epoch(value: Any) -> float | None:
    """``arrow.get(value).timestamp()``: numbers are epoch seconds, text is ISO 8601 (UTC unless it says)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


@dataclass(frozen=True, slots=True)
class Source:
    """One foreign application: how its rows and XML become Tautulli's two import dictionaries."""

    name: str
    extract: Callable[[Any], dict[str, Any] | None]
    plexivity: bool


PLEXWATCH: Final = Source("plexwatch", extract_plexwatch_xml, plexivity=False)
PLEXIVITY: Final = Source("plexivity", extract_plexivity_xml, plexivity=True)


def _import_dicts(source: Source, row: Mapping[str, Any], xml: Mapping[str, Any],
                  user_id: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The importer's ``session_history`` and ``session_history_metadata`` dictionaries (None: skip the row)."""
    session: dict[str, Any] = {
        "title": row["title"], "grandparent_title": row["grandparent_title"], "full_title": row["full_title"],
        "user_id": user_id, "user": row["user"], "ip_address": row["ip_address"] or xml["ip_address"],
        "paused_counter": row["paused_counter"], "player": row["player"], "platform": xml["platform"],
        "machine_id": xml["machine_id"], "media_type": xml["media_type"], "view_offset": xml["view_offset"],
        "section_id": xml["section_id"], "parent_title": xml["parent_title"], "original_title": xml["original_title"],
        **{key: xml[key] for key in _STREAM_FIELDS},
    }
    keys = ("rating_key", "parent_rating_key", "grandparent_rating_key")
    if source.plexivity:
        started, stopped = _epoch(row["started"]), _epoch(row["stopped"])
        if started is None or stopped is None:
            log.warning("maintenance.foreign_row_skipped", reason="unreadable time", row_id=row.get("id"))
            return None
        session.update(started=started, stopped=stopped, **{key: xml[key] for key in keys})
        metadata_keys = {key: xml[key] for key in keys}
    else:
        session.update(started=row["started"], stopped=row["stopped"], **{key: row[key] for key in keys})
        metadata_keys = {"rating_key": latin_to_ascii(row["rating_key"]),
                         "parent_rating_key": row["parent_rating_key"],
                         "grandparent_rating_key": row["grandparent_rating_key"]}
    metadata = {**metadata_keys, "title": row["title"], "grandparent_title": row["grandparent_title"],
                "full_title": row["full_title"], "content_rating": row["content_rating"], "summary": row["summary"],
                **{key: xml[key] for key in _ITEM_METADATA}}
    if not source.plexivity:
        metadata["section_id"] = xml["section_id"]
    return session, metadata


@dataclass(frozen=True, slots=True)
class Play:
    """One imported play: the three tables' values and what its resume grouping compares."""

    history: dict[str, Any]
    media_info: dict[str, Any]
    metadata: dict[str, Any]
    user_id: Any
    rating_key: Any
    media_type: Any
    duration: Any


def _play(session: dict[str, Any], metadata: Mapping[str, Any], interval: Any) -> Play | None:
    """``write_session_history`` for an import: the values to write, or None when the play is not logged."""
    section_id = metadata.get("section_id", session["section_id"])
    stored = {key: session.get(key, "") for key in {*session, *_HISTORY_FROM_SESSION, *_MEDIA_INFO, "live"}}
    stopped = int(stored["stopped"]) if str(stored["stopped"]).isdigit() else context.now()
    media_type = stored["media_type"]
    if not (str(stored["rating_key"]).isdigit() and media_type in ("movie", "episode", "track")):
        return None
    played = stopped - _cast_to_int(stored["started"]) - _cast_to_int(stored["paused_counter"])
    if interval and media_type in ("movie", "episode") and played < int(interval):
        return None
    history = {key: stored[key] for key in _HISTORY_FROM_SESSION}
    history.update(stopped=stopped, section_id=section_id)
    media_info = {key: stored[key] for key in _MEDIA_INFO}
    details = {key: stored[key] for key in _METADATA_FROM_SESSION}
    details.update({key: metadata[key] for key in _METADATA_FROM_ITEM})
    details.update({key: ";".join(metadata[key]) for key in _JOINED})
    details.update(dict.fromkeys(_CHANNEL, ""), marker_credits_first=None, marker_credits_final=None)
    return Play(history=history, media_info=media_info, metadata=details, user_id=stored["user_id"],
                rating_key=stored["rating_key"], media_type=media_type, duration=stored["duration"])


def _watched(media_type: Any, view_offset: Any, duration: Any) -> bool:
    """Tautulli's ``check_watched`` without credits markers: the view offset reached the type's percentage."""
    percent = {"movie": context.config("MOVIE_WATCHED_PERCENT"), "episode": context.config("TV_WATCHED_PERCENT"),
               "track": context.config("MUSIC_WATCHED_PERCENT"), "clip": context.config("TV_WATCHED_PERCENT")}
    threshold = percent.get(media_type, 0) / 100 * _cast_to_int(duration)
    if not threshold:
        return False
    return _cast_to_int(view_offset) >= threshold


def reference_update(last_id: int, recent: list[Mapping[str, Any]], play: Play) -> tuple[Any, Any]:
    """``group_history``: ``(reference_id, id)`` to store, from the user's last two rows of the item (newest first).

    A resumed play (the previous row not watched and not further along) joins the previous row's group.
    """
    if len(recent) > 1:
        new, prev = recent[0], recent[1]
        new_offset, prev_offset = _cast_to_int(new["view_offset"]), _cast_to_int(prev["view_offset"])
        if _watched(play.media_type, prev_offset, play.duration) is False and prev_offset <= new_offset:
            return prev["reference_id"], new["id"]
    return last_id, last_id


def import_plays(source: Source, rows: Iterable[Mapping[str, Any]], interval: Any,
                 user_id_of: Callable[[Any], Any], write: Callable[[Play], None]) -> int:
    """Turn each foreign row into a play and ``write`` it, as Tautulli's importer loop does; returns plays written."""
    written = 0
    for row in rows:
        xml = source.extract(row["xml"])
        if not xml:
            log.error("maintenance.foreign_row_skipped", reason="malformed xml")
            continue
        if not source.plexivity and not row["rating_key"]:
            log.error("maintenance.foreign_row_skipped", reason="null ratingKey")
            continue
        user_id = user_id_of(row["user"]) or xml["user_id"]
        dicts = _import_dicts(source, row, xml, user_id)
        if dicts is None:
            continue
        session, metadata = dicts
        if not str(metadata["rating_key"]).isdigit():
            log.debug("maintenance.foreign_row_skipped", reason="bad rating_key")
            continue
        play = _play(session, metadata, interval)
        if play is not None:
            write(play)
            written += 1
    return written
