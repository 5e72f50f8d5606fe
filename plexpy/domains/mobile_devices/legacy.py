"""The mobile_devices domain on raw sqlite3: our own SQL text (the control path)."""

from __future__ import annotations

from typing import Any

from plexpy import context
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.mobile_devices import onesignal, shaping, writing

__all__ = ["TWIN", "LegacyMobileDevices"]

_COLUMNS = ("id, device_id, device_token, device_name, platform, version, friendly_name, onesignal_id, "
            "last_seen, official")

_DEVICES = f"SELECT {_COLUMNS} FROM mobile_devices {{where}}"

_DEVICE_BY_ID = f"SELECT {_COLUMNS} FROM mobile_devices WHERE id = ?"

_DELETE_BY_ROW_ID = "DELETE FROM mobile_devices WHERE id = ?"

_DELETE_BY_DEVICE_ID = "DELETE FROM mobile_devices WHERE device_id = ?"

_SET_OFFICIAL = "UPDATE mobile_devices SET official = ?, platform = COALESCE(platform, ?) WHERE device_id = ?"

_SET_LAST_SEEN = "UPDATE mobile_devices SET last_seen = ? WHERE device_token = ?"


class LegacyMobileDevices:
    """Mobile device reads and writes on the legacy executor."""

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

    def add_mobile_device(self, device_id: Any = None, device_name: Any = None, device_token: Any = None,
                          platform: Any = None, version: Any = None, friendly_name: Any = None,
                          onesignal_id: Any = None) -> bool | None:
        """Register (or re-register) a device by ``device_id``, stamp it seen and set its official flag."""
        official = onesignal.official_flag(onesignal_id)
        keys, values = writing.device_row(device_id, device_name, device_token, platform, version, friendly_name,
                                          onesignal_id)
        try:
            with self._db.transaction():
                self._db.upsert("mobile_devices", values, keys)
                self._set_last_seen(device_token)
                self._set_official(device_id, official)
        except TautulliDBError as exc:
            writing.failed(exc, "mobile_devices.register_failed")
            return None
        return True

    def set_mobile_device_config(self, mobile_device_id: Any = None, **kwargs: Any) -> bool:
        """Rename a device (its ``friendly_name``) by row id; False for an invalid id or a failed write."""
        row_id = shaping.device_row_id(mobile_device_id)
        if row_id is None:
            return False
        try:
            with self._db.transaction():
                self._db.upsert("mobile_devices", {"friendly_name": kwargs.get("friendly_name", "")}, {"id": row_id})
        except TautulliDBError as exc:
            writing.failed(exc, "mobile_devices.set_config_failed")
            return False
        return True

    def delete_mobile_device(self, mobile_device_id: Any = None, device_id: Any = None) -> bool:
        """Delete a device by row id or by device id; False when neither is given."""
        if mobile_device_id:
            query, value = _DELETE_BY_ROW_ID, mobile_device_id
        elif device_id:
            query, value = _DELETE_BY_DEVICE_ID, device_id
        else:
            return False
        with self._db.transaction():
            self._db.action(query, [value])
        return True

    def set_official(self, device_id: Any, onesignal_id: Any) -> None:
        """Store whether a device runs the official app (OneSignal check; offline: -1)."""
        self._set_official(device_id, onesignal.official_flag(onesignal_id))

    def set_last_seen(self, device_token: Any = None) -> None:
        """Stamp the devices holding a token as seen now."""
        self._set_last_seen(device_token)

    def _set_official(self, device_id: Any, official: int) -> None:
        try:
            with self._db.transaction():
                self._db.action(_SET_OFFICIAL, [official, writing.official_platform(official), device_id])
        except TautulliDBError as exc:
            writing.failed(exc, "mobile_devices.set_official_failed")

    def _set_last_seen(self, device_token: Any) -> None:
        try:
            with self._db.transaction():
                self._db.action(_SET_LAST_SEEN, [context.now(), device_token])
        except TautulliDBError as exc:
            writing.failed(exc, "mobile_devices.set_last_seen_failed")


TWIN = LegacyMobileDevices
