"""The libraries domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plexpy import context, session_rules
from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.legacy_sql import run_page
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.libraries import _legacy_writes as writes
from plexpy.domains.libraries import media_info, refresh, shaping, writing

__all__ = ["TWIN", "LegacyLibraries"]

_GUEST = f"SELECT {', '.join(shaping.GUEST_COLUMNS)} FROM users WHERE user_id = ?"

_LIBRARIES_TABLE = """
SELECT ls.id AS row_id, ls.server_id AS server_id, ls.section_id AS section_id, ls.section_name AS section_name,
       ls.section_type AS section_type, ls.count AS count, ls.parent_count AS parent_count,
       ls.child_count AS child_count, ls.thumb AS library_thumb, ls.custom_thumb_url AS custom_thumb,
       ls.art AS library_art, ls.custom_art_url AS custom_art, COUNT(DISTINCT {group_col}) AS plays,
       SUM(CASE WHEN h.stopped > 0 THEN h.stopped - h.started ELSE 0 END)
         - SUM(CASE WHEN h.paused_counter IS NULL THEN 0 ELSE h.paused_counter END) AS duration,
       MAX(h.started) AS last_accessed, MAX(h.id) AS history_row_id, m.full_title AS last_played,
       h.rating_key AS rating_key, m.media_type AS media_type, m.thumb AS thumb, m.parent_thumb AS parent_thumb,
       m.grandparent_thumb AS grandparent_thumb, m.parent_title AS parent_title, m.year AS year,
       m.media_index AS media_index, m.parent_media_index AS parent_media_index,
       m.content_rating AS content_rating, m.labels AS labels, m.live AS live, m.added_at AS added_at,
       m.originally_available_at AS originally_available_at, m.guid AS guid, ls.do_notify AS do_notify,
       ls.do_notify_created AS do_notify_created, ls.keep_history AS keep_history, ls.is_active AS is_active
FROM library_sections AS ls
LEFT OUTER JOIN session_history AS h ON h.section_id = ls.section_id
LEFT OUTER JOIN session_history_metadata AS m ON h.id = m.id
WHERE {where}
GROUP BY ls.server_id, ls.section_id"""

_PLAY_COUNTS = """
SELECT {group_by} AS item_key, MAX(started) AS last_played, COUNT(DISTINCT {count_by}) AS play_count
FROM session_history
WHERE section_id = ?
GROUP BY {group_by}"""

_LIBRARY_DETAILS = """
SELECT ls.id AS row_id, ls.server_id AS server_id, ls.section_id AS section_id, ls.section_name AS section_name,
       ls.section_type AS section_type, ls.count AS count, ls.parent_count AS parent_count,
       ls.child_count AS child_count, ls.thumb AS library_thumb, ls.custom_thumb_url AS custom_thumb,
       ls.art AS library_art, ls.custom_art_url AS custom_art, ls.is_active AS is_active,
       ls.do_notify AS do_notify, ls.do_notify_created AS do_notify_created, ls.keep_history AS keep_history,
       ls.deleted_section AS deleted_section, {last_accessed} AS last_accessed
FROM library_sections AS ls {join}
WHERE ls.section_id = ? AND ls.server_id = ?"""

_WATCH_TIME = """
SELECT SUM(h.stopped - h.started)
         - SUM(CASE WHEN h.paused_counter IS NULL THEN 0 ELSE h.paused_counter END) AS total_time,
       COUNT(DISTINCT {group_col}) AS total_plays
FROM session_history AS h
JOIN session_history_metadata AS m ON m.id = h.id
WHERE h.section_id = ? {since}"""

_USER_STATS = """
SELECT CASE WHEN u.friendly_name IS NULL OR TRIM(u.friendly_name) = '' THEN u.username
            ELSE u.friendly_name END AS friendly_name,
       u.user_id AS user_id, u.username AS username, u.thumb AS thumb, u.custom_avatar_url AS custom_thumb,
       COUNT(DISTINCT {group_col}) AS total_plays,
       SUM(h.stopped - h.started)
         - SUM(CASE WHEN h.paused_counter IS NULL THEN 0 ELSE h.paused_counter END) AS total_time
