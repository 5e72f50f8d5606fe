"""Mobile device deletes through the ORM (``MobileDevice``), called by the SQLAlchemy twin (reads are Core)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.engine import Engine

from plexpy.db.engine import transaction
from plexpy.db.orm import MobileDevice, orm_session

__all__ = ["delete_devices"]


def delete_devices(engine: Engine, match: ColumnElement[bool]) -> int:
    """Delete the devices ``match`` selects (one transaction); how many there were."""
    with (transaction(engine, "mobile_devices.delete_mobile_device") as conn,
          orm_session(conn, write=True) as session):
        devices = session.scalars(select(MobileDevice).where(match)).all()
        for device in devices:
            session.delete(device)
        return len(devices)
