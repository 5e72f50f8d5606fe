"""The activity domain: the live ``sessions`` table and ``sessions_continued`` (reads here; writes come later)."""

from plexpy.domains.activity.contract import OPERATIONS

__all__ = ["OPERATIONS"]
