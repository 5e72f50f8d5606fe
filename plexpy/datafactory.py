"""Tautulli-compatible facade of ``plexpy.datafactory``: one class, each method routed by its own domain.

``DataFactory`` in Tautulli mixes history, home stats, activity, notification, newsletter and lookup reads;
here each domain's methods live in ``plexpy/facades/<domain>.py`` and are combined, so ``get_history`` follows
the ``history`` flag and ``get_home_stats`` the ``home_stats`` flag.
"""

from __future__ import annotations

from plexpy.facades.activity import ActivityFacade
from plexpy.facades.history import HistoryFacade
from plexpy.facades.home_stats import HomeStatsFacade
from plexpy.facades.lookups import LookupsFacade
from plexpy.facades.newsletters import NewslettersFacade
from plexpy.facades.notifications import NotificationsFacade

__all__ = ["DataFactory"]


class DataFactory(HistoryFacade, HomeStatsFacade, ActivityFacade, NotificationsFacade, NewslettersFacade,
                  LookupsFacade):
    """Tautulli's data factory, routed domain by domain."""

    def __init__(self) -> None:
        pass
