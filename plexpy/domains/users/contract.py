"""The users domain's operations: names, signatures and result shapes shared by both twins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol, TypedDict

from plexpy.datatables.params import request_is_ordered
from shim.operation import Operation, Ordering, operations

__all__ = ["OPERATIONS", "UserName", "UsersOps", "WatchTimeStat"]


class UserName(TypedDict):
    """One entry of ``get_user_names``."""

    user_id: int
    friendly_name: str


class WatchTimeStat(TypedDict):
    """One window of ``get_watch_time_stats``."""

    query_days: int
    total_time: int
    total_plays: int


class UsersOps(Protocol):
    """What each twin of the users domain implements, in this order."""

    def get_datatables_list(self, kwargs: Mapping[str, Any] | None = None, grouping: Any = None) -> dict[str, Any]:
        """The users table (one row per user with their last play)."""
        ...

    def get_datatables_unique_ips(self, user_id: Any = None, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One row per IP address a user played from."""
        ...

    def get_details(self, user_id: Any = None, user: Any = None, email: Any = None,
                    include_last_seen: bool = False) -> dict[str, Any]:
        """A user's details, falling back to the built-in Local user."""
        ...

    def get_user_details(self, user_id: Any = None, user: Any = None, email: Any = None,
                         include_last_seen: bool = False) -> dict[str, Any]:
        """A user's details or ``{}``."""
        ...

    def get_watch_time_stats(self, user_id: Any = None, grouping: Any = None,
                             query_days: Any = None) -> list[WatchTimeStat]:
        """Plays and time watched over the last N days."""
        ...

    def get_player_stats(self, user_id: Any = None, grouping: Any = None) -> list[dict[str, Any]]:
        """Plays and time per player, most plays first."""
        ...

    def get_recently_watched(self, user_id: Any = None, limit: Any = "10") -> list[dict[str, Any]]:
        """The latest distinct items a user watched."""
        ...

    def get_users(self, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Every user (no defined order)."""
        ...

    def get_user_id(self, user: Any = None) -> Any:
        """A user's id by user name, or None."""
        ...

    def get_user_names(self, kwargs: Mapping[str, Any] | None = None) -> list[UserName] | None:
        """Every active user's id and display name (no defined order)."""
        ...

    def get_tokens(self, user_id: Any = None) -> dict[str, Any]:
        """A user's guest flag and tokens, with defaults."""
        ...

    def get_filters(self, user_id: Any = None) -> dict[str, Any]:
        """A user's parsed library filters."""
        ...

    def set_config(self, user_id: Any = None, friendly_name: Any = "", custom_thumb: Any = "", do_notify: Any = 1,
                   keep_history: Any = 1, allow_guest: Any = 1) -> None:
        """Store a user's settings (a friendly name equal to the user name is stored as NULL)."""
        ...

    def delete(self, user_id: Any = None, row_ids: Any = None, purge_only: bool = False) -> Any:
        """Purge a user's history, then mark the user deleted (unless ``purge_only``)."""
        ...

    def undelete(self, user_id: Any = None, username: Any = None) -> Any:
        """Mark a deleted user active again."""
        ...

    def store_refreshed_users(self, users: Any = None) -> Any:
        """Store plex.tv's user list (Tautulli's ``refresh_users`` after its requests).

        Upserts each user by ``user_id`` and marks the users not shared with inactive; None without a server
        identifier, False without users, True when stored.
        """
        ...


OPERATIONS: Final = operations("users", {
    "get_datatables_list": Operation.read(ordered_when=request_is_ordered),
    "get_datatables_unique_ips": Operation.read(ordered_when=request_is_ordered),
    "get_details": Operation.read(),
    "get_user_details": Operation.read(),
    "get_watch_time_stats": Operation.read(),
    "get_player_stats": Operation.read(),
    "get_recently_watched": Operation.read(),
    "get_users": Operation.read(Ordering.MULTISET),
    "get_user_id": Operation.read(),
    "get_user_names": Operation.read(Ordering.MULTISET),
    "get_tokens": Operation.read(),
    "get_filters": Operation.read(),
    "set_config": Operation.write(tables=("users",)),
    "delete": Operation.write(
        tables=("users", "session_history", "session_history_media_info", "session_history_metadata")
    ),
    "undelete": Operation.write(tables=("users",)),
    "store_refreshed_users": Operation.write(tables=("users",)),
})

