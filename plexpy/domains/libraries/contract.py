"""The libraries domain's operations: names, signatures and result shapes shared by both twins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol

from plexpy.datatables.params import request_is_ordered
from shim.operation import Operation, Ordering, operations

__all__ = ["OPERATIONS", "LibrariesOps"]


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
})
