"""``DataFactory`` methods of the ``history`` domain (and ``get_stream_details``, which also serves ``activity``)."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.activity import pms_metadata
from plexpy.domains.activity.contract import OPERATIONS as _ACTIVITY
from plexpy.domains.history import writing
from plexpy.domains.history.contract import OPERATIONS as _OPS

__all__ = ["HistoryFacade"]


class HistoryFacade:
    """The ``history`` part of Tautulli's ``DataFactory``."""

    def get_datatables_history(self, kwargs: Any = None, custom_where: Any = None, grouping: Any = None,
                               include_activity: Any = None) -> Any:
        """The history table (DataTables), with ``filter_duration`` and ``total_duration``."""
        return runtime.route(_OPS["get_datatables_history"], kwargs=kwargs, custom_where=custom_where,
                             grouping=grouping, include_activity=include_activity)

    def get_total_duration(self, custom_where: Any = None) -> Any:
        """Seconds watched over the history rows a ``custom_where`` selects."""
        return runtime.route(_OPS["get_total_duration"], custom_where=custom_where)

    def get_stream_details(self, row_id: Any = None, session_key: Any = None) -> Any:
        """Stream details of a history row (``row_id``: history) or of a live session (``session_key``: activity)."""
        op = _ACTIVITY["get_stream_details"] if not row_id and session_key else _OPS["get_stream_details"]
        return runtime.route(op, row_id=row_id, session_key=session_key)

    def get_metadata_details(self, rating_key: Any = "", guid: Any = "") -> Any:
        """Metadata of an item's newest play, or ``[]``."""
        return runtime.route(_OPS["get_metadata_details"], rating_key=rating_key, guid=guid)

    def get_watch_time_stats(self, rating_key: Any = None, guid: Any = None, media_type: Any = None,
                             grouping: Any = None, query_days: Any = None) -> Any:
        """Plays and time watched of an item over windows of days."""
        return runtime.route(_OPS["get_watch_time_stats"], rating_key=rating_key, guid=guid, media_type=media_type,
                             grouping=grouping, query_days=query_days)

    def get_user_stats(self, rating_key: Any = None, guid: Any = None, media_type: Any = None,
                       grouping: Any = None) -> Any:
        """Plays and time per user of an item."""
        return runtime.route(_OPS["get_user_stats"], rating_key=rating_key, guid=guid, media_type=media_type,
                             grouping=grouping)

    def get_search_query(self, rating_key: Any = "") -> Any:
        """What to search Plex for to find an item again."""
        return runtime.route(_OPS["get_search_query"], rating_key=rating_key)

    def get_rating_keys_list(self, rating_key: Any = "", media_type: Any = "") -> Any:
        """The rating key tree an item belongs to."""
        return runtime.route(_OPS["get_rating_keys_list"], rating_key=rating_key, media_type=media_type)

    def get_user_devices(self, user_id: Any = "", history_only: bool = True) -> Any:
        """The machine ids a user played from."""
        return runtime.route(_OPS["get_user_devices"], user_id=user_id, history_only=history_only)

    def update_metadata(self, old_key_list: Any = "", new_key_list: Any = "", media_type: Any = "",
                        single_update: Any = False) -> Any:
        """Re-key the history of old Plex items to their new keys (Plex is asked once per pair, here)."""
        fetched = {str(new): pms_metadata.metadata_details(new)
                   for new in writing.key_pairs(old_key_list, new_key_list).values()}
        return runtime.route(_OPS["update_metadata"], old_key_list=old_key_list, new_key_list=new_key_list,
                             media_type=media_type, single_update=single_update, metadata=fetched)

    def update_metadata_details(self, old_rating_key: Any = "", new_rating_key: Any = "", metadata: Any = None,
                                ids: Any = None) -> Any:
        """Rewrite the section and metadata rows of these plays (ids as text) from Plex's metadata of the item."""
        return runtime.route(_OPS["update_metadata_details"], old_rating_key=old_rating_key,
                             new_rating_key=new_rating_key, metadata=metadata, ids=ids)
