"""Pure rules both mobile_devices twins follow when they write: the registration row and failure handling."""

from __future__ import annotations

from typing import Any

import structlog

from plexpy.db.errors import TautulliDBError
from plexpy.db.retry import is_locked

__all__ = ["device_row", "failed", "official_platform"]

log = structlog.get_logger(__name__)


def failed(exc: TautulliDBError, event: str, **fields: Any) -> None:
    """Log a write Tautulli answers its default for; a locked database is raised instead, never passed over."""
    if is_locked(exc):
        raise exc
    log.warning(event, error=str(exc), **fields)


def device_row(device_id: Any, device_name: Any, device_token: Any, platform: Any, version: Any,
               friendly_name: Any, onesignal_id: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(keys, values)`` of a registration, keyed by ``device_id``; an empty friendly name keeps the stored one."""
    values = {"device_name": device_name, "device_token": device_token, "platform": platform, "version": version,
              "onesignal_id": onesignal_id}
    if friendly_name:
        values["friendly_name"] = friendly_name
    return {"device_id": device_id}, values


def official_platform(official: int) -> str | None:
    """The platform an official app implies (Android) for a device that has none stored."""
    return "android" if official > 0 else None
