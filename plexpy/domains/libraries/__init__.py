"""The libraries domain: library lists, details, stats, and the media info table (reads)."""

from plexpy.domains.libraries.contract import OPERATIONS

__all__ = ["OPERATIONS"]
