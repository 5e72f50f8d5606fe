"""Tautulli-compatible facade of ``plexpy.graphs``: same class, method names and signatures as v2.17.2.

Each method is one routed call; the ``graphs`` flag decides which twin answers (and whether the other is
compared).
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.graphs.contract import OPERATIONS as _OPS

__all__ = ["Graphs"]


class Graphs:
    """The graphs page's charts, as Tautulli's web interface and API call them."""

    def __init__(self) -> None:
        pass

    def get_total_plays_per_day(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                grouping: Any = None) -> Any:
        """Plays (or time) per local day and library type, every day of the window."""
        return runtime.route(_OPS["get_total_plays_per_day"], time_range=time_range, y_axis=y_axis,
                             user_id=user_id, grouping=grouping)

    def get_total_plays_per_dayofweek(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                      grouping: Any = None) -> Any:
        """Plays (or time) per local weekday and library type."""
        return runtime.route(_OPS["get_total_plays_per_dayofweek"], time_range=time_range, y_axis=y_axis,
                             user_id=user_id, grouping=grouping)

    def get_total_plays_per_hourofday(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                      grouping: Any = None) -> Any:
        """Plays (or time) per local hour and library type."""
        return runtime.route(_OPS["get_total_plays_per_hourofday"], time_range=time_range, y_axis=y_axis,
                             user_id=user_id, grouping=grouping)

    def get_total_plays_per_month(self, time_range: Any = "12", y_axis: Any = "plays", user_id: Any = None,
                                  grouping: Any = None) -> Any:
        """Plays (or time) per local month and library type, every month of the window."""
        return runtime.route(_OPS["get_total_plays_per_month"], time_range=time_range, y_axis=y_axis,
                             user_id=user_id, grouping=grouping)

    def get_total_plays_by_top_10_platforms(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                            grouping: Any = None) -> Any:
        """Plays (or time) of the ten busiest platforms, by library type."""
        return runtime.route(_OPS["get_total_plays_by_top_10_platforms"], time_range=time_range, y_axis=y_axis,
                             user_id=user_id, grouping=grouping)

    def get_total_plays_by_top_10_users(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                        grouping: Any = None) -> Any:
        """Plays (or time) of the ten busiest users, by library type."""
        return runtime.route(_OPS["get_total_plays_by_top_10_users"], time_range=time_range, y_axis=y_axis,
                             user_id=user_id, grouping=grouping)

    def get_total_plays_per_stream_type(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                        grouping: Any = None) -> Any:
        """Plays (or time) per local day and transcode decision."""
        return runtime.route(_OPS["get_total_plays_per_stream_type"], time_range=time_range, y_axis=y_axis,
                             user_id=user_id, grouping=grouping)

    def get_total_concurrent_streams_per_stream_type(self, time_range: Any = "30", user_id: Any = None) -> Any:
        """Peak concurrent streams per local day and transcode decision."""
        return runtime.route(_OPS["get_total_concurrent_streams_per_stream_type"],
                             time_range=time_range, user_id=user_id)

    def get_total_plays_by_source_resolution(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                             grouping: Any = None) -> Any:
        """Plays (or time) of the ten commonest source resolutions, by decision."""
        return runtime.route(_OPS["get_total_plays_by_source_resolution"], time_range=time_range, y_axis=y_axis,
                             user_id=user_id, grouping=grouping)

    def get_total_plays_by_stream_resolution(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                             grouping: Any = None) -> Any:
        """Plays (or time) of the ten commonest stream resolutions, by decision."""
        return runtime.route(_OPS["get_total_plays_by_stream_resolution"], time_range=time_range, y_axis=y_axis,
                             user_id=user_id, grouping=grouping)

    def get_stream_type_by_top_10_platforms(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                            grouping: Any = None) -> Any:
        """Plays (or time) of the ten busiest platforms, by transcode decision."""
        return runtime.route(_OPS["get_stream_type_by_top_10_platforms"], time_range=time_range, y_axis=y_axis,
                             user_id=user_id, grouping=grouping)

    def get_stream_type_by_top_10_users(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                        grouping: Any = None) -> Any:
        """Plays (or time) of the ten busiest users, by transcode decision."""
        return runtime.route(_OPS["get_stream_type_by_top_10_users"], time_range=time_range, y_axis=y_axis,
                             user_id=user_id, grouping=grouping)
