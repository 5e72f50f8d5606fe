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


OPERATIONS: Final = operations("mobile_devices", {
    "get_mobile_devices": Operation.read(Ordering.MULTISET),
    "get_mobile_device_by_token": Operation.read(Ordering.MULTISET),
    "get_mobile_device_config": Operation.read(),
})
