"""The activity domain: the live ``sessions`` table, ``sessions_continued``, and writing plays to history."""

from plexpy.domains.activity.contract import OPERATIONS

__all__ = ["OPERATIONS"]
