"""The users domain: user lists, details, stats, tokens and filters."""

from plexpy.domains.users.contract import OPERATIONS

__all__ = ["OPERATIONS"]
