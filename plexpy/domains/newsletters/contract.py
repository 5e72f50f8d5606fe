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


OPERATIONS: Final = operations("newsletters", {
    "get_newsletter_log": Operation.read(ordered_when=request_is_ordered),
    "get_newsletters": Operation.read(Ordering.MULTISET),
    "get_newsletter_config": Operation.read(),
    "get_last_newsletter_email_msg_id": Operation.read(),
    "get_newsletter": Operation.read(),
})
