"""The newsletters domain's operations: newsletter agents, their configs, the newsletter log and saved newsletters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol

from plexpy.datatables.params import request_is_ordered
from shim.operation import Operation, Ordering, operations

__all__ = ["OPERATIONS", "NewslettersOps"]


class NewslettersOps(Protocol):
    """What each twin of the newsletters domain implements, in this order."""

    def get_newsletter_log(self, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The newsletter log table (DataTables)."""
        ...

    def get_newsletters(self, newsletter_id: Any = None) -> list[dict[str, Any]]:
        """Every newsletter (or one) with its last trigger time and outcome."""
        ...

    def get_newsletter_config(self, newsletter_id: Any = None, mask_passwords: bool = False) -> dict[str, Any] | None:
        """One newsletter's config, e-mail config, texts and settings forms; None if unknown."""
        ...

    def get_last_newsletter_email_msg_id(self, newsletter_id: Any, notify_action: Any) -> Any:
        """The e-mail message id of a newsletter's last successful send for a trigger, or None."""
        ...

    def get_newsletter(self, newsletter_uuid: Any = None, newsletter_id_name: Any = None) -> str | None:
        """A saved newsletter's HTML (by uuid, or the latest of a newsletter by its id name), or None."""
        ...

    def add_newsletter_config(self, agent_id: Any = None, **kwargs: Any) -> Any:
        """Add a newsletter of an agent with its default settings; its new id, or False."""
        ...

    def set_newsletter_config(self, newsletter_id: Any = None, agent_id: Any = None, **kwargs: Any) -> bool:
        """Store a newsletter's settings form; True, or False if refused."""
        ...

    def delete_newsletter(self, newsletter_id: Any = None) -> bool:
        """Delete a newsletter (its log rows stay); False for an id that is not digits."""
        ...

    def set_notify_state(self, newsletter: Any, notify_action: Any, subject: Any, body: Any, message: Any,
                         filename: Any, start_date: Any, end_date: Any, start_time: Any, end_time: Any,
                         newsletter_uuid: Any, email_msg_id: Any) -> Any:
        """Log a sent newsletter; the new log id, 0 when it merged into a row (same second and uuid)."""
        ...

    def set_notify_success(self, newsletter_log_id: Any) -> None:
        """Mark a logged newsletter as sent (update-then-insert by id)."""
        ...

    def delete_newsletter_log(self) -> bool:
        """Empty the newsletter log, then VACUUM; False if that failed."""
        ...


OPERATIONS: Final = operations("newsletters", {
    "get_newsletter_log": Operation.read(ordered_when=request_is_ordered),
    "get_newsletters": Operation.read(Ordering.MULTISET),
    "get_newsletter_config": Operation.read(),
    "get_last_newsletter_email_msg_id": Operation.read(),
    "get_newsletter": Operation.read(),
    "add_newsletter_config": Operation.write(tables=("newsletters",)),
    "set_newsletter_config": Operation.write(tables=("newsletters",)),
    "delete_newsletter": Operation.write(tables=("newsletters",)),
    "set_notify_state": Operation.write(tables=("newsletter_log",)),
    "set_notify_success": Operation.write(tables=("newsletter_log",)),
    "delete_newsletter_log": Operation.write(tables=("newsletter_log",)),
})
