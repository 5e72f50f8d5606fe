"""The mobile_devices domain on raw sqlite3: our own SQL text (the control path)."""

from __future__ import annotations

from typing import Any

from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.mobile_devices import shaping

__all__ = ["TWIN", "LegacyMobileDevices"]

_COLUMNS = ("id, device_id, device_token, device_name, platform, version, friendly_name, onesignal_id, "
            "last_seen, official")

_DEVICES = f"SELECT {_COLUMNS} FROM mobile_devices {{where}}"

_DEVICE_BY_ID = f"SELECT {_COLUMNS} FROM mobile_devices WHERE id = ?"


class LegacyMobileDevices:
    """Mobile device reads on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def get_mobile_devices(self, device_id: Any = None, device_token: Any = None) -> list[dict[str, Any]]:
        """Every registered device, or those matching an id and/or token."""
        where, args = [], []
        if device_id:
            where.append("device_id = ?")
            args.append(device_id)
        if device_token:
            where.append("device_token = ?")
            args.append(device_token)
        clause = "WHERE " + " AND ".join(where) if where else ""
        return self._db.select(_DEVICES.format(where=clause), args)

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
        return shaping.device_config(self._db.select_single(_DEVICE_BY_ID, [row_id]))


TWIN = LegacyMobileDevices
