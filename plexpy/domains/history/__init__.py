"""The history domain: the history table, its totals and stats, stream and metadata details of past plays."""

from plexpy.domains.history.contract import OPERATIONS

__all__ = ["OPERATIONS"]
