"""TVmaze and TMDb lookups: key the caches by rating key.

Tautulli equivalent: the ``tvmaze_lookup`` and ``themoviedb_lookup`` blocks of v2.17.2's
``dbcheck()``: a cache without ``rating_key`` gets the column and loses its indexes on the TVDB and
IMDb ids (pre-release v2.0 betas); the unique index on ``rating_key`` comes with the others (0015).

Revision ID: 0012
Revises: 0011
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from alembic import op
from plexpy.db.dbcheck_ops import Block, add_missing_columns, integer

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None

BLOCKS = (Block("rating_key", (integer("rating_key"),)),)


def upgrade() -> None:
    """Upgrade schema."""
    for table in ("tvmaze_lookup", "themoviedb_lookup"):
        if add_missing_columns(op, table, BLOCKS):
            op.drop_index(f"idx_{table}_thetvdb_id", table_name=table, if_exists=True)
            op.drop_index(f"idx_{table}_imdb_id", table_name=table, if_exists=True)


def downgrade() -> None:
    """Downgrade schema: refused."""
    raise NotImplementedError("Tautulli has no downgrade for the lookup caches")
