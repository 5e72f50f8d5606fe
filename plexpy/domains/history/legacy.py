"""The history domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plexpy import context, session_rules
from plexpy.datatables import DataTablesError
from plexpy.datatables.custom_where import CustomWhere, CustomWhereError, CustomWhereFailure, parse
from plexpy.datatables.legacy_sql import run_page
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.history import _legacy_writes, item_shaping, shaping, writing
from plexpy.domains.history.children import item_children
from plexpy.domains.history.legacy_table import history_sql, total_duration_sql

__all__ = ["TWIN", "LegacyHistory"]

_GUEST = ("SELECT shared_libraries, filter_all, filter_movies, filter_tv, filter_music, filter_photos "
          "FROM users WHERE user_id = ?")

_LIVE_THUMBS = "SELECT user_id, thumb, custom_avatar_url FROM users WHERE deleted_user = 0"

_STREAM_DETAILS = """
SELECT i.bitrate, i.video_full_resolution, i.optimized_version, i.optimized_version_profile,
       i.optimized_version_title, i.synced_version, i.synced_version_profile, i.container, i.video_codec,
       i.video_bitrate, i.video_width, i.video_height, i.video_framerate, i.video_dynamic_range, i.aspect_ratio,
       i.audio_codec, i.audio_bitrate, i.audio_channels, i.audio_language, i.audio_language_code,
       i.subtitle_codec, i.subtitle_forced, i.subtitle_language, i.stream_bitrate,
       i.stream_video_full_resolution, h.quality_profile, i.stream_container_decision, i.stream_container,
       i.stream_video_decision, i.stream_video_codec, i.stream_video_bitrate, i.stream_video_width,
       i.stream_video_height, i.stream_video_framerate, i.stream_video_dynamic_range, i.stream_audio_decision,
       i.stream_audio_codec, i.stream_audio_bitrate, i.stream_audio_channels, i.stream_audio_language,
       i.stream_audio_language_code, i.subtitles, i.stream_subtitle_decision, i.stream_subtitle_codec,
       i.stream_subtitle_forced, i.stream_subtitle_language, i.transcode_hw_decoding, i.transcode_hw_encoding,
       i.video_decision, i.audio_decision, i.transcode_decision, i.width, i.height, i.transcode_container,
       i.transcode_video_codec, i.transcode_audio_codec, i.transcode_audio_channels, i.transcode_width,
       i.transcode_height, m.media_type, m.title, m.grandparent_title, m.original_title
FROM session_history_media_info AS i
JOIN session_history AS h ON h.id = i.id
JOIN session_history_metadata AS m ON m.id = i.id
WHERE i.id = ? {guest}"""

_METADATA_DETAILS = """
SELECT h.section_id, m.id, m.rating_key, m.parent_rating_key, m.grandparent_rating_key, m.title,
       m.parent_title, m.grandparent_title, m.original_title, m.full_title, l.section_name, m.media_index,
       m.parent_media_index, m.thumb, m.parent_thumb, m.grandparent_thumb, m.art, m.media_type, m.year,
       m.originally_available_at, m.added_at, m.updated_at, m.last_viewed_at, m.content_rating, m.summary,
       m.tagline, m.rating, m.duration, m.guid, m.directors, m.writers, m.actors, m.genres, m.studio, m.labels,
       i.container, i.bitrate, i.video_codec, i.video_resolution, i.video_full_resolution, i.video_framerate,
       i.audio_codec, i.audio_channels, m.live, m.channel_call_sign, m.channel_id, m.channel_identifier,
       m.channel_title, m.channel_thumb, m.channel_vcn
