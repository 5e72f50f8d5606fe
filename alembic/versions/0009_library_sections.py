"""Libraries: one row per server and section, then agent, custom art and active flag.

Tautulli equivalent: the ``library_sections`` blocks of v2.17.2's ``dbcheck()``. A PlexPy v1.3 ...
Tautulli v2.0 table declares ``section_id INTEGER UNIQUE``; it is rebuilt through a temporary table
with ``UNIQUE(server_id, section_id)`` and the 15 columns that block copies (a failed rebuild is
given up and its temporary table dropped, as in Tautulli). Then ``agent`` (v2.1.23-beta),
``custom_art_url`` (v2.2.0) and ``is_active`` (v2.2.2-beta). (Deleting libraries with an empty
``server_id`` and the Live TV artwork run on every start: :mod:`plexpy.db.repairs`.)

Revision ID: 0009
Revises: 0008
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op
from plexpy.db.dbcheck_ops import (
    REBUILD_TRIGGERS,
    Block,
    Col,
    add_missing_columns,
    integer,
    stored_sql,
    text,
    try_rebuild,
)

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

BLOCKS = (
    Block("agent", (text("agent"),)),
    Block("custom_art_url", (text("custom_art_url"),)),
    Block("is_active", (integer("is_active", "1"),)),
)

#: The libraries table as the rebuild creates it.
PER_SERVER_SECTIONS = (
    Col("id", "INTEGER", primary_key=True), text("server_id"), integer("section_id"), text("section_name"),
    text("section_type"), text("thumb"), text("custom_thumb_url"), text("art"), integer("count"),
    integer("parent_count"), integer("child_count"), integer("do_notify", "1"), integer("do_notify_created", "1"),
    integer("keep_history", "1"), integer("deleted_section", "0"),
)


def upgrade() -> None:
    """Upgrade schema."""
    if REBUILD_TRIGGERS["library_sections"] in (stored_sql(op.get_bind(), "library_sections") or ""):
        try_rebuild(op, "library_sections", PER_SERVER_SECTIONS, [c.name for c in PER_SERVER_SECTIONS],
                    constraints=(sa.UniqueConstraint("server_id", "section_id"),))
    add_missing_columns(op, "library_sections", BLOCKS)


def downgrade() -> None:
    """Downgrade schema: refused."""
    raise NotImplementedError("Tautulli has no downgrade for library_sections")
