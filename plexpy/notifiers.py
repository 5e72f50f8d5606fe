"""Tautulli-compatible facade of ``plexpy.notifiers`` (its database reads), routed by the notifications flag."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.notifications.contract import OPERATIONS as _OPS

__all__ = ["get_browser_notifications", "get_notifier_config", "get_notifiers"]


def get_notifiers(notifier_id: Any = None, notify_action: Any = None) -> Any:
    """Every notifier (or one, or those with a trigger on) with its last trigger time and outcome."""
    return runtime.route(_OPS["get_notifiers"], notifier_id=notifier_id, notify_action=notify_action)


def get_notifier_config(notifier_id: Any = None, mask_passwords: bool = False) -> Any:
    """One notifier's config, triggers, texts, conditions and settings form; None if unknown."""
    return runtime.route(_OPS["get_notifier_config"], notifier_id=notifier_id, mask_passwords=mask_passwords)


def get_browser_notifications() -> Any:
    """Browser notifications sent in the last five seconds."""
    return runtime.route(_OPS["get_browser_notifications"])
