"""``DataFactory`` methods of the ``notifications`` domain."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.notifications.contract import OPERATIONS as _OPS

__all__ = ["NotificationsFacade"]


class NotificationsFacade:
    """The ``notifications`` part of Tautulli's ``DataFactory``."""

    def get_notification_log(self, kwargs: Any = None) -> Any:
        """The notification log (DataTables)."""
        return runtime.route(_OPS["get_notification_log"], kwargs=kwargs)

    def delete_notification_log(self) -> Any:
        """Empty the notification log, then VACUUM; False if that failed."""
        return runtime.route(_OPS["delete_notification_log"])
