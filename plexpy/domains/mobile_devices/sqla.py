"""The mobile_devices domain on SQLAlchemy Core: the same answers from ``plexpy.db.schema``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from plexpy.db.engine import connect
from plexpy.db.schema import mobile_devices
from plexpy.db.sqlfuncs import affinity_equals
from plexpy.domains.mobile_devices import shaping

__all__ = ["TWIN", "SqlaMobileDevices"]

d = mobile_devices

_COLUMNS = (d.c.id, d.c.device_id, d.c.device_token, d.c.device_name, d.c.platform, d.c.version,
            d.c.friendly_name, d.c.onesignal_id, d.c.last_seen, d.c.official)


class SqlaMobileDevices:
    """Mobile device reads on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        with connect(self._engine, op) as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def get_mobile_devices(self, device_id: Any = None, device_token: Any = None) -> list[dict[str, Any]]:
        """Every registered device, or those matching an id and/or token."""
        stmt = select(*_COLUMNS)
        if device_id:
            stmt = stmt.where(affinity_equals(d.c.device_id, device_id))
        if device_token:
            stmt = stmt.where(affinity_equals(d.c.device_token, device_token))
        return self._rows(stmt.order_by(d.c.id), "mobile_devices.get_mobile_devices")

    def get_mobile_device_by_token(self, device_token: Any = None) -> list[dict[str, Any]] | None:
        """The devices registered with a token; None for an empty token."""
        if not device_token:
            return None
        return self.get_mobile_devices(device_token=device_token)

    def get_mobile_device_config(self, mobile_device_id: Any = None) -> dict[str, Any] | None:
        """One device's row by its row id; an unknown id raises ``KeyError`` as in Tautulli."""
        row_id = shaping.device_row_id(mobile_device_id)
        if row_id is None:
            return None
        rows = self._rows(select(*_COLUMNS).where(d.c.id == row_id), "mobile_devices.get_mobile_device_config")
        return shaping.device_config(rows[0] if rows else {})


TWIN = SqlaMobileDevices
