"""``DataFactory`` methods of the ``home_stats`` domain."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.home_stats.contract import OPERATIONS as _OPS

__all__ = ["HomeStatsFacade"]


class HomeStatsFacade:
    """The ``home_stats`` part of Tautulli's ``DataFactory``."""

    def get_home_stats(self, grouping: Any = None, time_range: Any = 30, stats_type: Any = "plays",
                       stats_start: Any = 0, stats_count: Any = 10, stat_id: Any = "", stats_cards: Any = None,
                       section_id: Any = None, user_id: Any = None, before: Any = None, after: Any = None) -> Any:
        """The home page's statistic cards (one card when ``stat_id`` is given)."""
        return runtime.route(_OPS["get_home_stats"], grouping=grouping, time_range=time_range,
                             stats_type=stats_type, stats_start=stats_start, stats_count=stats_count,
                             stat_id=stat_id, stats_cards=stats_cards, section_id=section_id, user_id=user_id,
                             before=before, after=after)

    def get_library_stats(self, library_cards: Any = []) -> Any:  # noqa: B006 - Tautulli's default, never mutated
        """One card per library with its newest play, grouped by section type."""
        return runtime.route(_OPS["get_library_stats"], library_cards=library_cards)
