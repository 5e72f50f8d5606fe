"""Indexes: the 22 indexes of v2.17.2, after the lookup caches lose their duplicates.

Tautulli equivalent: the end of v2.17.2's ``dbcheck()``: it deletes cached image hashes of remote
(``http``) images and keeps the lowest id per key in the six lookup caches (both also run on every
start, :mod:`plexpy.db.repairs`), which lets the unique indexes be created, then creates every index
that is missing (``CREATE INDEX IF NOT EXISTS``: an existing index of the same name stays as it is).
The indexes were added from PlexPy v1.x (history) to v2.2.3-beta (``idx_sessions_continued``).

Revision ID: 0015
Revises: 0014
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from typing import Final

from alembic import op
from plexpy.db import repairs

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | None = None
depends_on: str | None = None

#: (name, table, columns, unique), in the order dbcheck() creates them.
INDEXES: Final = (
    ("idx_session_history_media_type", "session_history", ("media_type",), False),
    ("idx_session_history_media_type_stopped", "session_history", ("media_type", "stopped"), False),
    ("idx_session_history_rating_key", "session_history", ("rating_key",), False),
    ("idx_session_history_parent_rating_key", "session_history", ("parent_rating_key",), False),
    ("idx_session_history_grandparent_rating_key", "session_history", ("grandparent_rating_key",), False),
    ("idx_session_history_user", "session_history", ("user",), False),
    ("idx_session_history_user_id", "session_history", ("user_id",), False),
    ("idx_session_history_user_id_stopped", "session_history", ("user_id", "stopped"), False),
    ("idx_session_history_section_id", "session_history", ("section_id",), False),
    ("idx_session_history_section_id_stopped", "session_history", ("section_id", "stopped"), False),
    ("idx_session_history_reference_id", "session_history", ("reference_id",), False),
    ("idx_session_history_metadata_rating_key", "session_history_metadata", ("rating_key",), False),
    ("idx_session_history_metadata_guid", "session_history_metadata", ("guid",), False),
    ("idx_session_history_metadata_live", "session_history_metadata", ("live",), False),
    ("idx_session_history_media_info_transcode_decision", "session_history_media_info", ("transcode_decision",),
     False),
    ("idx_tvmaze_lookup", "tvmaze_lookup", ("rating_key",), True),
    ("idx_themoviedb_lookup", "themoviedb_lookup", ("rating_key",), True),
    ("idx_musicbrainz_lookup", "musicbrainz_lookup", ("rating_key",), True),
    ("idx_image_hash_lookup", "image_hash_lookup", ("img_hash",), True),
    ("idx_cloudinary_lookup", "cloudinary_lookup", ("img_hash",), True),
    ("idx_imgur_lookup", "imgur_lookup", ("img_hash",), True),
    ("idx_sessions_continued", "sessions_continued", ("user_id", "machine_id", "media_type"), True),
)


def upgrade() -> None:
    """Upgrade schema."""
    conn = op.get_bind()
    repairs.delete_remote_image_hashes(conn)
    repairs.dedupe_lookups(conn)
    for name, table, columns, unique in INDEXES:
        op.create_index(name, table, list(columns), unique=unique, if_not_exists=True)


def downgrade() -> None:
    """Downgrade schema: refused."""
    raise NotImplementedError("Tautulli has no downgrade; its indexes are never dropped")
