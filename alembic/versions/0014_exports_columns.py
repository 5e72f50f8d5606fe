"""Exports: image levels, titles, item counts, logo/square art/theme levels.

Tautulli equivalent: the ``exports`` blocks of v2.17.2's ``dbcheck()``: ``thumb_level``/``art_level``
replacing the pre-release ``include_thumb``/``include_art`` flags (level 9 where they were set),
``title``/``individual_files`` and the item counts (all three v2.6.0-beta), ``logo_level`` (v2.15.0),
``squareArt_level`` and ``theme_level`` (v2.17.0).

Revision ID: 0014
Revises: 0013
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from alembic import op
from plexpy.db.dbcheck_ops import Block, add_missing_columns, integer, text

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | None = None
depends_on: str | None = None


def levels_from_flags(conn: Connection) -> None:
    """Full image level (9) where the old include flag was set."""
    exports = sa.table("exports", *(sa.column(c) for c in ("thumb_level", "art_level", "include_thumb", "include_art")))
    conn.execute(sa.update(exports).where(exports.c.include_thumb == 1).values(thumb_level=9))
    conn.execute(sa.update(exports).where(exports.c.include_art == 1).values(art_level=9))


BLOCKS = (
    Block("thumb_level", (integer("thumb_level", "0"), integer("art_level", "0")), then=levels_from_flags),
    Block("title", (text("title"), integer("individual_files", "0"))),
    Block("total_items", (integer("exported_items", "0"), integer("total_items", "0"))),
    Block("logo_level", (integer("logo_level", "0"),)),
    Block("squareArt_level", (integer("squareArt_level", "0"),)),
    Block("theme_level", (integer("theme_level", "0"),)),
)


def upgrade() -> None:
    """Upgrade schema."""
    add_missing_columns(op, "exports", BLOCKS)


def downgrade() -> None:
    """Downgrade schema: refused."""
    raise NotImplementedError("Tautulli has no downgrade for exports")
