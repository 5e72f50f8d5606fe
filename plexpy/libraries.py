"""Tautulli-compatible facade of ``plexpy.libraries`` (reads): same class, method names and signatures as v2.17.2.

Each method is one routed call; the ``libraries`` flag decides which twin answers (and whether the other is
compared). ``get_datatables_media_info`` opens a call scope first, so both paths share one item list from
Plex (see :mod:`plexpy.domains.libraries.media_info`).
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.libraries import media_info
from plexpy.domains.libraries.contract import OPERATIONS as _OPS

__all__ = ["Libraries", "has_library_type"]


def has_library_type(section_type: Any) -> Any:
    """Whether a library of this type exists and is not deleted."""
    return runtime.route(_OPS["has_library_type"], section_type=section_type)


class Libraries:
    """Libraries, as Tautulli's web interface and API call them."""

    def __init__(self) -> None:
        pass

    def get_datatables_list(self, kwargs: Any = None, grouping: Any = None) -> Any:
        """The libraries table (DataTables)."""
        return runtime.route(_OPS["get_datatables_list"], kwargs=kwargs, grouping=grouping)

    def get_datatables_media_info(self, section_id: Any = None, section_type: Any = None, rating_key: Any = None,
                                  refresh: Any = False, kwargs: Any = None) -> Any:
        """A library's items with their play counts (DataTables)."""
        with media_info.call_scope():
            return runtime.route(_OPS["get_datatables_media_info"], section_id=section_id,
                                 section_type=section_type, rating_key=rating_key, refresh=refresh, kwargs=kwargs)

    def get_details(self, section_id: Any = None, server_id: Any = None, include_last_accessed: bool = False) -> Any:
        """A library's details, falling back to the built-in 'Local' library."""
        return runtime.route(_OPS["get_details"], section_id=section_id, server_id=server_id,
                             include_last_accessed=include_last_accessed)

    def get_library_details(self, section_id: Any = None, server_id: Any = None,
                            include_last_accessed: bool = False) -> Any:
        """A library's details or ``{}``."""
        return runtime.route(_OPS["get_library_details"], section_id=section_id, server_id=server_id,
                             include_last_accessed=include_last_accessed)

    def get_watch_time_stats(self, section_id: Any = None, grouping: Any = None, query_days: Any = None) -> Any:
        """Plays and time watched in a library over the last N days."""
        return runtime.route(_OPS["get_watch_time_stats"], section_id=section_id, grouping=grouping,
                             query_days=query_days)

    def get_user_stats(self, section_id: Any = None, grouping: Any = None) -> Any:
        """Plays and time per user in a library."""
        return runtime.route(_OPS["get_user_stats"], section_id=section_id, grouping=grouping)

    def get_recently_watched(self, section_id: Any = None, limit: Any = "10") -> Any:
        """The latest items watched in a library."""
        return runtime.route(_OPS["get_recently_watched"], section_id=section_id, limit=limit)

    def get_sections(self) -> Any:
        """Every library not deleted."""
        return runtime.route(_OPS["get_sections"])
