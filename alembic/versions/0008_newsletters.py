"""Newsletters: log columns, the NOT NULL id_name, and the cron default quoted as a string.

Tautulli equivalent: the ``newsletter_log`` and ``newsletters`` blocks of v2.17.2's ``dbcheck()``:
``start_time``/``end_time`` (v2.1.1-beta), ``filename`` (v2.1.5-beta), ``email_msg_id``
(v2.1.19-beta); ``newsletters.id_name TEXT NOT NULL`` (v2.1.6-beta), which SQLite can only add to
an empty table; and a rebuild, through a temporary table with the v2.17.2 definition, of a table
whose stored ``cron`` default is written ``"0 0 * * 0"`` (double quotes: an identifier) instead of
``'0 0 * * 0'``. A failed rebuild is given up and its temporary table dropped, as in Tautulli.

Tautulli v2.1.0-beta ... v2.1.5-beta tables without ``id_name`` that hold newsletters make
Tautulli's upgrade fail; ``tautulli-db migrate`` refuses those databases before changing anything.

Revision ID: 0008
Revises: 0007
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

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

LOG_BLOCKS = (
    Block("start_time", (integer("start_time"), integer("end_time"))),
    Block("filename", (text("filename"),)),
    Block("email_msg_id", (text("email_msg_id"),)),
)

NEWSLETTER_BLOCKS = (Block("id_name", (Col("id_name", "TEXT", not_null=True),)),)

#: The v2.17.2 newsletters table, which the cron-default rebuild creates.
NEWSLETTERS = (
    Col("id", "INTEGER", primary_key=True), integer("agent_id"), text("agent_name"), text("agent_label"),
    Col("id_name", "TEXT", not_null=True), text("friendly_name"), text("newsletter_config"), text("email_config"),
    text("subject"), text("body"), text("message"), Col("cron", "TEXT", default="'0 0 * * 0'", not_null=True),
    integer("active", "0"),
)


def upgrade() -> None:
    """Upgrade schema."""
    add_missing_columns(op, "newsletter_log", LOG_BLOCKS)
    add_missing_columns(op, "newsletters", NEWSLETTER_BLOCKS)
    if REBUILD_TRIGGERS["newsletters"] in (stored_sql(op.get_bind(), "newsletters") or ""):
        try_rebuild(op, "newsletters", NEWSLETTERS, [c.name for c in NEWSLETTERS])


def downgrade() -> None:
    """Downgrade schema: refused."""
    raise NotImplementedError("Tautulli has no downgrade for newsletters")
