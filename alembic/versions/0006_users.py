"""Users: add the columns of PlexPy v1.1 ... Tautulli v2.9, drop PlexPy's unique user names.

Tautulli equivalent: the ``users`` blocks of v2.17.2's ``dbcheck()`` and its rebuild of a PlexPy-era
table whose ``username`` is ``UNIQUE`` (PlexPy v1.x ... Tautulli v2.0). The rebuild goes through a
temporary table with 13 columns, so it drops ``title``, ``is_active``, ``is_admin``, ``allow_guest``,
``user_token``, ``server_token``, ``shared_libraries`` and the five ``filter_*`` columns that the same
run had added (their values are lost). Tautulli adds them back, with their defaults, on its next
start; this revision does that second start at once (the steady state). (The friendly-name reset
and the ``Local`` user run on every start: :mod:`plexpy.db.repairs`.)

Revision ID: 0006
Revises: 0005
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

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

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

BLOCKS = (
    Block("do_notify", (integer("do_notify", "1"),)),
    Block("keep_history", (integer("keep_history", "1"),)),  # PlexPy v1.1.0
    Block("custom_avatar_url", (text("custom_avatar_url"),)),  # v1.1.1
    Block("deleted_user", (integer("deleted_user", "0"),)),  # v1.2.8
    Block("allow_guest", (integer("allow_guest", "0"), text("user_token"), text("server_token"))),  # v1.4.0
    Block("shared_libraries", (text("shared_libraries"), text("filter_all"), text("filter_movies"),  # v1.4.0
                               text("filter_tv"), text("filter_music"), text("filter_photos"))),
    Block("is_admin", (integer("is_admin", "0"),)),  # v2.0.13-beta
    Block("is_active", (integer("is_active", "1"),)),  # v2.2.2-beta
    Block("title", (text("title"),)),  # v2.9.6
)

#: The users table as the rebuild leaves it: user names no longer unique, 12 later columns gone.
REBUILT_USERS = (
    Col("id", "INTEGER", primary_key=True), Col("user_id", "INTEGER", default="NULL", unique=True),
    Col("username", "TEXT", not_null=True), text("friendly_name"), text("thumb"), text("custom_avatar_url"),
    text("email"), integer("is_home_user", "NULL"), integer("is_allow_sync", "NULL"),
    integer("is_restricted", "NULL"), integer("do_notify", "1"), integer("keep_history", "1"),
    integer("deleted_user", "0"),
)


def upgrade() -> None:
    """Upgrade schema."""
    add_missing_columns(op, "users", BLOCKS)
    if REBUILD_TRIGGERS["users"] in (stored_sql(op.get_bind(), "users") or ""):
        try_rebuild(op, "users", REBUILT_USERS, [c.name for c in REBUILT_USERS])
        add_missing_columns(op, "users", BLOCKS)  # Tautulli's second start


def downgrade() -> None:
    """Downgrade schema: refused (the rebuild drops values for good)."""
    raise NotImplementedError("Tautulli has no downgrade; the users rebuild cannot be undone")
