"""The users domain on SQLAlchemy Core: the same answers, with every SQLite quirk made explicit.

Where Tautulli relies on SQLite's bare columns in GROUP BY, the row is picked explicitly (the newest history
row of a user, the latest play from an IP, the newest play of an item), so the query means the same on every
backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from sqlalchemy import Integer, Select, String, bindparam, case, func, null, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from plexpy import context
from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.sqla_sql import run_page
from plexpy.db import bare_columns
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import connect, read_each, transaction
from plexpy.db.errors import TautulliDBError
from plexpy.db.play_totals import play_totals
from plexpy.db.retry import is_locked
from plexpy.db.schema import session_history, session_history_media_info, session_history_metadata, users
from plexpy.db.sqlfuncs import nocase_equals
from plexpy.db.stmt_cache import affinity_shape, bound_affinity_equals, per_shape
from plexpy.db.upsert import upsert
from plexpy.domains.users import _sqla_refresh, shaping, sqla_orm
from plexpy.domains.users.refresh import refresh_users

__all__ = ["TWIN", "SqlaUsers"]

log = structlog.get_logger(__name__)

h = session_history
m = session_history_metadata
i = session_history_media_info
u = users


def _friendly_name() -> ColumnElement[Any]:
    blank = (u.c.friendly_name.is_(None)) | (func.trim(u.c.friendly_name) == "")
    return case((blank, u.c.username), else_=u.c.friendly_name)


def _watched_time(table: Any = h) -> ColumnElement[Any]:
    return func.sum(table.c.stopped - table.c.started) - func.sum(func.coalesce(table.c.paused_counter, 0))


def _latest_row_per(partition: Any, *order: Any) -> Any:
    """``row_number()`` over ``partition`` by ``order``: 1 marks the row SQLite's bare columns come from."""
    return func.row_number().over(partition_by=partition, order_by=order)


