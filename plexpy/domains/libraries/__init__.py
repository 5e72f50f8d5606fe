"""The libraries domain: library lists, details, stats, the media info table and the library_sections writes."""

from plexpy.domains.libraries.contract import OPERATIONS

__all__ = ["OPERATIONS"]
