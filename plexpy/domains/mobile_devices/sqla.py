"""The mobile_devices domain on SQLAlchemy Core: the same answers from ``plexpy.db.schema``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, literal, select, update
from sqlalchemy.engine import Connection, Engine

from plexpy import context
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import connect, transaction
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import mobile_devices
from plexpy.db.sqlfuncs import affinity_equals, stored_values
from plexpy.db.stmt_cache import Bound, affinity_shape, bound_affinity_equals, per_shape
from plexpy.db.upsert import upsert
from plexpy.domains.mobile_devices import onesignal, shaping, sqla_orm, writing

__all__ = ["TWIN", "SqlaMobileDevices"]

d = mobile_devices

_COLUMNS = (d.c.id, d.c.device_id, d.c.device_token, d.c.device_name, d.c.platform, d.c.version,
            d.c.friendly_name, d.c.onesignal_id, d.c.last_seen, d.c.official)


class SqlaMobileDevices:
    """Mobile device reads and writes on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        stmt, params = stmt if isinstance(stmt, Bound) else (stmt, None)
        with connect(self._engine, op) as conn:
            return fetch_dicts(conn, stmt, params)

    def get_mobile_devices(self, device_id: Any = None, device_token: Any = None) -> list[dict[str, Any]]:
        """Every registered device, or those matching an id and/or token."""
        id_kind, id_value = affinity_shape(d.c.device_id, device_id) if device_id else (None, None)
        token_kind, token_value = affinity_shape(d.c.device_token, device_token) if device_token else (None, None)
        found = Bound(_devices_stmt(id_kind, token_kind), {"device_id": id_value, "device_token": token_value})
        return self._rows(found, "mobile_devices.get_mobile_devices")

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
        with connect(self._engine, "mobile_devices.get_mobile_device_config") as conn:
            rows = fetch_dicts(conn, _device_stmt(), {"row_id": row_id})
        return shaping.device_config(rows[0] if rows else {})

    def add_mobile_device(self, device_id: Any = None, device_name: Any = None, device_token: Any = None,
                          platform: Any = None, version: Any = None, friendly_name: Any = None,
                          onesignal_id: Any = None) -> bool | None:
        """Register (or re-register) a device by ``device_id``, stamp it seen and set its official flag."""
        official = onesignal.official_flag(onesignal_id)
        keys, values = writing.device_row(device_id, device_name, device_token, platform, version, friendly_name,
                                          onesignal_id)
        try:
            with transaction(self._engine, "mobile_devices.add_mobile_device") as conn:
                _register(conn, values, keys)
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
        values = stored_values(d, {"friendly_name": kwargs.get("friendly_name", "")})
        try:
            with transaction(self._engine, "mobile_devices.set_mobile_device_config") as conn:
                upsert(conn, d, values, {"id": row_id})
        except TautulliDBError as exc:
            writing.failed(exc, "mobile_devices.set_config_failed")
            return False
        return True

    def delete_mobile_device(self, mobile_device_id: Any = None, device_id: Any = None) -> bool:
        """Delete a device by row id or by device id; False when neither is given."""
        if mobile_device_id:
            match = affinity_equals(d.c.id, mobile_device_id)
        elif device_id:
            match = affinity_equals(d.c.device_id, device_id)
        else:
            return False
        sqla_orm.delete_devices(self._engine, match)
        return True

    def set_official(self, device_id: Any, onesignal_id: Any) -> None:
        """Store whether a device runs the official app (OneSignal check; offline: -1)."""
        self._set_official(device_id, onesignal.official_flag(onesignal_id))

    def set_last_seen(self, device_token: Any = None) -> None:
        """Stamp the devices holding a token as seen now."""
        self._set_last_seen(device_token)

    def _set_official(self, device_id: Any, official: int) -> None:
        platform = func.coalesce(d.c.platform, literal(writing.official_platform(official), d.c.platform.type))
        try:
            with transaction(self._engine, "mobile_devices.set_official") as conn:
                conn.execute(update(d).where(affinity_equals(d.c.device_id, device_id))
                             .values(official=official, platform=platform))
        except TautulliDBError as exc:
            writing.failed(exc, "mobile_devices.set_official_failed")

    def _set_last_seen(self, device_token: Any) -> None:
        try:
            with transaction(self._engine, "mobile_devices.set_last_seen") as conn:
                conn.execute(update(d).where(affinity_equals(d.c.device_token, device_token))
                             .values(last_seen=context.now()))
        except TautulliDBError as exc:
            writing.failed(exc, "mobile_devices.set_last_seen_failed")


def _register(conn: Connection, values: dict[str, Any], keys: dict[str, Any]) -> None:
    """Tautulli's update-then-insert of a registration, values stored as SQLite's affinity stores them.

    Without a device id nothing matches and the NOT NULL column refuses the insert (swallowed, as Tautulli's
    upsert swallows it). That is decided here, before the statement: PostgreSQL would spend a sequence number
    on the refused insert, SQLite does not, and the next device's id must be the same on both.
    """
    if keys["device_id"] is None:
        return
    upsert(conn, d, stored_values(d, values), stored_values(d, keys))



@per_shape(maxsize=1)
def _device_stmt() -> Any:
    """The device's row by row id, in Core: the ORM's ``session.get`` cost more than all the rest of the call."""
    return select(*d.columns).where(d.c.id == bindparam("row_id"))


@per_shape(maxsize=16)
def _devices_stmt(id_kind: str | None, token_kind: str | None) -> Any:
    """Every device, or those matching ``:device_id`` and/or ``:device_token`` (built once per shape)."""
    stmt = select(*_COLUMNS)
    if id_kind is not None:
        stmt = stmt.where(bound_affinity_equals(d.c.device_id, id_kind, "device_id"))
    if token_kind is not None:
        stmt = stmt.where(bound_affinity_equals(d.c.device_token, token_kind, "device_token"))
    return stmt.order_by(d.c.id)

TWIN = SqlaMobileDevices
