"""Stream details: add the media info columns of PlexPy v1.3 ... Tautulli v2.11, deriving old values.

Tautulli equivalent: the ``session_history_media_info`` blocks of v2.17.2's ``dbcheck()``, with the
data each one derives when it adds its columns: ``transcode_decision`` from the video/audio
decisions (PlexPy v1.3.10); old resolutions such as ``1080p``/``SD`` rewritten to ``1080``/``sd``
(v2.0.0-beta); empty subtitle codecs (v2.0.8-beta); scan type and full resolution (v2.1.36-beta).
``subtitle_forced`` added here is ``INTEGER`` (a fresh v2.17.2 database declares it untyped).
(The NULL-codec and HDR-to-SDR rewrites that sit between these blocks run on every start:
:mod:`plexpy.db.repairs`.)

Revision ID: 0004
Revises: 0003
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from alembic import op
from plexpy.db.dbcheck_ops import Block, add_missing_columns, integer, text

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_media_info = sa.table(
    "session_history_media_info",
    *(sa.column(c) for c in (
        "video_decision", "audio_decision", "transcode_decision", "video_resolution", "stream_video_resolution",
        "subtitle_codec", "video_scan_type", "stream_video_scan_type", "video_full_resolution",
        "stream_video_full_resolution",
    )),
)


def derive_transcode_decision(conn: Connection) -> None:
    """The stream's decision: transcode if either side transcodes, else copy, else direct play."""
    video, audio = _media_info.c.video_decision, _media_info.c.audio_decision
    decision = sa.case(
        (sa.or_(video == "transcode", audio == "transcode"), "transcode"),
        (sa.or_(video == "copy", audio == "copy"), "copy"),
        (sa.or_(video == "direct play", audio == "direct play"), "direct play"),
    )
    conn.execute(sa.update(_media_info).values(transcode_decision=decision))


def strip_resolution_suffix(conn: Connection) -> None:
    """Store resolutions without the ``p`` suffix and ``SD`` in lower case."""
    res = _media_info.c.video_resolution
    conn.execute(sa.update(_media_info).values(video_resolution=sa.func.replace(res, "p", "")))
    conn.execute(sa.update(_media_info).values(video_resolution=sa.func.replace(res, "SD", "sd")))


def blank_subtitle_codec(conn: Connection) -> None:
    """Replace a missing subtitle codec with an empty string."""
    codec = _media_info.c.subtitle_codec
    conn.execute(sa.update(_media_info).where(codec.is_(None)).values(subtitle_codec=""))


def _full_resolution(resolution: sa.ColumnElement[object]) -> sa.ColumnElement[object]:
    return sa.case(
        (sa.or_(resolution == "", resolution == "SD", resolution == "4k"), resolution),
        (resolution == "sd", "SD"),
        else_=resolution.concat("p"),
    )


def derive_scan_type(conn: Connection) -> None:
    """Mark known resolutions progressive and derive the full resolution names (``1080p``, ``SD``)."""
    res, stream_res = _media_info.c.video_resolution, _media_info.c.stream_video_resolution
    conn.execute(sa.update(_media_info).where(res != "").values(video_scan_type="progressive"))
    conn.execute(
        sa.update(_media_info)
        .where(stream_res != "", stream_res.is_not(None))
        .values(stream_video_scan_type="progressive")
    )
    conn.execute(sa.update(_media_info).values(video_full_resolution=_full_resolution(res)))
    conn.execute(sa.update(_media_info).values(stream_video_full_resolution=_full_resolution(stream_res)))


BLOCKS = (
    Block("transcode_decision", (text("transcode_decision"),), then=derive_transcode_decision),
    Block("subtitles", (  # v2.0.0-beta
        integer("video_bit_depth"), integer("video_bitrate"), text("video_codec_level"), integer("video_width"),
        integer("video_height"), integer("audio_bitrate"), integer("transcode_hw_requested"),
        integer("transcode_hw_full_pipeline"), text("transcode_hw_decode"), text("transcode_hw_encode"),
        text("transcode_hw_decode_title"), text("transcode_hw_encode_title"), text("stream_container"),
        text("stream_container_decision"), integer("stream_bitrate"), text("stream_video_decision"),
        integer("stream_video_bitrate"), text("stream_video_codec"), text("stream_video_codec_level"),
        integer("stream_video_bit_depth"), integer("stream_video_height"), integer("stream_video_width"),
        text("stream_video_resolution"), text("stream_video_framerate"), text("stream_audio_decision"),
        text("stream_audio_codec"), integer("stream_audio_bitrate"), integer("stream_audio_channels"),
        text("stream_subtitle_decision"), text("stream_subtitle_codec"), text("stream_subtitle_container"),
        integer("stream_subtitle_forced"), integer("subtitles"), integer("synced_version"),
        integer("optimized_version"), text("optimized_version_profile"),
    ), then=strip_resolution_suffix),
    Block("subtitle_codec", (text("subtitle_codec"),)),  # v2.0.2-beta
    Block("synced_version_profile", (text("synced_version_profile"), text("optimized_version_title"))),
    Block("transcode_hw_decoding", (integer("transcode_hw_decoding"), integer("transcode_hw_encoding")),
          then=blank_subtitle_codec),  # v2.0.8-beta
    Block("video_scan_type", (text("video_scan_type"), text("video_full_resolution"),  # v2.1.36-beta
                              text("stream_video_scan_type"), text("stream_video_full_resolution")),
          then=derive_scan_type),
    Block("video_dynamic_range", (text("video_dynamic_range"), text("stream_video_dynamic_range"))),  # v2.1.43
    Block("audio_language", (text("audio_language"), text("audio_language_code"),  # v2.6.7
                             text("stream_audio_language"), text("stream_audio_language_code"))),
    Block("subtitle_language", (text("subtitle_language"), text("stream_subtitle_language"))),  # v2.11.0
    Block("subtitle_forced", (integer("subtitle_forced"),)),  # v2.11.0
)


def upgrade() -> None:
    """Upgrade schema."""
    add_missing_columns(op, "session_history_media_info", BLOCKS)


def downgrade() -> None:
    """Downgrade schema: refused (the derived values replace the originals)."""
    raise NotImplementedError("Tautulli has no downgrade; the old resolution values are rewritten in place")
