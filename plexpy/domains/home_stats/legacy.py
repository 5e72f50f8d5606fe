"""The home_stats domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path).

The card queries live in ``_legacy_cards`` (ranking cards) and ``_legacy_recent`` (recently watched and
concurrent streams); this module runs them per requested card and reads the guest's libraries and filters.
"""

from __future__ import annotations

from typing import Any

from plexpy import context
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.home_stats import _legacy_cards as cards
from plexpy.domains.home_stats import _legacy_recent as recent
from plexpy.domains.home_stats import shaping
from plexpy.session_rules import FILTER_COLUMNS, GuestScope, guest_scope

__all__ = ["TWIN", "LegacyHomeStats"]

_GUEST = f"SELECT shared_libraries, {', '.join(FILTER_COLUMNS)} FROM users WHERE user_id = ?"

_LIBRARY_STATS = """
SELECT s.section_id AS section_id, s.section_name AS section_name, s.section_type AS section_type,
       s.thumb AS library_thumb, s.custom_thumb_url AS custom_thumb, s.art AS library_art,
       s.custom_art_url AS custom_art, s.count AS count, s.parent_count AS parent_count,
       s.child_count AS child_count, h.id AS id, m.title AS title, m.grandparent_title AS grandparent_title,
       m.full_title AS full_title, m.year AS year, m.media_index AS media_index,
       m.parent_media_index AS parent_media_index, h.rating_key AS rating_key,
       m.grandparent_rating_key AS grandparent_rating_key, m.thumb AS thumb, m.grandparent_thumb AS grandparent_thumb,
       h.user AS user, h.user_id AS user_id, h.player AS player, m.art AS art, h.media_type AS media_type,
       m.content_rating AS content_rating, m.labels AS labels, m.live AS live, m.guid AS guid,
       MAX(h.started) AS last_watch
FROM library_sections AS s
LEFT OUTER JOIN session_history AS h ON s.section_id = h.section_id
LEFT OUTER JOIN session_history_metadata AS m ON h.id = m.id
WHERE s.section_id IN ({ids}) AND s.deleted_section = 0
GROUP BY s.id
ORDER BY s.section_type, s.count DESC, s.parent_count DESC, s.child_count DESC"""


class LegacyHomeStats:
    """Home page statistics on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def get_home_stats(self, grouping: Any = None, time_range: Any = 30, stats_type: Any = "plays",
                       stats_start: Any = 0, stats_count: Any = 10, stat_id: Any = "", stats_cards: Any = None,
                       section_id: Any = None, user_id: Any = None, before: Any = None,
                       after: Any = None) -> Any:
        """Every requested card (or the one ``stat_id`` card); None when any card's query fails."""
        request = shaping.stats_request(grouping, time_range, stats_type, stats_start, stats_count, stat_id,
                                        stats_cards, section_id, user_id, before, after)
        found = []
        for name in request.cards:
            if name not in shaping.CARDS:
                continue
            if request.fails:
                return None
            try:
                rows = self._card_rows(name, request)
                guest = self._guest()
            except TautulliDBError:
                return None
            found.append(shaping.card(name, request, rows, guest))
        return shaping.home_stats_result(request, found)

    def get_library_stats(
        self, library_cards: Any = [],  # noqa: B006 - Tautulli's default, never mutated
    ) -> Any:
        """One card per library with its newest play, grouped by section type; None on a bad id list."""
        try:
            guest = self._guest()
        except TautulliDBError:
            guest = None
        ids = shaping.library_section_ids(library_cards, guest)
        if ids is None:
            return None
        try:
            rows = self._db.select(_LIBRARY_STATS.format(ids=", ".join("?" for _ in ids)), ids)
        except TautulliDBError:
            return None
        return shaping.library_stats_result(rows, guest)

    def _card_rows(self, name: str, request: shaping.StatsRequest) -> Any:
        if name in shaping.MEDIA_CARDS:
            return cards.media_card_rows(self._db, name, request)
        if name == "top_libraries":
            return cards.top_library_rows(self._db, request)
        if name == "top_users":
            return cards.top_user_rows(self._db, request)
        if name == "top_platforms":
            return cards.platform_card_rows(self._db, request)
        if name == "last_watched":
            return recent.last_watched_rows(self._db, request)
        return shaping.most_concurrent(recent.concurrent_rows(self._db, request))

    def _guest(self) -> GuestScope | None:
        """The calling guest's libraries and filters (None for the admin)."""
        guest_id = context.get_session_user_id()
        if not guest_id:
            return None
        return guest_scope(self._db.select_single(_GUEST, [guest_id]))


TWIN = LegacyHomeStats
