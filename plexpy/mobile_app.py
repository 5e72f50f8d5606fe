"""Tautulli-compatible facade of ``plexpy.mobile_app`` (reads): same function names and signatures as v2.17.2.

Each function is one routed call; the ``mobile_devices`` flag decides which twin answers.
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.mobile_devices.contract import OPERATIONS as _OPS

__all__ = ["get_mobile_device_by_token", "get_mobile_device_config", "get_mobile_devices"]


def get_mobile_devices(device_id: Any = None, device_token: Any = None) -> Any:
    """Every registered device, or those matching an id and/or token."""
    return runtime.route(_OPS["get_mobile_devices"], device_id=device_id, device_token=device_token)


def get_mobile_device_by_token(device_token: Any = None) -> Any:
    """The devices registered with a token; None for an empty token."""
    return runtime.route(_OPS["get_mobile_device_by_token"], device_token=device_token)


def get_mobile_device_config(mobile_device_id: Any = None) -> Any:
    """One device's row by its row id (an unknown id raises ``KeyError``, as Tautulli does)."""
    return runtime.route(_OPS["get_mobile_device_config"], mobile_device_id=mobile_device_id)
