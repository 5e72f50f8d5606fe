"""Mobile devices: recreate the v2.0 beta table, then last seen, official flag, OneSignal id, platform.

Tautulli equivalent: the ``mobile_devices`` blocks of v2.17.2's ``dbcheck()``. A table declaring
``device_token TEXT NOT NULL UNIQUE`` (early v2.0 betas) is dropped with its devices and recreated
(they register again). ``official`` (v2.5.1-beta) is where Tautulli asks OneSignal about each
device; this revision never uses the network and writes what Tautulli writes when it cannot reach
it, ``-1`` (``0`` without a device id, ``2`` for ``onesignal-disabled``); Tautulli revalidates the
devices on its next start. ``platform``/``version`` (v2.7.5) default to ``android`` for official ones.

Revision ID: 0010
Revises: 0009
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from alembic import op
from plexpy.db.dbcheck_ops import REBUILD_TRIGGERS, Block, Col, add_missing_columns, integer, stored_sql, text

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

#: The value Tautulli stores when OneSignal cannot be asked.
UNREACHABLE: Final = -1
ONESIGNAL_DISABLED: Final = "onesignal-disabled"

_devices = sa.table("mobile_devices", sa.column("device_id"), sa.column("official"), sa.column("platform"))

RECREATED = (
    Col("id", "INTEGER", primary_key=True), Col("device_id", "TEXT", not_null=True, unique=True),
    text("device_token"), text("device_name"), text("friendly_name"),
)


def mark_official_offline(conn: Connection) -> None:
    """Set each device's official flag as Tautulli does without network access."""
    device = _devices.c.device_id
    flag = sa.case((device.is_(None), 0), (device == ONESIGNAL_DISABLED, 2), else_=UNREACHABLE)
    conn.execute(sa.update(_devices).values(official=flag))


def default_platform(conn: Connection) -> None:
    """Official devices were Android ones."""
    conn.execute(sa.update(_devices).where(_devices.c.official > 0).values(platform="android"))


BLOCKS = (
    Block("last_seen", (integer("last_seen"),)),
    Block("official", (integer("official", "0"),), then=mark_official_offline),
    Block("onesignal_id", (text("onesignal_id"),)),
    Block("platform", (text("platform"), text("version")), then=default_platform),
)


def upgrade() -> None:
    """Upgrade schema."""
    if REBUILD_TRIGGERS["mobile_devices"] in (stored_sql(op.get_bind(), "mobile_devices") or ""):
        try:
            op.drop_table("mobile_devices")
            op.create_table("mobile_devices", *(c.column() for c in RECREATED), sqlite_autoincrement=True)
        except OperationalError:
            pass  # Tautulli logs the failure and carries on
    add_missing_columns(op, "mobile_devices", BLOCKS)


def downgrade() -> None:
    """Downgrade schema: refused."""
    raise NotImplementedError("Tautulli has no downgrade for mobile_devices")
