"""The notifications domain: notifiers, their configs and settings forms, and the notification log."""

from plexpy.domains.notifications.contract import OPERATIONS

__all__ = ["OPERATIONS"]
