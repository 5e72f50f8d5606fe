"""The users domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog

from plexpy import context
from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.legacy_sql import run_page
from plexpy.db.errors import TautulliDBError
from plexpy.db.retry import is_locked
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.users import _legacy_refresh, shaping
from plexpy.domains.users.refresh import refresh_users

__all__ = ["TWIN", "LegacyUsers"]

log = structlog.get_logger(__name__)

_FRIENDLY = ("CASE WHEN u.friendly_name IS NULL OR TRIM(u.friendly_name) = '' "
             "THEN u.username ELSE u.friendly_name END")
_DURATION = ("SUM(CASE WHEN h.stopped > 0 THEN h.stopped - h.started ELSE 0 END) "
             "- SUM(CASE WHEN h.paused_counter IS NULL THEN 0 ELSE h.paused_counter END)")

_USERS_TABLE = f"""
SELECT u.id AS row_id, u.user_id AS user_id, u.username AS username, {_FRIENDLY} AS friendly_name,
       u.title AS title, u.email AS email, u.thumb AS user_thumb, u.custom_avatar_url AS custom_thumb,
       COUNT(DISTINCT {{group_col}}) AS plays, {_DURATION} AS duration,
       MAX(h.started) AS last_seen, MAX(h.id) AS history_row_id,
       m.full_title AS last_played, h.ip_address AS ip_address, h.platform AS platform, h.player AS player,
       h.rating_key AS rating_key, m.media_type AS media_type, m.thumb AS thumb, m.parent_thumb AS parent_thumb,
       m.grandparent_thumb AS grandparent_thumb, m.parent_title AS parent_title, m.year AS year,
       m.media_index AS media_index, m.parent_media_index AS parent_media_index, m.live AS live,
       m.added_at AS added_at, m.originally_available_at AS originally_available_at, m.guid AS guid,
       i.transcode_decision AS transcode_decision, u.do_notify AS do_notify, u.keep_history AS keep_history,
       u.allow_guest AS allow_guest, u.is_active AS is_active
FROM users AS u
LEFT OUTER JOIN session_history AS h ON h.user_id = u.user_id
LEFT OUTER JOIN session_history_metadata AS m ON h.id = m.id
LEFT OUTER JOIN session_history_media_info AS i ON h.id = i.id
WHERE {{where}}
GROUP BY u.user_id"""

_UNIQUE_IPS = f"""
SELECT h.id AS history_row_id, MIN(h.started) AS first_seen, MAX(h.started) AS last_seen,
       h.ip_address AS ip_address, COUNT(h.id) AS play_count, h.platform AS platform, h.player AS player,
       h.rating_key AS rating_key, m.full_title AS last_played, m.thumb AS thumb, m.parent_thumb AS parent_thumb,
       m.grandparent_thumb AS grandparent_thumb, m.media_type AS media_type, m.parent_title AS parent_title,
       m.year AS year, m.media_index AS media_index, m.parent_media_index AS parent_media_index, m.live AS live,
       m.added_at AS added_at, m.originally_available_at AS originally_available_at, m.guid AS guid,
       i.transcode_decision AS transcode_decision, h.user AS user, h.user_id AS custom_user_id,
       {_FRIENDLY} AS friendly_name
FROM session_history AS h
JOIN users AS u ON h.user_id = u.user_id
JOIN session_history_metadata AS m ON h.id = m.id
JOIN session_history_media_info AS i ON h.id = i.id
WHERE u.user_id = ?
GROUP BY h.ip_address"""

_USER_DETAILS = """
SELECT u.id AS row_id, u.user_id AS user_id, u.username AS username, u.friendly_name AS friendly_name,
       u.thumb AS user_thumb, u.custom_avatar_url AS custom_thumb, u.email AS email, u.is_active AS is_active,
       u.is_admin AS is_admin, u.is_home_user AS is_home_user, u.is_allow_sync AS is_allow_sync,
       u.is_restricted AS is_restricted, u.do_notify AS do_notify, u.keep_history AS keep_history,
       u.deleted_user AS deleted_user, u.allow_guest AS allow_guest, u.shared_libraries AS shared_libraries,
       {last_seen} AS last_seen
FROM users AS u {join}
WHERE {where} COLLATE NOCASE"""

_WATCH_TIME = """
SELECT SUM(stopped - started) - SUM(CASE WHEN paused_counter IS NULL THEN 0 ELSE paused_counter END) AS total_time,
       COUNT(DISTINCT {group_col}) AS total_plays