FROM session_history_metadata AS m
JOIN session_history AS h ON h.id = m.id
JOIN session_history_media_info AS i ON i.id = m.id
JOIN library_sections AS l ON l.section_id = h.section_id
WHERE {match}
ORDER BY m.id DESC, l.id
LIMIT 1"""

_ITEM_KEYS = "h.grandparent_rating_key IN ({marks}) OR h.parent_rating_key IN ({marks}) OR h.rating_key IN ({marks})"

_WATCH_TIME = """
SELECT SUM(h.stopped - h.started) - SUM(IFNULL(h.paused_counter, 0)) AS total_time,
       COUNT(DISTINCT h.{group_col}) AS total_plays, h.section_id AS section_id
FROM session_history AS h
JOIN session_history_metadata AS m ON m.id = h.id
WHERE {since} ({match})"""

_USER_STATS = """
SELECT CASE WHEN u.friendly_name IS NULL OR TRIM(u.friendly_name) = '' THEN u.username
            ELSE u.friendly_name END AS friendly_name,
       u.user_id AS user_id, u.username AS username, u.thumb AS thumb, u.custom_avatar_url AS custom_thumb,
       COUNT(DISTINCT h.{group_col}) AS total_plays,
       SUM(h.stopped - h.started) - SUM(IFNULL(h.paused_counter, 0)) AS total_time, h.section_id AS section_id
FROM session_history AS h
JOIN session_history_metadata AS m ON m.id = h.id
JOIN users AS u ON u.user_id = h.user_id
WHERE {match}
GROUP BY u.user_id
ORDER BY total_plays DESC, total_time DESC"""

_ITEM_ROW = """
SELECT rating_key, parent_rating_key, grandparent_rating_key, title, parent_title, grandparent_title,
       media_index, parent_media_index, year, media_type
FROM session_history_metadata
WHERE rating_key = ? OR parent_rating_key = ? OR grandparent_rating_key = ?
LIMIT 1"""

_KEY_LEVEL = """
SELECT rating_key, parent_rating_key, grandparent_rating_key, title, parent_title, grandparent_title,
       media_index, parent_media_index
