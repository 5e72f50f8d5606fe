"""The newsletters domain: newsletter agents, their configs and forms, the newsletter log and saved newsletters."""

from plexpy.domains.newsletters.contract import OPERATIONS

__all__ = ["OPERATIONS"]
