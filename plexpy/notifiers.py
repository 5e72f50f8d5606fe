"""Tautulli-compatible facade of ``plexpy.notifiers`` (its database half), routed by the notifications flag."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.notifications.contract import OPERATIONS as _OPS

__all__ = [
    "add_notifier_config",
    "delete_notifier",
    "get_browser_notifications",
    "get_notifier_config",
    "get_notifiers",
    "set_notifier_config",
]


def get_notifiers(notifier_id: Any = None, notify_action: Any = None) -> Any:
    """Every notifier (or one, or those with a trigger on) with its last trigger time and outcome."""
    return runtime.route(_OPS["get_notifiers"], notifier_id=notifier_id, notify_action=notify_action)


def delete_notifier(notifier_id: Any = None) -> Any:
    """Delete a notifier (its log rows stay); False for an id that is not digits."""
    return runtime.route(_OPS["delete_notifier"], notifier_id=notifier_id)


def get_notifier_config(notifier_id: Any = None, mask_passwords: bool = False) -> Any:
    """One notifier's config, triggers, texts, conditions and settings form; None if unknown."""
    return runtime.route(_OPS["get_notifier_config"], notifier_id=notifier_id, mask_passwords=mask_passwords)


def get_browser_notifications() -> Any:
    """Browser notifications sent in the last five seconds."""
    return runtime.route(_OPS["get_browser_notifications"])


def add_notifier_config(agent_id: Any = None, **kwargs: Any) -> Any:
    """Add a notifier of an agent with its default settings; its new id, or False."""
    return runtime.route(_OPS["add_notifier_config"], agent_id=agent_id, **kwargs)


def set_notifier_config(notifier_id: Any = None, agent_id: Any = None, **kwargs: Any) -> Any:
    """Store a notifier's settings form (HTTP parameter names become columns); True, or False if refused."""
    return runtime.route(_OPS["set_notifier_config"], notifier_id=notifier_id, agent_id=agent_id, **kwargs)
