"""Registered mobile apps and export jobs: rows without relationships."""

from __future__ import annotations

from plexpy.db import schema
from plexpy.db.orm.base import Base

__all__ = ["Export", "MobileDevice"]


class MobileDevice(Base):
    """A registered Tautulli Remote app (``device_id`` is unique)."""

    __table__ = schema.mobile_devices


class Export(Base):
    """One metadata export job: what it exports, its levels, progress and outcome."""

    __table__ = schema.exports
