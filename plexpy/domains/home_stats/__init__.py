"""The home_stats domain: the home page's statistic cards and library cards."""

from plexpy.domains.home_stats.contract import OPERATIONS

__all__ = ["OPERATIONS"]
