"""Mobile device reads and deletes through the ORM (``MobileDevice``), called by the SQLAlchemy twin."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.engine import Engine

from plexpy.db.engine import connect, transaction
from plexpy.db.orm import MobileDevice, as_row, orm_session

__all__ = ["delete_devices", "device_row"]


def device_row(engine: Engine, row_id: int) -> dict[str, Any]:
    """Every column of the device with this row id, ``{}`` when there is none."""
    with connect(engine, "mobile_devices.get_mobile_device_config") as conn, orm_session(conn) as session:
        device = session.get(MobileDevice, row_id)
        return as_row(device) if device is not None else {}


def delete_devices(engine: Engine, match: ColumnElement[bool]) -> int:
    """Delete the devices ``match`` selects (one transaction); how many there were."""
    with (transaction(engine, "mobile_devices.delete_mobile_device") as conn,
          orm_session(conn, write=True) as session):
        devices = session.scalars(select(MobileDevice).where(match)).all()
        for device in devices:
            session.delete(device)
        return len(devices)
