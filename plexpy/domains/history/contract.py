"""The history domain's operations: names, signatures and result shapes shared by both twins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol, TypedDict

from plexpy.datatables.params import request_is_ordered
from shim.operation import Operation, Ordering, operations

__all__ = ["OPERATIONS", "HistoryOps", "UserStat", "WatchTimeStat"]


class WatchTimeStat(TypedDict):
    """One window of ``get_watch_time_stats``."""

    query_days: int
    total_time: int
    total_plays: int


class UserStat(TypedDict):
    """One user of ``get_user_stats``."""

    friendly_name: str
    user_id: int | str
    user_thumb: str
    username: str
    total_plays: int
    total_time: int


class HistoryOps(Protocol):
    """What each twin of the history domain implements, in this order."""

    def get_datatables_history(self, kwargs: Mapping[str, Any] | None = None, custom_where: Any = None,
                               grouping: Any = None, include_activity: Any = None) -> dict[str, Any]:
        """The history table (DataTables), optionally with live sessions."""
        ...

    def get_total_duration(self, custom_where: Any = None) -> Any:
        """Seconds watched over the rows a ``custom_where`` selects, or None."""
        ...

    def get_stream_details(self, row_id: Any = None, session_key: Any = None) -> dict[str, Any] | None:
        """Stream details of one history row."""
        ...

    def get_metadata_details(self, rating_key: Any = "", guid: Any = "") -> dict[str, Any] | list[Any]:
        """Metadata of the newest play of an item, or ``[]``."""
        ...

    def get_watch_time_stats(self, rating_key: Any = None, guid: Any = None, media_type: Any = None,
                             grouping: Any = None, query_days: Any = None) -> list[WatchTimeStat]:
        """Plays and time watched of an item over windows of days."""
        ...

    def get_user_stats(self, rating_key: Any = None, guid: Any = None, media_type: Any = None,
                       grouping: Any = None) -> list[UserStat]:
        """Plays and time per user of an item, most plays first."""
        ...

    def get_search_query(self, rating_key: Any = "") -> dict[str, Any] | None:
        """What to search Plex for to find an item again."""
        ...

    def get_rating_keys_list(self, rating_key: Any = "", media_type: Any = "") -> dict[Any, Any]:
        """The rating key tree (show → seasons → episodes) an item belongs to."""
        ...

    def get_user_devices(self, user_id: Any = "", history_only: bool = True) -> list[Any]:
        """The machine ids a user played from (no defined order)."""
        ...


OPERATIONS: Final = operations("history", {
    "get_datatables_history": Operation.read(ordered_when=request_is_ordered),
    "get_total_duration": Operation.read(),
    "get_stream_details": Operation.read(),
    "get_metadata_details": Operation.read(),
    "get_watch_time_stats": Operation.read(),
    "get_user_stats": Operation.read(),
    "get_search_query": Operation.read(),
    "get_rating_keys_list": Operation.read(),
    "get_user_devices": Operation.read(Ordering.MULTISET),
})
