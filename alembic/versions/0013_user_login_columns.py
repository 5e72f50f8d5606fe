"""Logins: success flag, token expiry and JWT.

Tautulli equivalent: the ``user_login`` blocks of v2.17.2's ``dbcheck()``: ``success`` (v2.0.0-beta,
earlier logins count as successful through its default) and ``expiry``/``jwt_token`` (v2.7.3).

Revision ID: 0013
Revises: 0012
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from alembic import op
from plexpy.db.dbcheck_ops import Block, add_missing_columns, integer, text

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | None = None
depends_on: str | None = None

BLOCKS = (
    Block("success", (integer("success", "1"),)),
    Block("expiry", (text("expiry"), text("jwt_token"))),
)


def upgrade() -> None:
    """Upgrade schema."""
    add_missing_columns(op, "user_login", BLOCKS)


def downgrade() -> None:
    """Downgrade schema: refused."""
    raise NotImplementedError("Tautulli has no downgrade for user_login")
