"""The maintenance domain (reads): integrity check and database size/statistics for operators."""

from plexpy.domains.maintenance.contract import OPERATIONS

__all__ = ["OPERATIONS"]
