"""Notifiers: custom conditions and the triggers added from v2.1 to v2.16.

Tautulli equivalent: the ``notifiers`` blocks of v2.17.2's ``dbcheck()``: custom conditions
(v2.0.0-beta), ``on_change`` (v2.1.23-beta), ``on_plexpydbcorrupt`` (v2.2.2-beta), ``on_error``
(v2.5.6), ``on_intro``/``on_credits`` and ``on_commercial`` (v2.12.0-beta), ``on_tokenexpired``
(v2.16.1); each trigger comes with its subject and body columns. (The agent renames that follow
run on every start: :mod:`plexpy.db.repairs`.)

Revision ID: 0011
Revises: 0010
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from alembic import op
from plexpy.db.dbcheck_ops import Block, Col, add_missing_columns, integer, text

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def _trigger(name: str) -> tuple[Col, Col, Col]:
    return integer(name, "0"), text(f"{name}_subject"), text(f"{name}_body")


BLOCKS = (
    Block("custom_conditions", (text("custom_conditions"), text("custom_conditions_logic"))),
    Block("on_change", _trigger("on_change")),
    Block("on_plexpydbcorrupt", _trigger("on_plexpydbcorrupt")),
    Block("on_error", _trigger("on_error")),
    Block("on_intro", (*_trigger("on_intro"), *_trigger("on_credits"))),
    Block("on_commercial", _trigger("on_commercial")),
    Block("on_tokenexpired", _trigger("on_tokenexpired")),
)


def upgrade() -> None:
    """Upgrade schema."""
    add_missing_columns(op, "notifiers", BLOCKS)


def downgrade() -> None:
    """Downgrade schema: refused."""
    raise NotImplementedError("Tautulli has no downgrade for notifiers")