FROM session_history_metadata
WHERE {match} = ?
GROUP BY {level}
ORDER BY {level} DESC"""

_KEY_LEVELS = {
    "grandparent": ("grandparent_rating_key", "grandparent_rating_key"),
    "parent": ("grandparent_rating_key", "parent_rating_key"),
    "child": ("parent_rating_key", "rating_key"),
}

_DEVICES = "SELECT machine_id FROM session_history WHERE user_id = ? GROUP BY machine_id"

_DEVICES_ALL = """
SELECT machine_id FROM (
    SELECT user_id, machine_id FROM session_history
    UNION
    SELECT user_id, machine_id FROM sessions_continued
) AS devices
WHERE user_id = ?
GROUP BY machine_id"""


class LegacyHistory:
    """History reads and writes on the legacy executor (the writes are in ``_legacy_writes``)."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def _guest(self) -> session_rules.GuestScope | None:
        guest_id = context.get_session_user_id()
        if not guest_id:
            return None
        try:
            row = self._db.select_single(_GUEST, [guest_id])
        except TautulliDBError:
            row = {}
        return session_rules.guest_scope(row)

    def _live_thumbs(self) -> dict[Any, Any]:
        return {r["user_id"]: shaping.live_thumb(r) for r in self._db.select(_LIVE_THUMBS)}

    def _total_duration(self, where: CustomWhere) -> Any:
        sql, args = total_duration_sql(where)
        try:
            rows = self._db.select(sql, args)
        except TautulliDBError:
            return None
        total = 0
        for row in rows:
            total = row["total_duration"]
        return total

    def get_datatables_history(self, kwargs: Mapping[str, Any] | None = None, custom_where: Any = None,
                               grouping: Any = None, include_activity: Any = None) -> dict[str, Any]:
        """The history table, grouped by play or not, with live sessions when asked."""
        grouping = shaping.grouping(grouping)
        include_activity = shaping.include_activity(include_activity)
        filters = shaping.history_filters(custom_where)
        try:
            request, where = shaping.history_request(kwargs, filters)
            sql, args = history_sql(where, grouping, include_activity)
            page = run_page(self._db, sql, args, request, "session_history")
        except (DataTablesError, CustomWhereFailure, TautulliDBError):
            return shaping.datatables_empty()
        thumbs = self._live_thumbs() if any(r["state"] for r in page.rows) else None
        rows, filter_duration = shaping.history_rows(page.rows, thumbs)
        return shaping.datatables_result(page, rows, filter_duration, self._total_duration(where.anded()))

    def get_total_duration(self, custom_where: Any = None) -> Any:
        """Seconds watched over the rows a ``custom_where`` selects; None when the query fails or finds nothing."""
        if custom_where is None:
            raise TypeError("'NoneType' object is not iterable")
        try:
            where = parse(custom_where)
        except CustomWhereFailure as exc:
            if exc.at_build:
                raise CustomWhereError(str(exc)) from exc
            return None
        return self._total_duration(where)

    def get_stream_details(self, row_id: Any = None, session_key: Any = None) -> dict[str, Any] | None:
        """Stream details of one history row (a guest sees only their own)."""
        if not row_id:
            return None
        guest, args = "", [row_id]
        if context.get_session_user_id():
            guest, args = "AND h.user_id = ?", [row_id, context.get_session_user_id()]
        rows = self._db.select(_STREAM_DETAILS.format(guest=guest), args)
        return item_shaping.stream_details(rows, current_session=bool(session_key))

    def get_metadata_details(self, rating_key: Any = "", guid: Any = "") -> dict[str, Any] | list[Any]:
        """Metadata of an item's newest play (by rating key, or by guid prefix), or ``[]``."""
        rows: list[dict[str, Any]] = []
        if guid:
            rows = self._db.select(_METADATA_DETAILS.format(match="m.guid LIKE ?"), [guid.split("?")[0] + "%"])
        elif rating_key:
            rows = self._db.select(_METADATA_DETAILS.format(match="m.rating_key = ?"), [rating_key])
        metadata = item_shaping.metadata_rows(rows)
        visible = session_rules.filter_session_info(metadata, self._guest(), filter_key="section_id")
        return visible[0] if visible else []

    def _item_rows(self, sql: str, rating_key: Any, keys: list[Any], guid: Any,
                   args: list[Any]) -> list[dict[str, Any]]:
        """Run a per-item stats query by rating keys (an item, or a collection's items) or by guid."""
        if str(rating_key).isdigit():
            marks = ", ".join("?" for _ in keys)
            return self._db.select(sql.format(match=_ITEM_KEYS.format(marks=marks)), [*args, *keys * 3])
        if guid:
            return self._db.select(sql.format(match="m.guid = ?"), [*args, guid])
        return []

    def get_watch_time_stats(self, rating_key: Any = None, guid: Any = None, media_type: Any = None,
                             grouping: Any = None, query_days: Any = None) -> list[dict[str, Any]]:
        """Plays and time watched of an item over each window of days."""
        if rating_key is None and guid is None:
            return []
        group_col = "reference_id" if shaping.grouping(grouping) else "id"
        keys = item_shaping.item_keys(rating_key, media_type, item_children)
        stats, section_ids = [], set()
        for days in item_shaping.query_days(query_days):
            since, args = ("h.stopped >= ? AND", [context.now() - days * 86400]) if days > 0 else ("", [])
            sql = _WATCH_TIME.format(group_col=group_col, since=since, match="{match}")
            try:
                rows = self._item_rows(sql, rating_key, keys, guid, args)
            except TautulliDBError:
                rows = []
            for row in rows:
                section_ids.add(row["section_id"])
                stats.append(item_shaping.watch_time_stat(days, row))
        guest = self._guest()
        if not all(session_rules.allow_session_library(s, guest) for s in section_ids):
            return []
        return stats

    def get_user_stats(self, rating_key: Any = None, guid: Any = None, media_type: Any = None,
                       grouping: Any = None) -> list[dict[str, Any]]:
        """Plays and time per user of an item, most plays first (a guest sees others masked)."""
        group_col = "reference_id" if shaping.grouping(grouping) else "id"
        sql = _USER_STATS.format(group_col=group_col, match="{match}")
        keys = item_shaping.item_keys(rating_key, media_type, item_children)
        try:
            rows = self._item_rows(sql, rating_key, keys, guid, [])
        except TautulliDBError:
            rows = []
        guest = self._guest()
        if not all(session_rules.allow_session_library(r["section_id"], guest) for r in rows):
            return []
        return session_rules.mask_session_info([item_shaping.user_stat(r) for r in rows], guest, mask_metadata=False)

    def get_search_query(self, rating_key: Any = "") -> dict[str, Any] | None:
        """What to search for to find an item (the first history row that mentions its key)."""
        rows = self._db.select(_ITEM_ROW, [rating_key] * 3) if rating_key else []
        return item_shaping.search_query(rows, rating_key)

    def _key_level(self, level: str, key: Any) -> list[dict[str, Any]]:
        match, group = _KEY_LEVELS[level]
        return self._db.select(_KEY_LEVEL.format(match=match, level=group), [key])

    def get_rating_keys_list(self, rating_key: Any = "", media_type: Any = "") -> dict[Any, Any]:
        """The key tree of the show, season, artist or album an item belongs to."""
        if media_type == "movie":
            return {0: {"rating_key": int(rating_key)}}
        try:
            root = self._db.select(_ITEM_ROW, [rating_key] * 3)[0]["grandparent_rating_key"]
        except (TautulliDBError, IndexError):
            return {}
        return item_shaping.rating_key_tree(root, self._key_level, item_shaping.match_type(media_type))

    def get_user_devices(self, user_id: Any = "", history_only: bool = True) -> list[Any]:
        """The machine ids a user played from (with ``history_only`` False, also their continued sessions)."""
        if not user_id:
            return []
        try:
            rows = self._db.select(_DEVICES if history_only else _DEVICES_ALL, [user_id])
        except TautulliDBError:
            return []
        return [r["machine_id"] for r in rows]

    def update_metadata(self, old_key_list: Any = "", new_key_list: Any = "", media_type: Any = "",
                        single_update: Any = False, metadata: Mapping[str, Any] | None = None) -> str:
        """Re-key the history of old Plex items to their new keys (one transaction); Tautulli's message."""
        return _legacy_writes.update_metadata(self._db, old_key_list, new_key_list, single_update, metadata)

    def update_metadata_details(self, old_rating_key: Any = "", new_rating_key: Any = "", metadata: Any = None,
                                ids: Any = None) -> None:
        """Rewrite the section and metadata rows of these plays from Plex's metadata of their item."""
        if metadata:
            _legacy_writes.update_details(self._db, metadata, writing.id_list(ids))

    def delete_session_history_rows(self, row_ids: Any = None) -> bool:
        """Delete plays (ids as a list or a comma string) from the three history tables, then VACUUM."""
        return _legacy_writes.delete_rows(self._db, writing.HISTORY_TABLES, row_ids)

    def delete_user_history(self, user_id: Any = None) -> Any:
        """Delete every play of a user: bool, None for a non-numeric id."""
        return _legacy_writes.delete_history_of(self._db, "user_id", user_id)

    def delete_library_history(self, section_id: Any = None) -> Any:
        """Delete every play of a section (on any server): bool, None for a non-numeric id."""
        return _legacy_writes.delete_history_of(self._db, "section_id", section_id)

    def delete_rows_from_table(self, table: Any, row_ids: Any) -> bool:
        """Delete rows by id from one table, then VACUUM; False when the delete failed."""
        return _legacy_writes.delete_rows(self._db, (table,), row_ids)


TWIN = LegacyHistory
