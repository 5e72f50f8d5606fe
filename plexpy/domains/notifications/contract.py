"""The notifications domain's operations: notifiers, their configs and the notification log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol, TypedDict

from plexpy.datatables.params import request_is_ordered
from shim.operation import Operation, Ordering, operations

__all__ = ["OPERATIONS", "NotificationsOps", "NotifierSummary", "NotifyState"]


class NotifierSummary(TypedDict):
    """One entry of ``get_notifiers``."""

    id: int
    agent_id: int
    agent_name: str
    agent_label: str
    friendly_name: str
    last_triggered: int | None
    last_success: int | None
    active: int


class NotifyState(TypedDict):
    """One entry of ``get_notify_state``."""

    timestamp: int
    notify_action: str
    notifier_id: int


class NotificationsOps(Protocol):
    """What each twin of the notifications domain implements, in this order."""

    def get_notification_log(self, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The notification log table (DataTables)."""
        ...

    def get_notifiers(self, notifier_id: Any = None, notify_action: Any = None) -> list[NotifierSummary]:
        """Every notifier (or one, or those with a trigger on) with its last trigger time and outcome."""
        ...

    def get_notifier_config(self, notifier_id: Any = None, mask_passwords: bool = False) -> dict[str, Any] | None:
        """One notifier's config, triggers, texts, conditions and settings form; None if unknown."""
        ...

    def get_browser_notifications(self) -> dict[str, Any]:
        """Browser notifications sent in the last five seconds."""
        ...

    def get_notify_state(self, session: Mapping[str, Any]) -> list[NotifyState]:
        """Every notification sent for one session, newest first."""
        ...

    def get_notify_state_enabled(self, session: Mapping[str, Any], notify_action: Any,
                                 notified: bool = True) -> list[dict[str, Any]]:
        """Notifiers with a trigger on that did (or did not) notify a session of it."""
        ...

    def check_nofity_tag(self, notify_action: Any, tag: Any) -> bool:
        """Whether a notification with this trigger and tag was sent (Tautulli's spelling)."""
        ...

    def add_notifier_config(self, agent_id: Any = None, **kwargs: Any) -> Any:
        """Add a notifier of an agent with its default settings; its new id, or False."""
        ...

    def set_notifier_config(self, notifier_id: Any = None, agent_id: Any = None, **kwargs: Any) -> bool:
        """Store a notifier's settings form (HTTP parameter names become columns); True, or False if refused."""
        ...

    def delete_notifier(self, notifier_id: Any = None) -> bool:
        """Delete a notifier (its log rows stay); False for an id that is not digits."""
        ...

    def set_notify_state(self, notifier: Any, notify_action: Any, subject: Any = "", body: Any = "",
                         script_args: Any = "", session: Any = None, parameters: Any = None) -> Any:
        """Log a notification; the new log id, 0 when it merged into a row of the same second, None if refused."""
        ...

    def set_notify_success(self, notification_id: Any) -> None:
        """Mark a logged notification as sent (update-then-insert by id)."""
        ...

    def delete_notification_log(self) -> bool:
        """Empty the notification log, then VACUUM; False if that failed."""
        ...


OPERATIONS: Final = operations("notifications", {
    "get_notification_log": Operation.read(ordered_when=request_is_ordered),
    "get_notifiers": Operation.read(ordered_when=lambda args: bool(args.get("notifier_id"))),
    "get_notifier_config": Operation.read(),
    "get_browser_notifications": Operation.read(),
    "get_notify_state": Operation.read(),
    "get_notify_state_enabled": Operation.read(Ordering.MULTISET),
    "check_nofity_tag": Operation.read(),
    "add_notifier_config": Operation.write(tables=("notifiers",)),
    "set_notifier_config": Operation.write(tables=("notifiers",)),
    "delete_notifier": Operation.write(tables=("notifiers",)),
    "set_notify_state": Operation.write(tables=("notify_log",)),
    "set_notify_success": Operation.write(tables=("notify_log",)),
    "delete_notification_log": Operation.write(tables=("notify_log",)),
})
