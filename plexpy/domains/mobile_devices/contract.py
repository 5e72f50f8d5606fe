"""The mobile_devices domain's operations: names, signatures and result shapes shared by both twins."""

from __future__ import annotations

from typing import Any, Final, Protocol

from shim.operation import Operation, Ordering, operations

__all__ = ["OPERATIONS", "MobileDevicesOps"]


class MobileDevicesOps(Protocol):
    """What each twin of the mobile_devices domain implements, in this order."""

    def get_mobile_devices(self, device_id: Any = None, device_token: Any = None) -> list[dict[str, Any]]:
        """Every registered device, or those matching an id and/or token (no defined order)."""
        ...

    def get_mobile_device_by_token(self, device_token: Any = None) -> list[dict[str, Any]] | None:
        """The devices registered with a token; None for an empty token."""
        ...

    def get_mobile_device_config(self, mobile_device_id: Any = None) -> dict[str, Any] | None:
        """One device's row by its row id (an unknown id raises ``KeyError`` as in Tautulli)."""
        ...

    def add_mobile_device(self, device_id: Any = None, device_name: Any = None, device_token: Any = None,
                          platform: Any = None, version: Any = None, friendly_name: Any = None,
                          onesignal_id: Any = None) -> bool | None:
        """Register (or re-register) a device by ``device_id``, stamp it seen and set its official flag."""
        ...

    def set_mobile_device_config(self, mobile_device_id: Any = None, **kwargs: Any) -> bool:
        """Rename a device (its ``friendly_name``) by row id."""
        ...

    def delete_mobile_device(self, mobile_device_id: Any = None, device_id: Any = None) -> bool:
        """Delete a device by row id or by device id."""
        ...

    def set_official(self, device_id: Any, onesignal_id: Any) -> None:
        """Store whether a device runs the official app (OneSignal check; offline: -1)."""
        ...

    def set_last_seen(self, device_token: Any = None) -> None:
        """Stamp the devices holding a token as seen now."""
        ...


OPERATIONS: Final = operations("mobile_devices", {
    "get_mobile_devices": Operation.read(Ordering.MULTISET),
    "get_mobile_device_by_token": Operation.read(Ordering.MULTISET),
    "get_mobile_device_config": Operation.read(),
    "add_mobile_device": Operation.write(tables=("mobile_devices",)),
    "set_mobile_device_config": Operation.write(tables=("mobile_devices",)),
    "delete_mobile_device": Operation.write(tables=("mobile_devices",)),
    "set_official": Operation.write(tables=("mobile_devices",)),
    "set_last_seen": Operation.write(tables=("mobile_devices",)),
})
