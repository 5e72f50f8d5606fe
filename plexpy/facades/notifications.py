"""``DataFactory`` methods of the ``notifications`` domain."""

from __future__ import annotations

__all__ = ["NotificationsFacade"]


class NotificationsFacade:
    """The ``notifications`` part of Tautulli's ``DataFactory``."""