FROM session_history
WHERE user_id = ? {since}"""

_PLAYER_STATS = """
SELECT player, COUNT(DISTINCT {group_col}) AS total_plays,
       SUM(stopped - started) - SUM(CASE WHEN paused_counter IS NULL THEN 0 ELSE paused_counter END) AS total_time,
       platform
FROM session_history
WHERE user_id = ?
GROUP BY player
ORDER BY total_plays DESC, total_time DESC"""

_RECENTLY_WATCHED = """
SELECT h.id AS id, h.media_type AS media_type, m.guid AS guid, h.rating_key AS rating_key,
       h.parent_rating_key AS parent_rating_key, h.grandparent_rating_key AS grandparent_rating_key,
       m.title AS title, m.parent_title AS parent_title, m.grandparent_title AS grandparent_title,
       m.original_title AS original_title, m.thumb AS thumb, m.parent_thumb AS parent_thumb,
       m.grandparent_thumb AS grandparent_thumb, m.media_index AS media_index,
       m.parent_media_index AS parent_media_index, m.year AS year,
       m.originally_available_at AS originally_available_at, m.added_at AS added_at, m.live AS live,
       h.started AS started, h.user AS user
FROM session_history_metadata AS m
JOIN session_history AS h ON m.id = h.id
WHERE h.user_id = ?
GROUP BY CASE WHEN h.media_type = 'track' THEN h.parent_rating_key ELSE h.rating_key END
ORDER BY MAX(h.started) DESC
LIMIT ?"""

_USERS = """
SELECT id AS row_id, user_id, username, friendly_name, thumb, custom_avatar_url, email, is_active, is_admin,
       is_home_user, is_allow_sync, is_restricted, do_notify, keep_history, allow_guest, shared_libraries,
       filter_all, filter_movies, filter_tv, filter_music, filter_photos
