"""The Tautulli Remote App agent's settings form: built from the registered official devices.

Facts of Tautulli v2.17.2. The form assumes the cryptography library is installed (Tautulli's requirements
include it), so notifications are described as encrypted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["form"]

_ONESIGNAL_NOTE: Final = (
    '<br><br>Notifications are sent using <a href="https://onesignal.com" target="_blank" rel="noreferrer">'
    "OneSignal</a>. Some user data is collected and cannot be encrypted.<br>Please read the "
    '<a href="https://onesignal.com/privacy_policy" target="_blank" rel="noreferrer">OneSignal Privacy Policy</a> '
    "for more details."
)
_REGISTER: Final = '<a data-tab-destination="remote_app" data-toggle="tab" data-dismiss="modal">'
_ONLY_ONESIGNAL: Final = "Note: Only devices registered with a valid OneSignal ID will appear in the list."


def _device_choices(devices: list[Mapping[str, Any]]) -> Any:
    """One device list, or lists grouped by platform when devices of several platforms are registered."""
    if len({d["platform"] for d in devices}) <= 1:
        return {d["device_id"]: d["friendly_name"] or d["device_name"] for d in devices}
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in devices:
        platform = "iOS" if d["platform"] == "ios" else d["platform"].capitalize()
        grouped[platform].append({"value": d["device_id"], "text": d["friendly_name"] or d["device_name"]})
    return dict(grouped)


def form(config: Mapping[str, Any], devices: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The remote app's ``config_options`` for ``config`` and the official devices with a OneSignal id."""
    options: list[dict[str, Any]] = [{
        "label": "Note", "input_type": "help",
        "description": "The Cryptography library was found. The content of your notifications will be sent "
                       "encrypted!" + _ONESIGNAL_NOTE,
    }]
    if not devices:
        options.append({
            "label": "Device", "input_type": "help",
            "description": f"No mobile devices registered with OneSignal. {_REGISTER}Get the Tautulli Remote App</a>"
                           f" and register a device.<br>{_ONLY_ONESIGNAL}",
        })
    else:
        options.append({
            "label": "Device", "value": config["device_id"], "name": "remoteapp_device_id", "input_type": "select",
            "description": f"Select your mobile device or {_REGISTER}register a new device</a> with Tautulli.<br>"
                           f"{_ONLY_ONESIGNAL}",
            "select_options": _device_choices(devices), "refresh": True,
        })
    platform = next((d["platform"] for d in devices if d["device_id"] == config["device_id"]), None)
    if platform == "android":
        options.append({
            "label": "Priority", "value": config["priority"], "name": "remoteapp_priority",
            "description": "Set the notification priority.", "input_type": "select",
            "select_options": {1: "Minimum", 2: "Low", 3: "Normal", 4: "High"},
        })
        options.append({
            "label": "Notification Image Type", "value": config["notification_type"],
            "name": "remoteapp_notification_type", "description": "Set the notification image type.",
            "input_type": "select",
            "select_options": {0: "No notification image", 1: "Small image (Expandable text)",
                               2: "Large image (Non-expandable text)"},
        })
    elif platform == "ios":
        options.append({
            "label": "Include Poster Image", "value": config["notification_type"],
            "name": "remoteapp_notification_type", "description": "Include a poster with the notifications.",
            "input_type": "checkbox",
        })
    return options
