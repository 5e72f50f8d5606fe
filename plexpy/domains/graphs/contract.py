"""The graphs domain's operations: names, signatures and result shapes shared by both twins."""

from __future__ import annotations

from typing import Any, Final, Protocol, TypedDict

from shim.operation import Operation, operations

__all__ = ["OPERATIONS", "Graph", "GraphsOps", "Series"]


class Series(TypedDict):
    """One named data series of a chart."""

    name: str
    data: list[Any]


class Graph(TypedDict):
    """A chart: its x-axis categories and one series per library type or stream decision."""

    categories: list[Any]
    series: list[Series]


class GraphsOps(Protocol):
    """What each twin of the graphs domain implements, in this order (Tautulli's)."""

    def get_total_plays_per_day(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                grouping: Any = None) -> Graph | None:
        """Plays (or time) per local day and library type, every day of the window."""
        ...

    def get_total_plays_per_dayofweek(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                      grouping: Any = None) -> Graph | None:
        """Plays (or time) per local weekday and library type."""
        ...

    def get_total_plays_per_hourofday(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                      grouping: Any = None) -> Graph | None:
        """Plays (or time) per local hour and library type."""
        ...

    def get_total_plays_per_month(self, time_range: Any = "12", y_axis: Any = "plays", user_id: Any = None,
                                  grouping: Any = None) -> Graph | None:
        """Plays (or time) per local month and library type, every month of the window."""
        ...

    def get_total_plays_by_top_10_platforms(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                            grouping: Any = None) -> Graph | None:
        """Plays (or time) of the ten busiest platforms, by library type."""
        ...

    def get_total_plays_by_top_10_users(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                        grouping: Any = None) -> Graph | None:
        """Plays (or time) of the ten busiest users, by library type."""
        ...

    def get_total_plays_per_stream_type(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                        grouping: Any = None) -> Graph | None:
        """Plays (or time) per local day and transcode decision."""
        ...

    def get_total_concurrent_streams_per_stream_type(self, time_range: Any = "30", user_id: Any = None) -> Graph | None:
        """Peak concurrent streams per local day and transcode decision."""
        ...

    def get_total_plays_by_source_resolution(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                             grouping: Any = None) -> Graph | None:
        """Plays (or time) of the ten commonest source resolutions, by decision."""
        ...

    def get_total_plays_by_stream_resolution(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                             grouping: Any = None) -> Graph | None:
        """Plays (or time) of the ten commonest stream resolutions, by decision."""
        ...

    def get_stream_type_by_top_10_platforms(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                            grouping: Any = None) -> Graph | None:
        """Plays (or time) of the ten busiest platforms, by transcode decision."""
        ...

    def get_stream_type_by_top_10_users(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                        grouping: Any = None) -> Graph | None:
        """Plays (or time) of the ten busiest users, by transcode decision."""
        ...


OPERATIONS: Final = operations("graphs", {
    "get_total_plays_per_day": Operation.read(),
    "get_total_plays_per_dayofweek": Operation.read(),
    "get_total_plays_per_hourofday": Operation.read(),
    "get_total_plays_per_month": Operation.read(),
    "get_total_plays_by_top_10_platforms": Operation.read(),
    "get_total_plays_by_top_10_users": Operation.read(),
    "get_total_plays_per_stream_type": Operation.read(),
    "get_total_concurrent_streams_per_stream_type": Operation.read(),
    "get_total_plays_by_source_resolution": Operation.read(),
    "get_total_plays_by_stream_resolution": Operation.read(),
    "get_stream_type_by_top_10_platforms": Operation.read(),
    "get_stream_type_by_top_10_users": Operation.read(),
})
