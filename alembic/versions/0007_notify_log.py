"""Notification log: one row per notification instead of one column per event.

Tautulli equivalent: the ``notify_log`` blocks of v2.17.2's ``dbcheck()``. ``poster_url`` is appended
first (PlexPy v1.3.8; the block adds it even to a fresh v2.17.2 database, which is why it is that
table's last column). A PlexPy v1.x log without ``timestamp`` keeps one row per item with a
timestamp column per event (``on_play``, ``on_stop``, ...); it is rebuilt through a temporary table
holding one row per event that happened, numbered in time order. Then ``notifier_id`` and
``success`` (Tautulli v2.0.0-beta; earlier notifications count as sent) and ``tag`` (v2.7.3).

PlexPy v1.0 ... v1.2.3 logs have no ``on_created`` column and Tautulli's rebuild fails on them;
``tautulli-db migrate`` refuses those databases before changing anything.

Revision ID: 0007
Revises: 0006
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from alembic import op
from plexpy.db.dbcheck_ops import Block, Col, add_missing_columns, has_column, integer, text

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

#: Events of the old layout, in the order the rebuild reads them.
OLD_LAYOUT_EVENTS: Final = ("play", "stop", "watched", "pause", "resume", "buffer", "created")

_COPIED: Final = ("session_key", "rating_key", "user_id", "user", "agent_id", "agent_name", "poster_url")

#: The log as the rebuild creates it.
EVENT_LOG = (
    Col("id", "INTEGER", primary_key=True), integer("timestamp"), integer("session_key"), integer("rating_key"),
    integer("parent_rating_key"), integer("grandparent_rating_key"), integer("user_id"), text("user"),
    integer("agent_id"), text("agent_name"), text("notify_action"), text("subject_text"), text("body_text"),
    text("script_args"), text("poster_url"),
)


def mark_sent(conn: Connection) -> None:
    """Count every earlier notification as sent."""
    log = sa.table("notify_log", sa.column("success"))
    conn.execute(sa.update(log).values(success=1))


BEFORE_REBUILD = (Block("poster_url", (text("poster_url"),)),)

AFTER_REBUILD = (
    Block("notifier_id", (integer("notifier_id"),)),
    Block("success", (integer("success", "0"),), then=mark_sent),
    Block("tag", (text("tag"),)),
)


def explode_events() -> None:
    """Rebuild the one-column-per-event log as one row per event, ordered by its time."""
    old = sa.table("notify_log", *(sa.column(c) for c in _COPIED),
                   *(sa.column(f"on_{e}", sa.Integer) for e in OLD_LAYOUT_EVENTS))
    per_event = [
        sa.select(*(old.c[c] for c in _COPIED), old.c[f"on_{e}"].label("timestamp"),
                  sa.literal(e).label("notify_action"))
        .where(old.c[f"on_{e}"])
        for e in OLD_LAYOUT_EVENTS
    ]
    rows = sa.union_all(*per_event).order_by(sa.literal_column("timestamp"))
    temp = op.create_table("notify_log_temp", *(c.column() for c in EVENT_LOG), sqlite_autoincrement=True)
    op.get_bind().execute(sa.insert(temp).from_select([*_COPIED, "timestamp", "notify_action"], rows))
    op.drop_table("notify_log")
    op.rename_table("notify_log_temp", "notify_log")


def upgrade() -> None:
    """Upgrade schema."""
    add_missing_columns(op, "notify_log", BEFORE_REBUILD)
    if not has_column(op.get_bind(), "notify_log", "timestamp"):
        explode_events()
    add_missing_columns(op, "notify_log", AFTER_REBUILD)


def downgrade() -> None:
    """Downgrade schema: refused (the old layout cannot be rebuilt from rows)."""
    raise NotImplementedError("Tautulli has no downgrade; the notify_log rebuild cannot be undone")
