"""Pure rules of the activity reads both twins call: defaults, the initial-stream test, stream details."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from plexpy import context

__all__ = [
    "STREAM_COLUMNS",
    "STREAM_FIELDS",
    "digit_key",
    "initial_stream",
    "session_row",
    "stream_details",
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

#: Every ``sessions`` column the stream details read (the fields plus the pre-Tautulli fallbacks).
STREAM_COLUMNS: tuple[str, ...] = (
    *STREAM_FIELDS, "transcode_decision", "width", "height", "transcode_container", "transcode_video_codec",
    "transcode_audio_codec", "transcode_audio_channels", "transcode_width", "transcode_height",
)


def digit_key(value: Any) -> bool:
    """Tautulli's guard on session keys and user ids: ``str(value).isdigit()``."""
    return str(value).isdigit()


def session_row(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first row of a lookup, or None."""
    return rows[0] if rows else None


def initial_stream(started: Any, last_session: Mapping[str, Any]) -> int:
    """1 when ``started`` is at least the continued-session threshold after the device's last stop, else 0."""
    return int(started - last_session.get("stopped", 0) >= context.config("NOTIFY_CONTINUED_SESSION_THRESHOLD"))


def stream_details(rows: Iterable[Mapping[str, Any]], current_session: bool) -> dict[str, Any]:
    """The last row's stream details, every falsy value as ``''`` (``{}`` without rows).

    Rows without ``stream_container`` (written before Tautulli recorded stream columns) fall back on the source
    and transcode columns and are flagged ``pre_tautulli``.
    """
    output: dict[str, Any] = {}
    for source in rows:
        item = dict(source)
        pre_tautulli = 0
        if not item["stream_container"]:
            item.update({
                "stream_video_full_resolution": item["video_full_resolution"],
                "stream_container": item["transcode_container"] or item["container"],
                "stream_video_decision": item["video_decision"],
                "stream_video_codec": item["transcode_video_codec"] or item["video_codec"],
                "stream_video_width": item["transcode_width"] or item["width"],
                "stream_video_height": item["transcode_height"] or item["height"],
                "stream_audio_decision": item["audio_decision"],
                "stream_audio_codec": item["transcode_audio_codec"] or item["audio_codec"],
                "stream_audio_channels": item["transcode_audio_channels"] or item["audio_channels"],
                "video_width": item["width"], "video_height": item["height"],
            })
            pre_tautulli = 1
        output = {key: item[key] for key in STREAM_FIELDS}
        output["current_session"] = 1 if current_session else 0
        output["pre_tautulli"] = pre_tautulli
    return {key: value or "" for key, value in output.items()}
