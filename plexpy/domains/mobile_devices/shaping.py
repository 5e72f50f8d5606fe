"""Pure rules both mobile_devices twins call: argument checks and the stored-row adjustments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["ONESIGNAL_DISABLED", "device_config", "device_row_id"]

#: The OneSignal id Tautulli Remote stores when push notifications are turned off.
ONESIGNAL_DISABLED = "onesignal-disabled"


def device_row_id(value: Any) -> int | None:
    """``mobile_device_id`` as an int when ``str(value).isdigit()`` (Tautulli's test), else None."""
    text = str(value)
    return int(text) if text.isdigit() else None


def device_config(row: Mapping[str, Any]) -> dict[str, Any]:
    """A device's row as ``get_mobile_device_config`` returns it.

    Raises:
        KeyError: for an empty row (unknown id), exactly where Tautulli indexes ``onesignal_id``.
    """
    result = dict(row)
    if result["onesignal_id"] == ONESIGNAL_DISABLED:
        result["onesignal_id"] = ""
    return result
