"""The graphs domain: the twelve play-count and stream-type charts of Tautulli's graphs page."""

from plexpy.domains.graphs.contract import OPERATIONS

__all__ = ["OPERATIONS"]
