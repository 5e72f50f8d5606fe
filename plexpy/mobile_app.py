"""Tautulli-compatible facade of ``plexpy.mobile_app``: same function names and signatures as v2.17.2.

Each database function is one routed call; the ``mobile_devices`` flag decides which twin answers. The
registration and ``set_official`` ask OneSignal whether the device runs the official app: the facade opens
:func:`~plexpy.domains.mobile_devices.onesignal.call_scope`, so a shadowed call asks once.
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.mobile_devices import onesignal as _onesignal
from plexpy.domains.mobile_devices.contract import OPERATIONS as _OPS

__all__ = [
    "add_mobile_device",
    "delete_mobile_device",
    "get_mobile_device_by_token",
    "get_mobile_device_config",
    "get_mobile_devices",
    "revalidate_onesignal_ids",
    "set_last_seen",
    "set_mobile_device_config",
    "set_official",
    "validate_onesignal_id",
]


def get_mobile_devices(device_id: Any = None, device_token: Any = None) -> Any:
    """Every registered device, or those matching an id and/or token."""
    return runtime.route(_OPS["get_mobile_devices"], device_id=device_id, device_token=device_token)


def get_mobile_device_by_token(device_token: Any = None) -> Any:
    """The devices registered with a token; None for an empty token."""
    return runtime.route(_OPS["get_mobile_device_by_token"], device_token=device_token)


def add_mobile_device(device_id: Any = None, device_name: Any = None, device_token: Any = None, platform: Any = None,
                      version: Any = None, friendly_name: Any = None, onesignal_id: Any = None) -> Any:
    """Register (or re-register) a device: True, or None when the registration failed."""
    with _onesignal.call_scope():
        return runtime.route(_OPS["add_mobile_device"], device_id=device_id, device_name=device_name,
                             device_token=device_token, platform=platform, version=version,
                             friendly_name=friendly_name, onesignal_id=onesignal_id)


def get_mobile_device_config(mobile_device_id: Any = None) -> Any:
    """One device's row by its row id (an unknown id raises ``KeyError``, as Tautulli does)."""
    return runtime.route(_OPS["get_mobile_device_config"], mobile_device_id=mobile_device_id)


def set_mobile_device_config(mobile_device_id: Any = None, **kwargs: Any) -> Any:
    """Rename a device by row id: True, or False for an invalid id or a failed write."""
    return runtime.route(_OPS["set_mobile_device_config"], mobile_device_id=mobile_device_id, **kwargs)


def delete_mobile_device(mobile_device_id: Any = None, device_id: Any = None) -> Any:
    """Delete a device by row id or device id: True, or False when neither is given."""
    return runtime.route(_OPS["delete_mobile_device"], mobile_device_id=mobile_device_id, device_id=device_id)


def set_official(device_id: Any, onesignal_id: Any) -> Any:
    """Store whether a device runs the official app (offline: -1)."""
    with _onesignal.call_scope():
        return runtime.route(_OPS["set_official"], device_id=device_id, onesignal_id=onesignal_id)


def set_last_seen(device_token: Any = None) -> Any:
    """Stamp the devices holding a token as seen now."""
    return runtime.route(_OPS["set_last_seen"], device_token=device_token)


def validate_onesignal_id(onesignal_id: Any) -> int:
    """The official flag for a OneSignal id: 1 official, 0 not (or no id), 2 notifications off, -1 unreachable."""
    return _onesignal.official_flag(onesignal_id)


def revalidate_onesignal_ids() -> None:
    """Check every registered device's official flag again."""
    for device in get_mobile_devices():
        set_official(device["device_id"], device["onesignal_id"])