FROM session_history AS h
JOIN session_history_metadata AS m ON m.id = h.id
JOIN users AS u ON u.user_id = h.user_id
WHERE h.section_id = ?
GROUP BY u.user_id
ORDER BY total_plays DESC, total_time DESC"""

_RECENTLY_WATCHED = """
SELECT h.id AS id, h.media_type AS media_type, m.guid AS guid, h.rating_key AS rating_key,
       h.parent_rating_key AS parent_rating_key, h.grandparent_rating_key AS grandparent_rating_key,
       m.title AS title, m.parent_title AS parent_title, m.grandparent_title AS grandparent_title,
       m.original_title AS original_title, m.thumb AS thumb, m.parent_thumb AS parent_thumb,
       m.grandparent_thumb AS grandparent_thumb, m.media_index AS media_index,
       m.parent_media_index AS parent_media_index, m.year AS year,
       m.originally_available_at AS originally_available_at, m.added_at AS added_at, m.live AS live,
       h.started AS started, h.user AS user, m.content_rating AS content_rating, m.labels AS labels,
       h.section_id AS section_id
FROM session_history_metadata AS m
JOIN session_history AS h ON m.id = h.id
WHERE h.section_id = ?
GROUP BY h.rating_key
ORDER BY MAX(h.started) DESC
LIMIT ?"""

_SECTIONS = "SELECT section_id, section_name, section_type, agent FROM library_sections WHERE deleted_section = 0"

_HAS_TYPE = "SELECT id FROM library_sections WHERE section_type = ? AND deleted_section = 0 LIMIT 1"


class LegacyLibraries:
    """Library reads on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def _guest(self) -> session_rules.GuestScope | None:
        """The calling guest's shared libraries and filters (None for the admin)."""
        guest_id = context.get_session_user_id()
        if not guest_id:
            return None
        try:
            row = self._db.select_single(_GUEST, [guest_id]) if guest_id.isdigit() else {}
        except TautulliDBError:
            row = {}
        return session_rules.guest_scope(row)

    def get_datatables_list(self, kwargs: Mapping[str, Any] | None = None, grouping: Any = None) -> dict[str, Any]:
        """The libraries table (one row per library with its newest play)."""
        guest = self._guest()
        where, args = ["ls.deleted_section = ?"], [0]
        if guest is not None and guest.library_ids:
            where.append("(" + " OR ".join("ls.section_id = ?" for _ in guest.library_ids) + ")")
            args.extend(guest.library_ids)
        group_col = "h.reference_id" if shaping.grouping(grouping) else "h.id"
        inner = _LIBRARIES_TABLE.format(group_col=group_col, where=" AND ".join(where))
        try:
            request = resolve(kwargs, shaping.LIST_ALIASES)
            page = run_page(self._db, inner, args, request, "library_sections")
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.list_row(r) for r in page.rows], guest)

    def _play_counts(self, section_id: Any, section_type: Any) -> dict[str, dict[str, Any]]:
        count_by = "reference_id" if context.config("GROUP_HISTORY_TABLES") else "id"
        group_by = shaping.media_group_column(section_type)
        rows = self._db.select(_PLAY_COUNTS.format(group_by=group_by, count_by=count_by), [section_id])
        return {str(r["item_key"]): {"last_played": r["last_played"], "play_count": r["play_count"]} for r in rows}

    def get_datatables_media_info(self, section_id: Any = None, section_type: Any = None, rating_key: Any = None,
                                  refresh: Any = False, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A library's items (from Plex or the cache) with their play counts from the database."""
        if not session_rules.allow_session_library(section_id, self._guest()):
            return media_info.media_info_empty()
        if media_info.invalid_request(section_id, rating_key):
            return media_info.media_info_empty()
        details = self.get_details(section_id=section_id)
        if details["section_id"] is None:
            return media_info.media_info_empty()
        section_type = section_type or details["section_type"]
        try:
            watched = self._play_counts(section_id, section_type)
        except TautulliDBError:
            return media_info.media_info_empty()
        return media_info.datatable(details, watched, section_id=section_id, section_type=section_type,
                                    rating_key=rating_key, refresh=refresh, kwargs=kwargs)

    def get_details(self, section_id: Any = None, server_id: Any = None,
                    include_last_accessed: bool = False) -> dict[str, Any]:
        """A library's details; an unknown library triggers a server refresh, then falls back to 'Local'."""
        if not section_id:
            return shaping.default_details()
        if server_id is None:
            server_id = context.config("PMS_IDENTIFIER")
        details = self.get_library_details(section_id=section_id, server_id=server_id,
                                           include_last_accessed=include_last_accessed)
        if details:
            return details
        refresh.refresh_libraries(self)
        details = self.get_library_details(section_id=section_id, server_id=server_id,
                                           include_last_accessed=include_last_accessed)
        return details or shaping.default_details()

    def get_library_details(self, section_id: Any = None, server_id: Any = None,
                            include_last_accessed: bool = False) -> dict[str, Any]:
        """A library's details on a server (default: the configured one), or ``{}``."""
        if server_id is None:
            server_id = context.config("PMS_IDENTIFIER")
        if shaping.digit_id(section_id) is None:
            return {}
        last_accessed, join = "NULL", ""
        if include_last_accessed:
            last_accessed = "MAX(h.started)"
            join = "LEFT OUTER JOIN session_history AS h ON ls.section_id = h.section_id"
        query = _LIBRARY_DETAILS.format(last_accessed=last_accessed, join=join)
        try:
            rows = self._db.select(query, [section_id, server_id])
        except TautulliDBError:
            rows = []
        return shaping.library_details(rows)

    def get_watch_time_stats(self, section_id: Any = None, grouping: Any = None,
                             query_days: Any = None) -> list[dict[str, Any]]:
        """Plays and time watched in a library over each window of days."""
        if not session_rules.allow_session_library(section_id, self._guest()):
            return []
        group_col = "h.reference_id" if shaping.grouping(grouping) else "h.id"
        now = context.now()
        stats = []
        for days in shaping.query_days(query_days):
            rows: list[dict[str, Any]] = []
            if shaping.digit_id(section_id) is not None:
                since, args = ("AND h.stopped >= ?", [section_id, now - days * 86400]) if days > 0 \
                    else ("", [section_id])
                try:
                    rows = self._db.select(_WATCH_TIME.format(group_col=group_col, since=since), args)
                except TautulliDBError:
                    rows = []
            stats.extend(shaping.watch_time_stat(days, r) for r in rows)
        return stats

    def get_user_stats(self, section_id: Any = None, grouping: Any = None) -> list[dict[str, Any]]:
        """Plays and time per user in a library, most plays first."""
        guest = self._guest()
        if not session_rules.allow_session_library(section_id, guest):
            return []
        group_col = "h.reference_id" if shaping.grouping(grouping) else "h.id"
        rows: list[dict[str, Any]] = []
        if shaping.digit_id(section_id) is not None:
            try:
                rows = self._db.select(_USER_STATS.format(group_col=group_col), [section_id])
            except TautulliDBError:
                rows = []
        return session_rules.mask_session_info([shaping.user_stat(r) for r in rows], guest, mask_metadata=False)

    def get_recently_watched(self, section_id: Any = None, limit: Any = "10") -> list[dict[str, Any]]:
        """The latest distinct items watched in a library."""
        guest = self._guest()
        if not session_rules.allow_session_library(section_id, guest):
            return []
        limit = shaping.recent_limit(limit)
        rows: list[dict[str, Any]] = []
        if shaping.digit_id(section_id) is not None:
            try:
                rows = self._db.select(_RECENTLY_WATCHED, [section_id, limit])
            except TautulliDBError:
                rows = []
        return session_rules.mask_session_info([shaping.recently_watched_row(r) for r in rows], guest)

    def get_sections(self) -> list[dict[str, Any]] | None:
        """Every library not deleted."""
        try:
            rows = self._db.select(_SECTIONS)
        except TautulliDBError:
            return None
        return [shaping.section_row(r) for r in rows]

    def has_library_type(self, section_type: Any) -> bool:
        """Whether a library of this type exists and is not deleted."""
        return bool(self._db.select_single(_HAS_TYPE, [section_type]))

    def set_config(self, section_id: Any = None, custom_thumb: Any = "", custom_art: Any = "", do_notify: Any = 1,
                   keep_history: Any = 1, do_notify_created: Any = 1) -> None:
        """Store a library's settings, keyed by section id alone (every server's row changes)."""
        if not section_id:
            return
        values = writing.config_values(custom_thumb, custom_art, do_notify, do_notify_created, keep_history)
        try:
            with self._db.transaction():
                writes.upsert_section(self._db, values, {"section_id": section_id})
        except TautulliDBError as exc:
            writing.failed(exc, "libraries.set_config_failed", section_id=str(section_id))

    def delete(self, server_id: Any = None, section_id: Any = None, row_ids: Any = None,
               purge_only: bool = False) -> Any:
        """Purge a library's history (configured server only), then mark it deleted unless ``purge_only``."""
        if row_ids:
            ids = writing.row_ids(row_ids)
            with self._db.transaction():
                found = writes.libraries_of_rows(self._db, ids)
                return all([self.delete(server_id=r["server_id"], section_id=r["section_id"],  # noqa: C419 - every delete runs
                                        purge_only=purge_only) for r in found])
        if not str(section_id).isdigit():
            return False
        server_id = writing.delete_server(server_id)
        with self._db.transaction():
            purged = writes.purge_history(self._db, section_id) if writing.purges_history(server_id) else True
            if purge_only:
                return purged
            try:
                writes.mark_deleted(self._db, server_id, section_id)
            except TautulliDBError as exc:
                writing.failed(exc, "libraries.delete_failed", section_id=str(section_id))
                return None
            return purged

    def undelete(self, section_id: Any = None, section_name: Any = None) -> Any:
        """Mark deleted libraries active again, by section id or name; False when none matches."""
        target = writing.undelete_target(section_id, section_name)
        if target is None:
            return None
        try:
            with self._db.transaction():
                return writes.mark_undeleted(self._db, *target)
        except TautulliDBError as exc:
            writing.failed(exc, "libraries.undelete_failed", column=target[0])
            return None

    def add_live_tv_library(self, refresh: Any = False) -> None:
        """Add the Live TV library (or, with ``refresh``, rewrite it when present)."""
        with self._db.transaction():
            writes.live_tv(self._db, refresh)

    def refresh_libraries(self) -> bool | None:
        """Store the server's libraries as Plex lists them (offline: False)."""
        return refresh.refresh_libraries(self)

    def store_refreshed_libraries(self, sections: list[dict[str, Any]]) -> list[Any]:
        """Store what a refresh read from the server (one transaction); return the new section ids."""
        with self._db.transaction():
            return writes.store_sections(self._db, context.config("PMS_IDENTIFIER"), sections)

    def delete_duplicate_libraries(self) -> str | None:
        """Delete the libraries of every server but the configured one."""
        try:
            with self._db.transaction():
                writes.delete_other_servers(self._db, context.config("PMS_IDENTIFIER"))
        except TautulliDBError as exc:
            writing.failed(exc, "libraries.delete_duplicates_failed")
            return None
        return writing.DUPLICATES_DELETED


TWIN = LegacyLibraries
