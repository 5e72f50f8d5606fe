"""Sessions: add the columns of PlexPy v1.1 ... Tautulli v2.14.

Tautulli equivalent: the 35 ``sessions`` blocks of v2.17.2's ``dbcheck()``, in its order: each
probes one column and, when it is missing, appends its columns with ``ADD COLUMN``. The columns
arrived from PlexPy v1.1.0 (``buffer_count``) to Tautulli v2.14.0-beta (``channel_id``).

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from alembic import op
from plexpy.db.dbcheck_ops import Block, add_missing_columns, integer, text

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

BLOCKS = (
    Block("started", (integer("started"), integer("paused_counter", "0"), text("state"), text("user"),
                      text("machine_id"))),
    Block("title", (text("title"), text("parent_title"), text("grandparent_title"), text("friendly_name"),
                    text("player"), integer("user_id"))),
    Block("ip_address", (
        text("ip_address"), text("platform"), integer("parent_rating_key"), integer("grandparent_rating_key"),
        integer("view_offset", "0"), integer("duration"), text("video_decision"), text("audio_decision"),
        integer("width"), integer("height"), text("container"), text("video_codec"), text("audio_codec"),
        integer("bitrate"), text("video_resolution"), text("video_framerate"), text("aspect_ratio"),
        integer("audio_channels"), text("transcode_protocol"), text("transcode_container"),
        text("transcode_video_codec"), text("transcode_audio_codec"), integer("transcode_audio_channels"),
        integer("transcode_width"), integer("transcode_height"),
    )),
    Block("buffer_count", (integer("buffer_count", "0"), integer("buffer_last_triggered"))),  # v1.1.0
    Block("last_paused", (integer("last_paused"),)),  # v1.2.0
    Block("section_id", (integer("section_id"),)),  # v1.3.0
    Block("stopped", (integer("stopped"),)),  # v1.3.10
    Block("transcode_key", (text("transcode_key"),)),  # v1.3.15
    Block("write_attempts", (integer("write_attempts", "0"),)),  # v1.4.0
    Block("transcode_decision", (  # v1.4.9
        text("transcode_decision"), text("full_title"), integer("media_index"), integer("parent_media_index"),
        text("thumb"), text("parent_thumb"), text("grandparent_thumb"), integer("year"),
    )),
    Block("raw_stream_info", (  # v2.0.0-beta
        text("product"), integer("optimized_version"), text("optimized_version_profile"), integer("synced_version"),
        integer("video_bitrate"), integer("video_width"), integer("video_height"), integer("audio_bitrate"),
        text("subtitle_codec"), integer("stream_bitrate"), text("stream_video_resolution"), text("quality_profile"),
        text("stream_container_decision"), text("stream_container"), text("stream_video_decision"),
        text("stream_video_codec"), integer("stream_video_bitrate"), integer("stream_video_width"),
        integer("stream_video_height"), text("stream_video_framerate"), text("stream_audio_decision"),
        text("stream_audio_codec"), integer("stream_audio_bitrate"), integer("stream_audio_channels"),
        integer("subtitles"), text("stream_subtitle_decision"), text("stream_subtitle_codec"),
        text("raw_stream_info"),
    )),
    Block("video_height", (integer("video_height"),)),  # v2.0.1-beta
    Block("subtitles", (integer("subtitles"),)),  # v2.0.2-beta
    Block("synced_version_profile", (text("synced_version_profile"), text("optimized_version_title"))),
    Block("transcode_hw_decoding", (integer("transcode_hw_decoding"), integer("transcode_hw_encoding"))),  # v2.0.8
    Block("watched", (integer("watched", "0"),)),  # v2.1.0-beta
    Block("live", (integer("live"), text("live_uuid"))),  # v2.1.10-beta
    Block("session_id", (text("session_id"),)),  # v2.1.12
    Block("original_title", (text("original_title"),)),  # v2.1.10-beta
    Block("secure", (integer("secure"), integer("relayed"))),  # v2.1.30-beta
    Block("rating_key_websocket", (text("rating_key_websocket"),)),  # v2.1.30-beta
    Block("video_scan_type", (text("video_scan_type"), text("video_full_resolution"),  # v2.1.36-beta
                              text("stream_video_scan_type"), text("stream_video_full_resolution"))),
    Block("video_dynamic_range", (text("video_dynamic_range"), text("stream_video_dynamic_range"))),  # v2.1.43
    Block("channel_identifier", (text("channel_call_sign"), text("channel_identifier"), text("channel_thumb"))),
    Block("originally_available_at", (text("originally_available_at"), integer("added_at"))),  # v2.2.0-beta
    Block("guid", (text("guid"),)),  # v2.2.0-beta
    Block("bandwidth", (integer("bandwidth"), text("location"))),  # v2.2.3-beta
    Block("initial_stream", (integer("initial_stream", "1"),)),  # v2.2.3-beta
    Block("audio_language", (text("audio_language"), text("audio_language_code"),  # v2.6.7
                             text("stream_audio_language"), text("stream_audio_language_code"))),
    Block("subtitle_language", (text("subtitle_language"), text("stream_subtitle_language"))),  # v2.11.0
    Block("subtitle_forced", (integer("subtitle_forced"), integer("stream_subtitle_forced"))),  # v2.11.0
    Block("intro", (integer("intro", "0"), integer("credits", "0"))),  # v2.12.0-beta
    Block("commercial", (integer("commercial", "0"),)),  # v2.12.0-beta
    Block("marker", (integer("marker", "0"),)),  # v2.12.0-beta
    Block("channel_id", (text("channel_id"), text("channel_title"), text("channel_vcn"))),  # v2.14.0-beta
)


def upgrade() -> None:
    """Upgrade schema."""
    add_missing_columns(op, "sessions", BLOCKS)


def downgrade() -> None:
    """Downgrade schema: refused (Tautulli never removes these columns)."""
    raise NotImplementedError("Tautulli has no downgrade; sessions columns are never removed")
