"""History performance indexes: the project's additions beyond Tautulli v2.17.2's schema.

Tautulli equivalent: none, a project addition beyond v2.17.2's schema. Indexes for the hot history reads
(the newest plays first: overall, per user and per library section), listed in :mod:`plexpy.db.perf_indexes`
and explained in docs/performance.md. ``CREATE INDEX IF NOT EXISTS`` builds each from the table without
rewriting it; the downgrade drops them (Tautulli's own indexes stay).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25 00:00:00
"""

from __future__ import annotations

from alembic import op
from plexpy.db.perf_indexes import PERF_INDEXES

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Upgrade schema: create the performance indexes that are missing."""
    for name, table, columns in PERF_INDEXES:
        op.create_index(name, table, list(columns), unique=False, if_not_exists=True)


def downgrade() -> None:
    """Downgrade schema: drop the performance indexes."""
    for name, table, _columns in reversed(PERF_INDEXES):
        op.drop_index(name, table_name=table, if_exists=True)
