"""Tautulli-compatible facade of ``plexpy.libraries``: same functions, class, method names and signatures as v2.17.2.

Each method is one routed call; the ``libraries`` flag decides which twin answers (and whether the other is
compared). ``get_datatables_media_info`` opens a call scope first, so both paths share one item list from
Plex (see :mod:`plexpy.domains.libraries.media_info`). ``refresh_libraries`` asks for a settings change
(``HOME_LIBRARY_CARDS``) instead of writing Tautulli's config: collect it with :func:`config_changes`.
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.libraries import media_info
from plexpy.domains.libraries import refresh as _refresh
from plexpy.domains.libraries.contract import OPERATIONS as _OPS
from plexpy.domains.libraries.refresh import config_changes

__all__ = ["Libraries", "add_live_tv_library", "config_changes", "has_library_type", "refresh_libraries"]


def refresh_libraries() -> Any:
    """Store the server's libraries as Plex lists them: True, False when unreadable, None without a server."""
    with _refresh.call_scope():
        return runtime.route(_OPS["refresh_libraries"])


def add_live_tv_library(refresh: Any = False) -> Any:
    """Add the Live TV library (or, with ``refresh``, rewrite it when present)."""
    return runtime.route(_OPS["add_live_tv_library"], refresh=refresh)


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

    def set_config(self, section_id: Any = None, custom_thumb: Any = "", custom_art: Any = "", do_notify: Any = 1,
                   keep_history: Any = 1, do_notify_created: Any = 1) -> Any:
        """Store a library's settings (keyed by section id alone: every server's row changes)."""
        return runtime.route(_OPS["set_config"], section_id=section_id, custom_thumb=custom_thumb,
                             custom_art=custom_art, do_notify=do_notify, keep_history=keep_history,
                             do_notify_created=do_notify_created)

    def delete(self, server_id: Any = None, section_id: Any = None, row_ids: Any = None,
               purge_only: bool = False) -> Any:
        """Purge a library's history and mark it deleted."""
        return runtime.route(_OPS["delete"], server_id=server_id, section_id=section_id, row_ids=row_ids,
                             purge_only=purge_only)

    def undelete(self, section_id: Any = None, section_name: Any = None) -> Any:
        """Mark a deleted library active again."""
        return runtime.route(_OPS["undelete"], section_id=section_id, section_name=section_name)

    def delete_duplicate_libraries(self) -> Any:
        """Delete the libraries of every server but the configured one."""
        return runtime.route(_OPS["delete_duplicate_libraries"])
