"""The history domain's operations: names, signatures and result shapes shared by both twins.

Writes name the tables they may change. ``update_metadata`` takes Plex's metadata of every new key from the
facade, which fetches it once (``metadata``: new key as text → metadata): the twins only write. Deletes run
VACUUM after their commit (never for a rolled-back verification), so they are verified in a transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol, TypedDict

from plexpy.datatables.params import request_is_ordered
from shim.operation import Operation, Ordering, operations

__all__ = ["OPERATIONS", "HistoryOps", "UserStat", "WatchTimeStat"]

_HISTORY: Final = ("session_history", "session_history_media_info", "session_history_metadata")


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

    def update_metadata(self, old_key_list: Any = "", new_key_list: Any = "", media_type: Any = "",
                        single_update: Any = False, metadata: Mapping[str, Any] | None = None) -> str:
        """Re-key the history of old Plex items to their new keys; Tautulli's message."""
        ...

    def update_metadata_details(self, old_rating_key: Any = "", new_rating_key: Any = "", metadata: Any = None,
                                ids: Any = None) -> None:
        """Rewrite the section and metadata rows of these plays from Plex's metadata of their item."""
        ...

    def delete_session_history_rows(self, row_ids: Any = None) -> bool:
        """Delete plays (ids as a list or a comma string) from the three history tables, then VACUUM."""
        ...

    def delete_user_history(self, user_id: Any = None) -> Any:
        """Delete every play of a user: bool, None for a non-numeric id."""
        ...

    def delete_library_history(self, section_id: Any = None) -> Any:
        """Delete every play of a section (on any server): bool, None for a non-numeric id."""
        ...

    def delete_rows_from_table(self, table: Any, row_ids: Any) -> bool:
        """Delete rows by id from one table, then VACUUM; False when the delete failed."""
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
    "update_metadata": Operation.write(tables=_HISTORY),
    "update_metadata_details": Operation.write(tables=("session_history", "session_history_metadata")),
    "delete_session_history_rows": Operation.write(tables=_HISTORY),
    "delete_user_history": Operation.write(tables=_HISTORY),
    "delete_library_history": Operation.write(tables=_HISTORY),
    "delete_rows_from_table": Operation.write(tables=_HISTORY),
})
