"""The home_stats domain's operations: names, signatures and result shapes shared by both twins."""

from __future__ import annotations

from typing import Any, Final, Protocol, TypedDict

from shim.operation import Operation, operations

__all__ = ["OPERATIONS", "HomeStatsOps", "StatCard"]


class StatCard(TypedDict, total=False):
    """One card of ``get_home_stats`` (``stat_type`` only on the top-N cards)."""

    stat_id: str
    stat_type: str
    stat_title: str
    rows: list[dict[str, Any]]


class HomeStatsOps(Protocol):
    """What each twin of the home_stats domain implements, in this order."""

    def get_home_stats(self, grouping: Any = None, time_range: Any = 30, stats_type: Any = "plays",
                       stats_start: Any = 0, stats_count: Any = 10, stat_id: Any = "", stats_cards: Any = None,
                       section_id: Any = None, user_id: Any = None, before: Any = None,
                       after: Any = None) -> list[StatCard] | StatCard | None:
        """Every requested card (or the one ``stat_id`` card); None when any card's query fails."""
        ...

    def get_library_stats(
        self, library_cards: Any = [],  # noqa: B006 - Tautulli's default, never mutated
    ) -> dict[str, list[dict[str, Any]]] | None:
        """One card per library with its newest play, grouped by section type; None on a bad id list."""
        ...


OPERATIONS: Final = operations("home_stats", {
    "get_home_stats": Operation.read(),
    "get_library_stats": Operation.read(),
})
