"""Item metadata: add its columns, move section_id to session_history, then re-add what the move drops.

Tautulli equivalent: the ``session_history_metadata`` blocks of v2.17.2's ``dbcheck()`` and its
``session_history.section_id`` block (Tautulli v2.7.0-beta moved ``section_id`` from the metadata
table to the history table): the column is added to ``session_history`` and filled from the
metadata row of the same id, then the metadata table is rebuilt through a temporary table with the
37 columns that block names, dropping ``section_id`` and, for a database older than v2.7.0, also
``marker_credits_first``/``_final`` and ``channel_id``/``_title``/``_vcn``, which the same run had just
added. Tautulli adds those five back, empty and at the end, on its next start; this revision does
that second start at once (the steady state), by running the column blocks again.

Revision ID: 0005
Revises: 0004
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op
from plexpy.db.dbcheck_ops import Block, Col, add_missing_columns, has_column, integer, rebuild, text

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

BLOCKS = (
    Block("full_title", (text("full_title"),)),
    Block("tagline", (text("tagline"),)),  # PlexPy v1.1.7
    Block("labels", (text("labels"),)),  # v1.4.0
    Block("original_title", (text("original_title"),)),  # v2.1.10-beta
    Block("live", (integer("live", "0"), text("channel_call_sign"), text("channel_identifier"),  # v2.2.0-beta
                   text("channel_thumb"))),
    Block("marker_credits_first", (integer("marker_credits_first", "NULL"),  # v2.12.0-beta
                                   integer("marker_credits_final", "NULL"))),
    Block("channel_id", (text("channel_id"), text("channel_title"), text("channel_vcn"))),  # v2.14.0-beta
)

#: The metadata table as the section_id move rebuilds it (no section_id, no marker/channel ids).
MOVED_METADATA = (
    Col("id", "INTEGER", primary_key=True), integer("rating_key"), integer("parent_rating_key"),
    integer("grandparent_rating_key"), text("title"), text("parent_title"), text("grandparent_title"),
    text("original_title"), text("full_title"), integer("media_index"), integer("parent_media_index"),
    text("thumb"), text("parent_thumb"), text("grandparent_thumb"), text("art"), text("media_type"),
    integer("year"), text("originally_available_at"), integer("added_at"), integer("updated_at"),
    integer("last_viewed_at"), text("content_rating"), text("summary"), text("tagline"), text("rating"),
    integer("duration", "0"), text("guid"), text("directors"), text("writers"), text("actors"), text("genres"),
    text("studio"), text("labels"), integer("live", "0"), text("channel_call_sign"), text("channel_identifier"),
    text("channel_thumb"),
)


def move_section_id() -> None:
    """Give session_history its section_id from the metadata table, then rebuild that table."""
    op.add_column("session_history", integer("section_id").column())
    history = sa.table("session_history", sa.column("id"), sa.column("section_id"))
    metadata = sa.table("session_history_metadata", sa.column("id"))
    # Unqualified on purpose, as in Tautulli: a metadata table without section_id (PlexPy before
    # v1.3) makes SQLite resolve the name to the history row's own, new and empty, column.
    section = (
        sa.select(sa.literal_column("section_id")).select_from(metadata)
        .where(metadata.c.id == history.c.id).scalar_subquery()
    )
    op.get_bind().execute(sa.update(history).values(section_id=section))
    rebuild(op, "session_history_metadata", MOVED_METADATA, [c.name for c in MOVED_METADATA], autoincrement=False)


def upgrade() -> None:
    """Upgrade schema."""
    add_missing_columns(op, "session_history_metadata", BLOCKS)
    if not has_column(op.get_bind(), "session_history", "section_id"):
        move_section_id()
        add_missing_columns(op, "session_history_metadata", BLOCKS)  # Tautulli's second start


def downgrade() -> None:
    """Downgrade schema: refused (the rebuild drops columns for good)."""
    raise NotImplementedError("Tautulli has no downgrade; the metadata rebuild cannot be undone")
