"""Session history: reference ids for resumed plays, stream and connection columns.

Tautulli equivalent: the ``session_history`` blocks of v2.17.2's ``dbcheck()`` (the ``section_id``
move is revision 0005). ``reference_id`` (PlexPy v1.2.0) is back-filled with the first play of
each run of consecutive plays of one item by one user; the stream columns came in v2.0.0-beta,
``secure``/``relayed`` in v2.1.30-beta. (The ``windows``/``macos`` capitalisation that follows
them in ``dbcheck()`` runs on every start: :mod:`plexpy.db.repairs`.)

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from alembic import op
from plexpy.db.dbcheck_ops import Block, add_missing_columns, integer, text

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def group_resumed_plays(conn: Connection) -> None:
    """Set each play's reference_id to the first id of its user's current run on the same item.

    The run starts after the user's latest earlier play of another item; a play without one
    belongs to the user's first play. Plays without a user keep NULL, as SQL comparisons give.
    """
    history = sa.table("session_history", sa.column("id"), sa.column("reference_id"), sa.column("user_id"),
                       sa.column("rating_key"))
    other, later, first = history.alias("other"), history.alias("later"), history.alias("first")
    last_other_item = (
        sa.select(sa.func.max(other.c.id))
        .where(other.c.user_id == history.c.user_id, other.c.rating_key != history.c.rating_key,
               other.c.id < history.c.id)
        .correlate(history)
        .scalar_subquery()
    )
    run_start = (
        sa.select(sa.func.min(later.c.id))
        .where(later.c.id > last_other_item, later.c.user_id == history.c.user_id)
        .correlate(history)
        .scalar_subquery()
    )
    users_first = (
        sa.select(sa.func.min(first.c.id)).where(first.c.user_id == history.c.user_id).correlate(history)
        .scalar_subquery()
    )
    conn.execute(sa.update(history).values(reference_id=sa.func.coalesce(run_start, users_first)))


BLOCKS = (
    Block("reference_id", (integer("reference_id", "0"),), then=group_resumed_plays),
    Block("bandwidth", (text("platform_version"), text("product"), text("product_version"), text("profile"),
                        integer("bandwidth"), text("location"), text("quality_profile"))),
    Block("secure", (integer("secure"), integer("relayed"))),
)


def upgrade() -> None:
    """Upgrade schema."""
    add_missing_columns(op, "session_history", BLOCKS)


def downgrade() -> None:
    """Downgrade schema: refused (Tautulli never removes these columns)."""
    raise NotImplementedError("Tautulli has no downgrade; session_history columns are never removed")