class SqlaUsers:
    """Users reads on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        with connect(self._engine, op) as conn:
            return fetch_dicts(conn, stmt, params)

    def get_datatables_list(self, kwargs: Mapping[str, Any] | None = None, grouping: Any = None) -> dict[str, Any]:
        """The users table (one row per user with their newest history row)."""
        grouping = shaping.grouping(grouping)
        params: dict[str, Any] = {}
        session_kind = user_kind = None
        if context.get_session_user_id():
            session_kind, params["session_user_id"] = affinity_shape(u.c.user_id, context.get_session_user_id())
        if kwargs.get("user_id"):  # type: ignore[union-attr] - Tautulli raises on kwargs=None too
            user_kind, params["user_id"] = affinity_shape(u.c.user_id, kwargs.get("user_id"))  # type: ignore[union-attr]
        try:
            request = resolve(kwargs, shaping.LIST_ALIASES)
            with connect(self._engine, "users.get_datatables_list") as conn:
                page = run_page(conn, _list_stmt(bool(grouping), session_kind, user_kind), request, u,
                                tiebreak=("user_id",), params=params, cached=True)
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.list_row(r) for r in page.rows])

    def get_datatables_unique_ips(self, user_id: Any = None, kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One row per IP address a user played from (the latest play from each)."""
        if not context.allow_session_user(user_id):
            return dict(shaping.DATATABLES_EMPTY)
        try:
            request = resolve(kwargs, shaping.UNIQUE_IP_ALIASES)
            with connect(self._engine, "users.get_datatables_unique_ips") as conn:
                kind, value = affinity_shape(u.c.user_id, user_id)
                page = run_page(conn, _unique_ips_stmt(kind), request, h, tiebreak=("ip_address",),
                                params={"user_id": value}, cached=True)
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
        """A user's details by id, user name or e-mail (ASCII case-insensitive), or ``{}``."""
        numeric = shaping.digit_id(user_id)
        if numeric is not None:
            by, params = "user_id", {"match": numeric}
        elif user:
            by, params = "username", {"match": user}
        elif email:
            by, params = "email", {"match": email}
        else:
            return {}
        stmt, overall = _user_details_stmts(by, bool(include_last_seen))
        try:
            rows = self._rows(stmt, "users.get_user_details", params)
            if overall is not None:
                newest = self._rows(overall, "users.get_user_details", params)
                rows = [{**r, "last_seen": newest[0]["last_seen"]} for r in rows] or [
                    {**dict.fromkeys(stmt.selected_columns.keys()), "last_seen": newest[0]["last_seen"]}
                ]
        except TautulliDBError:
            rows = []
        return shaping.user_details(rows)

    def get_watch_time_stats(self, user_id: Any = None, grouping: Any = None,
                             query_days: Any = None) -> list[dict[str, Any]]:
        """Plays and time watched over each window of days."""
        if not context.allow_session_user(user_id):
            return []
        grouped = bool(shaping.grouping(grouping))
        now = context.now()
        numeric = shaping.digit_id(user_id)
        windows = shaping.query_days(query_days)
        found: list[list[dict[str, Any]] | None] = [[] for _ in windows]
        if numeric is not None:
            found = read_each(self._engine, "users.get_watch_time_stats", [
                (_watch_time_stmt(grouped, days > 0), {"user_id": numeric, "since": now - days * 86400})
                for days in windows
            ])
        return [shaping.watch_time_stat(days, r) for days, rows in zip(windows, found, strict=True)
                for r in rows or []]

    def get_player_stats(self, user_id: Any = None, grouping: Any = None) -> list[dict[str, Any]]:
        """Plays and time per player, most plays first; the platform of each player's newest row."""
        if not context.allow_session_user(user_id):
            return []
        numeric = shaping.digit_id(user_id)
        rows: list[dict[str, Any]] = []
        if numeric is not None:
            try:
                stmt = _player_stats_stmt(bool(shaping.grouping(grouping)), bare_columns.grouped(self._engine))
                rows = self._rows(stmt, "users.get_player_stats", {"user_id": numeric})
            except TautulliDBError:
                rows = []
        return [shaping.player_stat(n, r) for n, r in enumerate(rows)]

    def get_recently_watched(self, user_id: Any = None, limit: Any = "10") -> list[dict[str, Any]]:
        """The latest distinct items a user watched (tracks grouped by album), newest play of each."""
        if not context.allow_session_user(user_id):
            return []
        limit = shaping.recent_limit(limit)
        numeric = shaping.digit_id(user_id)
        rows: list[dict[str, Any]] = []
        if numeric is not None:
            try:
                rows = self._rows(_recently_watched_stmt(bare_columns.grouped(self._engine)),
                                  "users.get_recently_watched",
                                  {"user_id": numeric, "limit": int(limit)})
            except TautulliDBError:
                rows = []
        return [shaping.recently_watched_row(r) for r in rows]

    def get_users(self, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Every user, deleted ones only when asked."""
        try:
            rows = self._rows(_users_stmt(bool(include_deleted)), "users.get_users")
        except TautulliDBError:
            return []
        return [shaping.user_row(r) for r in rows]

    def get_user_id(self, user: Any = None) -> Any:
        """A user's id by user name, or None."""
        if not user:
            return None
        try:
            rows = self._rows(select(u.c.user_id).where(u.c.username == user).order_by(u.c.id).limit(1),
                              "users.get_user_id")
        except TautulliDBError:
            return None
        return rows[0]["user_id"] if rows else None

    def get_user_names(self, kwargs: Mapping[str, Any] | None = None) -> list[dict[str, Any]] | None:
        """Every active user's id and display name; a guest sees only themselves."""
        guest = context.get_session_user_id()
        try:
            rows = self._rows(_user_names_stmt(bool(guest)), "users.get_user_names",
                              {"user_id": _bind_id(guest)} if guest else None)
        except TautulliDBError:
            return None
        return context.friendly_name_to_username(rows)

    def get_tokens(self, user_id: Any = None) -> dict[str, Any]:
        """A user's guest flag and tokens, or the defaults."""
        if not user_id:
            return shaping.default_tokens()
        try:
            rows = self._rows(_tokens_stmt(), "users.get_tokens", {"user_id": _bind_id(user_id)})
        except TautulliDBError:
            return shaping.default_tokens()
        return rows[0] if rows else shaping.default_tokens()

    def get_filters(self, user_id: Any = None) -> dict[str, Any]:
        """A user's library filters, parsed."""
        if not user_id:
            return {}
        try:
            rows = self._rows(_filters_stmt(), "users.get_filters", {"user_id": _bind_id(user_id)})
        except TautulliDBError:
            rows = []
        return shaping.filters(rows[0] if rows else {})

    def set_config(self, user_id: Any = None, friendly_name: Any = "", custom_thumb: Any = "", do_notify: Any = 1,
                   keep_history: Any = 1, allow_guest: Any = 1) -> None:
        """Store a user's settings (a friendly name equal to the user name is stored as NULL)."""
        numeric = shaping.digit_id(user_id)
        if numeric is None:
            return
        try:
            with transaction(self._engine, "users.set_config") as conn:
                username = conn.execute(
                    select(u.c.username).where(u.c.user_id == numeric).order_by(u.c.id).limit(1)
                ).scalar()
                values = shaping.config_values(username, friendly_name, custom_thumb, do_notify, keep_history,
                                               allow_guest)
                upsert(conn, u, values, {"user_id": numeric})
        except TautulliDBError as exc:
            if is_locked(exc.__cause__ or exc):
                raise  # never drop a write silently: the caller learns the database was busy
            log.warning("users.set_config_failed", user_id=user_id)

    def delete(self, user_id: Any = None, row_ids: Any = None, purge_only: bool = False) -> Any:
        """Purge a user's history (three tables, then VACUUM), then mark the user deleted unless ``purge_only``."""
        if row_ids:
            ids = shaping.row_ids(row_ids)
            rows = self._rows(select(u.c.user_id).where(u.c.id.in_(ids)).order_by(u.c.user_id), "users.delete")
            return all([self.delete(user_id=r["user_id"], purge_only=purge_only) for r in rows])  # noqa: C419 - every delete runs
        numeric = shaping.digit_id(user_id)
        if numeric is None:
            return False
        with transaction(self._engine, "users.delete") as conn:
            purged = self._purge_history(numeric)
            if purge_only:
                return purged
            try:
                conn.execute(update(u).where(u.c.user_id == numeric).values(deleted_user=1, keep_history=0,
                                                                             do_notify=0))
            except SQLAlchemyError:
                log.warning("users.delete_failed", user_id=user_id)
                return None
            return purged

    def undelete(self, user_id: Any = None, username: Any = None) -> Any:
        """Mark a deleted user active again; False when the user is unknown."""
        if user_id and shaping.digit_id(user_id) is not None:
            match = u.c.user_id == shaping.digit_id(user_id)
        elif username:
            match = u.c.username == username
        else:
            return None
        try:
            with transaction(self._engine, "users.undelete") as conn:
                if conn.execute(select(u.c.id).where(match).limit(1)).first() is None:
                    return False
                conn.execute(update(u).where(match).values(deleted_user=0, keep_history=1, do_notify=1))
                return True
        except TautulliDBError as exc:
            if is_locked(exc.__cause__ or exc):
                raise  # never drop a write silently: the caller learns the database was busy
            log.warning("users.undelete_failed")
            return None

    def store_refreshed_users(self, users: Any = None) -> Any:
        """Store plex.tv's user list: upsert each user, mark the users not shared with inactive (one transaction)."""
        return _sqla_refresh.store(self._engine, users)

    def _purge_history(self, user_id: int) -> bool:
        return sqla_orm.purge_history(self._engine, user_id)


def _bind_id(value: Any) -> Any:
    """An id argument as SQLite's INTEGER affinity would compare it: digit strings become numbers."""
    if isinstance(value, str):
        numeric = shaping.digit_id(value.strip())
        if numeric is not None:
            return numeric
    return value


def _same(left: Any, right: Any) -> ColumnElement[bool]:
    """Equality that also pairs NULL with NULL (GROUP BY puts NULLs in one group)."""
    return left.is_not_distinct_from(right)


# Statements built once per shape (plexpy.db.stmt_cache); values are bound at execution.


@per_shape(maxsize=8)
def _user_details_stmts(by: str, include_last_seen: bool) -> tuple[Select[Any], Select[Any] | None]:
    """The details row matching ``:match`` by ``by``, and the newest play over every match (with last seen)."""
    if by == "user_id":
        match: ColumnElement[bool] = u.c.user_id == bindparam("match")
    else:
        match = nocase_equals(u.c[by], bindparam("match", type_=String()))
    user_max = (
        select(func.max(h.c.started)).where(h.c.user_id == u.c.user_id).scalar_subquery()
        if include_last_seen else null()
    )
    columns = [
        u.c.id.label("row_id"), u.c.user_id, u.c.username, u.c.friendly_name, u.c.thumb.label("user_thumb"),
        u.c.custom_avatar_url.label("custom_thumb"), u.c.email, u.c.is_active, u.c.is_admin, u.c.is_home_user,
        u.c.is_allow_sync, u.c.is_restricted, u.c.do_notify, u.c.keep_history, u.c.deleted_user,
        u.c.allow_guest, u.c.shared_libraries,
    ]
    stmt = select(*columns, user_max.label("last_seen")).where(match)
    if not include_last_seen:
        return stmt.order_by(u.c.id), None
    # One aggregate row, as SQLite answers MAX() without GROUP BY: the user whose play is newest, and the
    # newest play over every matching user; a dict of NULLs when nobody matches.
    overall = select(func.max(h.c.started)).select_from(u.join(h, h.c.user_id == u.c.user_id)).where(match)
    return (stmt.order_by(user_max.desc().nulls_last(), u.c.id).limit(1),
            select(overall.scalar_subquery().label("last_seen")))


@per_shape(maxsize=4)
def _watch_time_stmt(grouped: bool, windowed: bool) -> Select[Any]:
    """Time watched and plays of ``:user_id`` (stopped at or after ``:since`` when ``windowed``)."""
    group_col = h.c.reference_id if grouped else h.c.id
    stmt = select(
        _watched_time().label("total_time"), func.count(group_col.distinct()).label("total_plays")
    ).where(h.c.user_id == bindparam("user_id"))
    return stmt.where(h.c.stopped >= bindparam("since")) if windowed else stmt


@per_shape(maxsize=4)
def _player_stats_stmt(grouped: bool, sqlite_groups: bool = False) -> Select[Any]:
    """Plays and time per player of ``:user_id``, with the platform of each player's newest row.

    ``sqlite_groups`` (:mod:`plexpy.db.bare_columns`): Tautulli's GROUP BY, whose bare ``platform`` and tie
    order SQLite gives; otherwise the newest row is found by ``max(id)`` and the ties ordered by player.
    """
    group_col = h.c.reference_id if grouped else h.c.id
    if sqlite_groups:
        total_plays = func.count(group_col.distinct()).label("total_plays")
        total_time = _watched_time().label("total_time")
        return (
            select(h.c.player, total_plays, total_time, h.c.platform)
            .where(h.c.user_id == bindparam("user_id")).group_by(h.c.player)
            .order_by(total_plays.desc(), total_time.desc())
        )
    newest = (
        select(h.c.player, func.max(h.c.id).label("newest_id"))
        .where(h.c.user_id == bindparam("user_id")).group_by(h.c.player).subquery("newest")
    )
    platform_of = h.alias("newest_row")
    totals = (
        select(
            h.c.player, func.count(group_col.distinct()).label("total_plays"),
            _watched_time().label("total_time"),
        )
        .where(h.c.user_id == bindparam("user_id")).group_by(h.c.player).subquery("totals")
    )
    return (
        select(totals.c.player, totals.c.total_plays, totals.c.total_time, platform_of.c.platform)
        .select_from(
            totals.join(newest, _same(newest.c.player, totals.c.player))
            .join(platform_of, platform_of.c.id == newest.c.newest_id)
        )
        .order_by(totals.c.total_plays.desc(), totals.c.total_time.desc(), totals.c.player)
    )


def _recent_columns() -> list[Any]:
    """The columns of a recently watched row: the play's and its item's."""
    return [
        h.c.id, h.c.media_type, m.c.guid, h.c.rating_key, h.c.parent_rating_key, h.c.grandparent_rating_key,
        m.c.title, m.c.parent_title, m.c.grandparent_title, m.c.original_title, m.c.thumb, m.c.parent_thumb,
        m.c.grandparent_thumb, m.c.media_index, m.c.parent_media_index, m.c.year, m.c.originally_available_at,
        m.c.added_at, m.c.live, h.c.started, h.c.user,
    ]


@per_shape(maxsize=2)
def _recently_watched_stmt(grouped: bool) -> Select[Any]:
    """The newest play of each item ``:user_id`` watched (tracks by album), ``:limit`` of them.

    ``grouped`` (SQLite): Tautulli's GROUP BY, whose bare columns SQLite takes from the row of the one
    ``MAX(started)`` and whose ties keep the GROUP BY's order; otherwise window functions spell that out.
    """
    item_key = case((h.c.media_type == "track", h.c.parent_rating_key), else_=h.c.rating_key)
    if grouped:
        return (
            select(*_recent_columns())
            .select_from(m.join(h, m.c.id == h.c.id))
            .where(h.c.user_id == bindparam("user_id"))
            .group_by(item_key)
            .order_by(func.max(h.c.started).desc())
            .limit(bindparam("limit", type_=Integer()))
        )
    ranked = (
        select(
            h.c.id.label("rid"),
            item_key.label("item_key"),
            func.max(h.c.started).over(partition_by=item_key).label("newest"),
            _latest_row_per(item_key, h.c.started.desc(), h.c.id).label("pick"),
        )
        .select_from(m.join(h, m.c.id == h.c.id))
        .where(h.c.user_id == bindparam("user_id"))
        .subquery("ranked")
    )
    return (
        select(*_recent_columns())
        .select_from(ranked.join(h, h.c.id == ranked.c.rid).join(m, m.c.id == h.c.id))
        .where(ranked.c.pick == 1)
        # SQLite walks the groups in key order, descending here because the one GROUP BY term takes the
        # direction of the one ORDER BY term; ties on the newest play keep that order.
        .order_by(ranked.c.newest.desc(), ranked.c.item_key.desc())
        .limit(bindparam("limit", type_=Integer()))
    )


@per_shape(maxsize=2)
def _users_stmt(include_deleted: bool) -> Select[Any]:
    """Every user (deleted ones with ``include_deleted``)."""
    stmt = select(
        u.c.id.label("row_id"), u.c.user_id, u.c.username, u.c.friendly_name, u.c.thumb, u.c.custom_avatar_url,
        u.c.email, u.c.is_active, u.c.is_admin, u.c.is_home_user, u.c.is_allow_sync, u.c.is_restricted,
        u.c.do_notify, u.c.keep_history, u.c.allow_guest, u.c.shared_libraries, u.c.filter_all,
        u.c.filter_movies, u.c.filter_tv, u.c.filter_music, u.c.filter_photos,
    )
    return stmt if include_deleted else stmt.where(u.c.deleted_user == 0)


@per_shape(maxsize=2)
def _user_names_stmt(guest: bool) -> Select[Any]:
    """Every active user's id and display name (only ``:user_id`` for a guest)."""
    stmt = select(u.c.user_id, _friendly_name().label("friendly_name")).where(u.c.deleted_user == 0)
    return stmt.where(u.c.user_id == bindparam("user_id")) if guest else stmt


@per_shape(maxsize=1)
def _tokens_stmt() -> Select[Any]:
    """The guest flag and tokens of ``:user_id`` (not deleted)."""
    return (
        select(u.c.allow_guest, u.c.user_token, u.c.server_token)
        .where(u.c.user_id == bindparam("user_id"), u.c.deleted_user == 0)
        .order_by(u.c.id).limit(1)
    )


@per_shape(maxsize=1)
def _filters_stmt() -> Select[Any]:
    """The library filters of ``:user_id``."""
    return (
        select(u.c.filter_all, u.c.filter_movies, u.c.filter_tv, u.c.filter_music, u.c.filter_photos)
        .where(u.c.user_id == bindparam("user_id")).order_by(u.c.id).limit(1)
    )


@per_shape(maxsize=16)
def _list_stmt(grouping: bool, session_kind: str | None, user_kind: str | None) -> Select[Any]:
    """The users table's inner query: active users, narrowed to ``:session_user_id`` and ``:user_id`` if given."""
    where = [u.c.deleted_user == 0]
    if session_kind is not None:
        where.append(bound_affinity_equals(u.c.user_id, session_kind, "session_user_id"))
    if user_kind is not None:
        where.append(bound_affinity_equals(u.c.user_id, user_kind, "user_id"))
    per_user = play_totals(h.c.user_id, grouping, "last_seen", "per_user")
    last = h.alias("last")
    return (
        select(
            u.c.id.label("row_id"), u.c.user_id, u.c.username, _friendly_name().label("friendly_name"),
            u.c.title, u.c.email, u.c.thumb.label("user_thumb"), u.c.custom_avatar_url.label("custom_thumb"),
            func.coalesce(per_user.c.plays, 0).label("plays"),
            func.coalesce(per_user.c.duration, 0).label("duration"), per_user.c.last_seen,
            per_user.c.history_row_id, m.c.full_title.label("last_played"), last.c.ip_address,
            last.c.platform, last.c.player, last.c.rating_key, m.c.media_type, m.c.thumb, m.c.parent_thumb,
            m.c.grandparent_thumb, m.c.parent_title, m.c.year, m.c.media_index, m.c.parent_media_index,
            m.c.live, m.c.added_at, m.c.originally_available_at, m.c.guid, i.c.transcode_decision,
            u.c.do_notify, u.c.keep_history, u.c.allow_guest, u.c.is_active,
        )
        .select_from(
            u.outerjoin(per_user, per_user.c.user_id == u.c.user_id)
            .outerjoin(last, last.c.id == per_user.c.history_row_id)
            .outerjoin(m, m.c.id == last.c.id)
            .outerjoin(i, i.c.id == last.c.id)
        )
        .where(*where)
        .order_by(u.c.user_id)
    )


@per_shape(maxsize=4)
def _unique_ips_stmt(kind: str) -> Select[Any]:
    """The unique IPs table's inner query for the user ``:user_id`` (a value of ``kind``, ``affinity_shape``)."""
    joined = h.join(u, h.c.user_id == u.c.user_id).join(m, h.c.id == m.c.id).join(i, h.c.id == i.c.id)
    ranked = (
        select(
            h.c.id, h.c.ip_address,
            func.min(h.c.started).over(partition_by=h.c.ip_address).label("first_seen"),
            func.max(h.c.started).over(partition_by=h.c.ip_address).label("last_seen"),
            func.count(h.c.id).over(partition_by=h.c.ip_address).label("play_count"),
            _latest_row_per(h.c.ip_address, h.c.started.desc(), h.c.id).label("pick"),
        )
        .select_from(joined)
        .where(bound_affinity_equals(u.c.user_id, kind, "user_id"))
        .subquery("ranked")
    )
    return (
        select(
            ranked.c.id.label("history_row_id"), ranked.c.first_seen, ranked.c.last_seen, h.c.ip_address,
            ranked.c.play_count, h.c.platform, h.c.player, h.c.rating_key, m.c.full_title.label("last_played"),
            m.c.thumb, m.c.parent_thumb, m.c.grandparent_thumb, m.c.media_type, m.c.parent_title, m.c.year,
            m.c.media_index, m.c.parent_media_index, m.c.live, m.c.added_at, m.c.originally_available_at,
            m.c.guid, i.c.transcode_decision, h.c.user, h.c.user_id.label("custom_user_id"),
            _friendly_name().label("friendly_name"),
        )
        .select_from(
            ranked.join(h, h.c.id == ranked.c.id)
            .join(u, h.c.user_id == u.c.user_id)
            .join(m, h.c.id == m.c.id)
            .join(i, h.c.id == i.c.id)
        )
        .where(ranked.c.pick == 1)
        .order_by(h.c.ip_address)
    )


TWIN = SqlaUsers