FROM users {where}"""

_USER_ID = "SELECT user_id FROM users WHERE username = ?"

_USER_NAMES = f"""
SELECT u.user_id AS user_id, {_FRIENDLY} AS friendly_name
FROM users AS u
WHERE u.deleted_user = 0 {{guest}}"""

_TOKENS = "SELECT allow_guest, user_token, server_token FROM users WHERE user_id = ? AND deleted_user = 0"

_FILTERS = "SELECT filter_all, filter_movies, filter_tv, filter_music, filter_photos FROM users WHERE user_id = ?"

_USERNAME = "SELECT username FROM users WHERE user_id = ?"
_USER_IDS_OF_ROWS = "SELECT user_id FROM users WHERE id IN ({marks})"
_HISTORY_IDS_OF_USER = "SELECT id FROM session_history WHERE user_id = ?"
_DELETE_IDS = "DELETE FROM {table} WHERE id IN ({marks})"
_MARK_DELETED = "UPDATE users SET deleted_user = 1, keep_history = 0, do_notify = 0 WHERE user_id = ?"
_USER_BY = "SELECT id FROM users WHERE {column} = ?"
_MARK_UNDELETED = "UPDATE users SET deleted_user = 0, keep_history = 1, do_notify = 1 WHERE {column} = ?"


class LegacyUsers:
    """Users reads on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def get_datatables_list(self, kwargs: Mapping[str, Any] | None = None, grouping: Any = None) -> dict[str, Any]:
        """The users table (one row per user with their last play)."""
        grouping = shaping.grouping(grouping)
        where, args = ["u.deleted_user = ?"], [0]
        if context.get_session_user_id():
            where.append("u.user_id = ?")
            args.append(context.get_session_user_id())
        if kwargs.get("user_id"):  # type: ignore[union-attr] - Tautulli raises on kwargs=None too
            where.append("u.user_id = ?")
            args.append(kwargs.get("user_id"))  # type: ignore[union-attr]
        group_col = "h.reference_id" if grouping else "h.id"
        inner = _USERS_TABLE.format(group_col=group_col, where=" AND ".join(where))
        try:
            request = resolve(kwargs, shaping.LIST_ALIASES)
            page = run_page(self._db, inner, args, request, "users")
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.list_row(r) for r in page.rows])

    def get_datatables_unique_ips(self, user_id: Any = None, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One row per IP address a user played from (the latest play from each)."""
        if not context.allow_session_user(user_id):
            return dict(shaping.DATATABLES_EMPTY)
        try:
            request = resolve(kwargs, shaping.UNIQUE_IP_ALIASES)
            page = run_page(self._db, _UNIQUE_IPS, [user_id], request, "session_history")
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.unique_ip_row(r) for r in page.rows])

    def get_details(self, user_id: Any = None, user: Any = None, email: Any = None,
                    include_last_seen: bool = False) -> dict[str, Any]:
        """A user's details; unknown users trigger a plex.tv refresh, then fall back to Local."""
        if user_id in (None, "") and not user and not email:
            return shaping.default_details()
        details = self.get_user_details(user_id=user_id, user=user, email=email, include_last_seen=include_last_seen)
        if details:
            return details
        refresh_users(self)
        details = self.get_user_details(user_id=user_id, user=user, email=email, include_last_seen=include_last_seen)
        return details or shaping.default_details()

    def get_user_details(self, user_id: Any = None, user: Any = None, email: Any = None,
                         include_last_seen: bool = False) -> dict[str, Any]:
        """A user's details by id, user name or e-mail (case-insensitive), or ``{}``."""
        if shaping.digit_id(user_id) is not None:
            where, args = "u.user_id = ?", [user_id]
        elif user:
            where, args = "u.username = ?", [user]
        elif email:
            where, args = "u.email = ?", [email]
        else:
            return {}
        last_seen, join = "NULL", ""
        if include_last_seen:
            last_seen = "MAX(h.started)"
            join = "LEFT OUTER JOIN session_history AS h ON u.user_id = h.user_id"
        try:
            rows = self._db.select(_USER_DETAILS.format(last_seen=last_seen, join=join, where=where), args)
        except TautulliDBError:
            rows = []
        return shaping.user_details(rows)

    def get_watch_time_stats(self, user_id: Any = None, grouping: Any = None,
                             query_days: Any = None) -> list[dict[str, Any]]:
        """Plays and time watched over each window of days."""
        if not context.allow_session_user(user_id):
            return []
        group_col = "reference_id" if shaping.grouping(grouping) else "id"
        now = context.now()
        stats = []
        for days in shaping.query_days(query_days):
            rows: list[dict[str, Any]] = []
            if shaping.digit_id(user_id) is not None:
                since, args = ("AND stopped >= ?", [user_id, now - days * 86400]) if days > 0 else ("", [user_id])
                try:
                    rows = self._db.select(_WATCH_TIME.format(group_col=group_col, since=since), args)
                except TautulliDBError:
                    rows = []
            stats.extend(shaping.watch_time_stat(days, r) for r in rows)
        return stats

    def get_player_stats(self, user_id: Any = None, grouping: Any = None) -> list[dict[str, Any]]:
        """Plays and time per player, most plays first."""
        if not context.allow_session_user(user_id):
            return []
        group_col = "reference_id" if shaping.grouping(grouping) else "id"
        rows: list[dict[str, Any]] = []
        if shaping.digit_id(user_id) is not None:
            try:
                rows = self._db.select(_PLAYER_STATS.format(group_col=group_col), [user_id])
            except TautulliDBError:
                rows = []
        return [shaping.player_stat(i, r) for i, r in enumerate(rows)]

    def get_recently_watched(self, user_id: Any = None, limit: Any = "10") -> list[dict[str, Any]]:
        """The latest distinct items a user watched (tracks grouped by album)."""
        if not context.allow_session_user(user_id):
            return []
        limit = shaping.recent_limit(limit)
        rows: list[dict[str, Any]] = []
        if shaping.digit_id(user_id) is not None:
            try:
                rows = self._db.select(_RECENTLY_WATCHED, [user_id, limit])
            except TautulliDBError:
                rows = []
        return [shaping.recently_watched_row(r) for r in rows]

    def get_users(self, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Every user, deleted ones only when asked."""
        where = "" if include_deleted else "WHERE deleted_user = 0"
        try:
            rows = self._db.select(_USERS.format(where=where))
        except TautulliDBError:
            return []
        return [shaping.user_row(r) for r in rows]

    def get_user_id(self, user: Any = None) -> Any:
        """A user's id by user name, or None."""
        if not user:
            return None
        try:
            row = self._db.select_single(_USER_ID, [user])
        except TautulliDBError:
            return None
        return row["user_id"] if row else None

    def get_user_names(self, kwargs: Mapping[str, Any] | None = None) -> list[dict[str, Any]] | None:
        """Every active user's id and display name; a guest sees only themselves."""
        guest, args = "", []
        if context.get_session_user_id():
            guest, args = "AND u.user_id = ?", [context.get_session_user_id()]
        try:
            rows = self._db.select(_USER_NAMES.format(guest=guest), args)
        except TautulliDBError:
            return None
        return context.friendly_name_to_username(rows)

    def get_tokens(self, user_id: Any = None) -> dict[str, Any]:
        """A user's guest flag and tokens, or the defaults."""
        if not user_id:
            return shaping.default_tokens()
        try:
            row = self._db.select_single(_TOKENS, [user_id])
        except TautulliDBError:
            return shaping.default_tokens()
        return dict(row) if row else shaping.default_tokens()

    def get_filters(self, user_id: Any = None) -> dict[str, Any]:
        """A user's library filters, parsed."""
        if not user_id:
            return {}
        try:
            row = self._db.select_single(_FILTERS, [user_id])
        except TautulliDBError:
            row = {}
        return shaping.filters(row)

    def set_config(self, user_id: Any = None, friendly_name: Any = "", custom_thumb: Any = "", do_notify: Any = 1,
                   keep_history: Any = 1, allow_guest: Any = 1) -> None:
        """Store a user's settings (a friendly name equal to the user name is stored as NULL)."""
        if shaping.digit_id(user_id) is None:
            return
        try:
            with self._db.transaction():
                username = self._db.select_single(_USERNAME, [user_id]).get("username")
                values = shaping.config_values(username, friendly_name, custom_thumb, do_notify, keep_history,
                                               allow_guest)
                self._db.upsert("users", values, {"user_id": user_id})
        except TautulliDBError as exc:
            if is_locked(exc.__cause__ or exc):
                raise  # never drop a write silently: the caller learns the database was busy
            log.warning("users.set_config_failed", user_id=user_id)

    def delete(self, user_id: Any = None, row_ids: Any = None, purge_only: bool = False) -> Any:
        """Purge a user's history (three tables, then VACUUM), then mark the user deleted unless ``purge_only``."""
        if row_ids:
            ids = shaping.row_ids(row_ids)
            rows = self._db.select(_USER_IDS_OF_ROWS.format(marks=",".join("?" * len(ids))), ids)
            return all([self.delete(user_id=r["user_id"], purge_only=purge_only) for r in rows])  # noqa: C419 - every delete runs
        if shaping.digit_id(user_id) is None:
            return False
        with self._db.transaction():
            purged = self._purge_history(user_id)
            if purge_only:
                return purged
            try:
                self._db.action(_MARK_DELETED, [user_id])
            except TautulliDBError as exc:
                if is_locked(exc.__cause__ or exc):
                    raise  # never drop a write silently: the caller learns the database was busy
                log.warning("users.delete_failed", user_id=user_id)
                return None
            return purged

    def undelete(self, user_id: Any = None, username: Any = None) -> Any:
        """Mark a deleted user active again; False when the user is unknown."""
        if user_id and shaping.digit_id(user_id) is not None:
            column, value = "user_id", user_id
        elif username:
            column, value = "username", username
        else:
            return None
        try:
            with self._db.transaction():
                if not self._db.select(_USER_BY.format(column=column), [value]):
                    return False
                self._db.action(_MARK_UNDELETED.format(column=column), [value])
                return True
        except TautulliDBError as exc:
            if is_locked(exc.__cause__ or exc):
                raise  # never drop a write silently: the caller learns the database was busy
            log.warning("users.undelete_failed", column=column)
            return None

    def store_refreshed_users(self, users: Any = None) -> Any:
        """Store plex.tv's user list: upsert each user, mark the users not shared with inactive (one transaction)."""
        return _legacy_refresh.store(self._db, users)

    def _purge_history(self, user_id: Any) -> bool:
        ids = [r["id"] for r in self._db.select(_HISTORY_IDS_OF_USER, [user_id])]
        if not ids:
            return True
        try:
            with self._db.transaction():  # a savepoint: a failed purge leaves no table half-purged
                for table in shaping.HISTORY_TABLES:
                    for chunk in shaping.chunks(ids):
                        self._db.action(_DELETE_IDS.format(table=table, marks=",".join("?" * len(chunk))), chunk)
        except TautulliDBError as exc:
            if is_locked(exc.__cause__ or exc):
                raise  # never drop a write silently: the caller learns the database was busy
            log.warning("users.purge_failed", user_id=user_id)
            return False
        self._db.after_commit(self._db.vacuum)
        return True


TWIN = LegacyUsers
