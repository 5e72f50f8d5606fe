"""The libraries domain's operations: names, signatures and result shapes shared by both twins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol

from plexpy.datatables.params import request_is_ordered
from shim.operation import Operation, Ordering, operations

__all__ = ["OPERATIONS", "LibrariesOps"]

_HISTORY = ("session_history", "session_history_media_info", "session_history_metadata")


class LibrariesOps(Protocol):
    """What each twin of the libraries domain implements, in this order."""

    def get_datatables_list(self, kwargs: Mapping[str, Any] | None = None, grouping: Any = None) -> dict[str, Any]:
        """The libraries table (one row per library with its last play)."""
        ...

    def get_datatables_media_info(self, section_id: Any = None, section_type: Any = None, rating_key: Any = None,
                                  refresh: Any = False, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A library's items (from Plex) with their play counts (from the database)."""
        ...

    def get_details(self, section_id: Any = None, server_id: Any = None,
                    include_last_accessed: bool = False) -> dict[str, Any]:
        """A library's details, falling back to the built-in 'Local' library."""
        ...

    def get_library_details(self, section_id: Any = None, server_id: Any = None,
                            include_last_accessed: bool = False) -> dict[str, Any]:
        """A library's details or ``{}``."""
        ...

    def get_watch_time_stats(self, section_id: Any = None, grouping: Any = None,
                             query_days: Any = None) -> list[dict[str, Any]]:
        """Plays and time watched in a library over the last N days."""
        ...

    def get_user_stats(self, section_id: Any = None, grouping: Any = None) -> list[dict[str, Any]]:
        """Plays and time per user in a library, most plays first."""
        ...

    def get_recently_watched(self, section_id: Any = None, limit: Any = "10") -> list[dict[str, Any]]:
        """The latest distinct items watched in a library."""
        ...

    def get_sections(self) -> list[dict[str, Any]] | None:
        """Every library not deleted (no defined order)."""
        ...

    def has_library_type(self, section_type: Any) -> bool:
        """Whether a library of this type exists and is not deleted."""
        ...

    def set_config(self, section_id: Any = None, custom_thumb: Any = "", custom_art: Any = "", do_notify: Any = 1,
                   keep_history: Any = 1, do_notify_created: Any = 1) -> None:
        """Store a library's settings, keyed by section id alone (every server's row changes)."""
        ...

    def delete(self, server_id: Any = None, section_id: Any = None, row_ids: Any = None,
               purge_only: bool = False) -> Any:
        """Purge a library's history (configured server only), then mark it deleted unless ``purge_only``."""
        ...

    def undelete(self, section_id: Any = None, section_name: Any = None) -> Any:
        """Mark deleted libraries active again, by section id or name."""
        ...

    def add_live_tv_library(self, refresh: Any = False) -> None:
        """Add the Live TV library (or, with ``refresh``, rewrite it when present)."""
        ...

    def refresh_libraries(self) -> bool | None:
        """Store the server's libraries as Plex lists them (offline: False)."""
        ...

    def delete_duplicate_libraries(self) -> str | None:
        """Delete the libraries of every server but the configured one."""
        ...


OPERATIONS: Final = operations("libraries", {
    "get_datatables_list": Operation.read(ordered_when=request_is_ordered),
    "get_datatables_media_info": Operation.read(),
    "get_details": Operation.read(),
    "get_library_details": Operation.read(),
    "get_watch_time_stats": Operation.read(),
    "get_user_stats": Operation.read(),
    "get_recently_watched": Operation.read(),
    "get_sections": Operation.read(Ordering.MULTISET),
    "has_library_type": Operation.read(),
    "set_config": Operation.write(tables=("library_sections",)),
    "delete": Operation.write(tables=("library_sections", *_HISTORY)),
    "undelete": Operation.write(tables=("library_sections",)),
    "add_live_tv_library": Operation.write(tables=("library_sections",)),
    "refresh_libraries": Operation.write(tables=("library_sections",)),
    "delete_duplicate_libraries": Operation.write(tables=("library_sections",)),
})
