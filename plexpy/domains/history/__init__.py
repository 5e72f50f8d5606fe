"""The history domain: the history table, its stats and details of past plays, re-keying and deleting them."""

from plexpy.domains.history.contract import OPERATIONS

__all__ = ["OPERATIONS"]
