"""The libraries domain on SQLAlchemy Core: the same answers, with every SQLite quirk made explicit.

Where Tautulli relies on SQLite's bare columns in GROUP BY, the row is picked explicitly: a library's newest
history row (the largest id, as ``MAX(id)`` last among its aggregates decides), the first of an item's newest
plays. Ties in ORDER BY follow the order SQLite emits groups in: ascending by the group key, or in the
ORDER BY's direction when GROUP BY and ORDER BY have as many terms (SQLite copies the direction across).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Integer, Select, bindparam, case, func, null, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from plexpy import context, session_rules
from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.sqla_sql import run_page
from plexpy.db import bare_columns
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import connect, read_each, transaction
from plexpy.db.errors import TautulliDBError
from plexpy.db.play_totals import play_totals
from plexpy.db.schema import library_sections, session_history, session_history_metadata, users
from plexpy.db.sqlfuncs import affinity_equals
from plexpy.db.stmt_cache import affinity_shape, bound_affinity_equals, per_shape
from plexpy.domains.libraries import _sqla_writes as writes
from plexpy.domains.libraries import media_info, refresh, shaping, sqla_orm, writing

__all__ = ["TWIN", "SqlaLibraries"]

ls = library_sections
h = session_history
m = session_history_metadata
u = users


def _watched_time() -> ColumnElement[Any]:
    return func.sum(h.c.stopped - h.c.started) - func.sum(func.coalesce(h.c.paused_counter, 0))


def _friendly_name() -> ColumnElement[Any]:
    blank = (u.c.friendly_name.is_(None)) | (func.trim(u.c.friendly_name) == "")
    return case((blank, u.c.username), else_=u.c.friendly_name)


def _library_columns() -> list[Any]:
    return [
        ls.c.id.label("row_id"), ls.c.server_id, ls.c.section_id, ls.c.section_name, ls.c.section_type,
        ls.c.count, ls.c.parent_count, ls.c.child_count, ls.c.thumb.label("library_thumb"),
        ls.c.custom_thumb_url.label("custom_thumb"), ls.c.art.label("library_art"),
        ls.c.custom_art_url.label("custom_art"),
    ]


class SqlaLibraries:
    """Library reads on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        with connect(self._engine, op) as conn:
            return fetch_dicts(conn, stmt, params)

    def _guest(self) -> session_rules.GuestScope | None:
        """The calling guest's shared libraries and filters (None for the admin)."""
        guest_id = context.get_session_user_id()
        if not guest_id:
            return None
        kind, value = affinity_shape(u.c.user_id, guest_id)
        try:
            rows = self._rows(_guest_stmt(kind), "libraries.guest", {"user_id": value}) if guest_id.isdigit() else []
        except TautulliDBError:
            rows = []
        return session_rules.guest_scope(rows[0] if rows else {})

    def get_datatables_list(self, kwargs: Mapping[str, Any] | None = None, grouping: Any = None) -> dict[str, Any]:
        """The libraries table (one row per library with its newest play)."""
        guest = self._guest()
        kinds: tuple[str, ...] | None = None
        params: dict[str, Any] = {}
        if guest is not None and guest.library_ids:
            shapes = [affinity_shape(ls.c.section_id, s) for s in guest.library_ids]
            kinds = tuple(kind for kind, _ in shapes)
            params = {f"section_{n}": value for n, (_, value) in enumerate(shapes)}
        try:
            request = resolve(kwargs, shaping.LIST_ALIASES)
            with connect(self._engine, "libraries.get_datatables_list") as conn:
                page = run_page(conn, _list_stmt(bool(shaping.grouping(grouping)), kinds), request, ls,
                                tiebreak=("server_id", "section_id"), params=params, cached=True)
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.list_row(r) for r in page.rows], guest)

    def _play_counts(self, section_id: Any, section_type: Any) -> dict[str, dict[str, Any]]:
        kind, value = affinity_shape(h.c.section_id, section_id)
        stmt = _play_counts_stmt(bool(context.config("GROUP_HISTORY_TABLES")),
                                 shaping.media_group_column(section_type), kind)
        rows = self._rows(stmt, "libraries.get_datatables_media_info", {"section_id": value})
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
        """A library's details on a server (default: the configured one), or ``{}``.

        With ``include_last_accessed`` SQLite answers one aggregate row even when nothing matches, so an
        unknown library gives a dict of None (Tautulli's shape), built here from the same column list.
        """
        if server_id is None:
            server_id = context.config("PMS_IDENTIFIER")
        if shaping.digit_id(section_id) is None:
            return {}
        section_kind, section_value = affinity_shape(ls.c.section_id, section_id)
        server_kind, server_value = affinity_shape(ls.c.server_id, server_id)
        stmt = _library_details_stmt(bool(include_last_accessed), section_kind, server_kind)
        try:
            rows = self._rows(stmt, "libraries.get_library_details",
                              {"section_id": section_value, "server_id": server_value})
        except TautulliDBError:
            rows = []
        if include_last_accessed and not rows:
            rows = [dict.fromkeys(stmt.selected_columns.keys(), None)]
        return shaping.library_details(rows)

    def get_watch_time_stats(self, section_id: Any = None, grouping: Any = None,
                             query_days: Any = None) -> list[dict[str, Any]]:
        """Plays and time watched in a library over each window of days."""
        if not session_rules.allow_session_library(section_id, self._guest()):
            return []
        grouped = bool(shaping.grouping(grouping))
        kind, value = affinity_shape(h.c.section_id, section_id)
        now = context.now()
        windows = shaping.query_days(query_days)
        found: list[list[dict[str, Any]] | None] = [[] for _ in windows]
        if shaping.digit_id(section_id) is not None:
            found = read_each(self._engine, "libraries.get_watch_time_stats", [
                (_watch_time_stmt(grouped, kind, days > 0), {"section_id": value, "since": now - days * 86400})
                for days in windows
            ])
        return [shaping.watch_time_stat(days, r) for days, rows in zip(windows, found, strict=True)
                for r in rows or []]

    def get_user_stats(self, section_id: Any = None, grouping: Any = None) -> list[dict[str, Any]]:
        """Plays and time per user in a library, most plays first (ties: lowest user id first)."""
        guest = self._guest()
        if not session_rules.allow_session_library(section_id, guest):
            return []
        rows: list[dict[str, Any]] = []
        if shaping.digit_id(section_id) is not None:
            kind, value = affinity_shape(h.c.section_id, section_id)
            try:
                rows = self._rows(_user_stats_stmt(bool(shaping.grouping(grouping)), kind),
                                  "libraries.get_user_stats", {"section_id": value})
            except TautulliDBError:
                rows = []
        return session_rules.mask_session_info([shaping.user_stat(r) for r in rows], guest, mask_metadata=False)

    def get_recently_watched(self, section_id: Any = None, limit: Any = "10") -> list[dict[str, Any]]:
        """The latest distinct items watched in a library (ties: highest rating key first)."""
        guest = self._guest()
        if not session_rules.allow_session_library(section_id, guest):
            return []
        limit = shaping.recent_limit(limit)
        rows: list[dict[str, Any]] = []
        if shaping.digit_id(section_id) is not None:
            kind, value = affinity_shape(h.c.section_id, section_id)
            try:
                stmt = _recently_watched_stmt(kind, bare_columns.grouped(self._engine))
                rows = self._rows(stmt, "libraries.get_recently_watched",
                                  {"section_id": value, "limit": int(limit)})
            except TautulliDBError:
                rows = []
        return session_rules.mask_session_info([shaping.recently_watched_row(r) for r in rows], guest)

    def get_sections(self) -> list[dict[str, Any]] | None:
        """Every library not deleted."""
        stmt = (select(ls.c.section_id, ls.c.section_name, ls.c.section_type, ls.c.agent)
                .where(ls.c.deleted_section == 0).order_by(ls.c.id))
        try:
            rows = self._rows(stmt, "libraries.get_sections")
        except TautulliDBError:
            return None
        return [shaping.section_row(r) for r in rows]

    def has_library_type(self, section_type: Any) -> bool:
        """Whether a library of this type exists and is not deleted."""
        stmt = (select(ls.c.id).where(affinity_equals(ls.c.section_type, section_type), ls.c.deleted_section == 0)
                .limit(1))
        return bool(self._rows(stmt, "libraries.has_library_type"))

    def set_config(self, section_id: Any = None, custom_thumb: Any = "", custom_art: Any = "", do_notify: Any = 1,
                   keep_history: Any = 1, do_notify_created: Any = 1) -> None:
        """Store a library's settings, keyed by section id alone (every server's row changes)."""
        if not section_id:
            return
        values = writing.config_values(custom_thumb, custom_art, do_notify, do_notify_created, keep_history)
        try:
            with transaction(self._engine, "libraries.set_config"):
                writes.upsert_section(self._engine, values, {"section_id": section_id})
        except TautulliDBError as exc:
            writing.failed(exc, "libraries.set_config_failed", section_id=str(section_id))

    def delete(self, server_id: Any = None, section_id: Any = None, row_ids: Any = None,
               purge_only: bool = False) -> Any:
        """Purge a library's history (configured server only), then mark it deleted unless ``purge_only``."""
        if row_ids:
            ids = writing.row_ids(row_ids)
            with transaction(self._engine, "libraries.delete"):
                found = writes.libraries_of_rows(self._engine, ids)
                return all([self.delete(server_id=r["server_id"], section_id=r["section_id"],  # noqa: C419 - every delete runs
                                        purge_only=purge_only) for r in found])
        if not str(section_id).isdigit():
            return False
        server_id = writing.delete_server(server_id)
        with transaction(self._engine, "libraries.delete"):
            purged = sqla_orm.purge_history(self._engine, section_id) if writing.purges_history(server_id) else True
            if purge_only:
                return purged
            try:
                writes.mark_deleted(self._engine, server_id, section_id)
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
            with transaction(self._engine, "libraries.undelete"):
                return writes.mark_undeleted(self._engine, *target)
        except TautulliDBError as exc:
            writing.failed(exc, "libraries.undelete_failed", column=target[0])
            return None

    def add_live_tv_library(self, refresh: Any = False) -> None:
        """Add the Live TV library (or, with ``refresh``, rewrite it when present)."""
        with transaction(self._engine, "libraries.add_live_tv_library"):
            writes.live_tv(self._engine, refresh)

    def refresh_libraries(self) -> bool | None:
        """Store the server's libraries as Plex lists them (offline: False)."""
        return refresh.refresh_libraries(self)

    def store_refreshed_libraries(self, sections: list[dict[str, Any]]) -> list[Any]:
        """Store what a refresh read from the server (one transaction); return the new section ids."""
        with transaction(self._engine, "libraries.refresh_libraries"):
            return writes.store_sections(self._engine, context.config("PMS_IDENTIFIER"), sections)

    def delete_duplicate_libraries(self) -> str | None:
        """Delete the libraries of every server but the configured one."""
        try:
            with transaction(self._engine, "libraries.delete_duplicate_libraries"):
                writes.delete_other_servers(self._engine, context.config("PMS_IDENTIFIER"))
        except TautulliDBError as exc:
            writing.failed(exc, "libraries.delete_duplicates_failed")
            return None
        return writing.DUPLICATES_DELETED


# Statements built once per shape (plexpy.db.stmt_cache): the flags and how each id compares (its affinity
# kind); the ids, the window start and the limit are bound at execution.


@per_shape(maxsize=16)
def _library_details_stmt(include_last_accessed: bool, section_kind: str, server_kind: str) -> Select[Any]:
    """A library's details row by ``:section_id`` and ``:server_id``."""
    last_accessed = (
        select(func.max(h.c.started)).where(h.c.section_id == ls.c.section_id).scalar_subquery()
        if include_last_accessed else null()
    )
    columns = [
        *_library_columns(), ls.c.is_active, ls.c.do_notify, ls.c.do_notify_created, ls.c.keep_history,
        ls.c.deleted_section, last_accessed.label("last_accessed"),
    ]
    return (select(*columns)
            .where(bound_affinity_equals(ls.c.section_id, section_kind, "section_id"),
                   bound_affinity_equals(ls.c.server_id, server_kind, "server_id"))
            .order_by(ls.c.id))


@per_shape(maxsize=16)
def _watch_time_stmt(grouped: bool, kind: str, windowed: bool) -> Select[Any]:
    """Time watched and plays in ``:section_id`` (stopped at or after ``:since`` when ``windowed``)."""
    group_col = h.c.reference_id if grouped else h.c.id
    stmt = (
        select(_watched_time().label("total_time"), func.count(group_col.distinct()).label("total_plays"))
        .select_from(h.join(m, m.c.id == h.c.id))
        .where(bound_affinity_equals(h.c.section_id, kind, "section_id"))
    )
    return stmt.where(h.c.stopped >= bindparam("since")) if windowed else stmt


@per_shape(maxsize=8)
def _user_stats_stmt(grouped: bool, kind: str) -> Select[Any]:
    """Plays and time per user in ``:section_id``, most plays first."""
    group_col = h.c.reference_id if grouped else h.c.id
    per_user = (
        select(u.c.user_id.label("uid"), func.count(group_col.distinct()).label("total_plays"),
               _watched_time().label("total_time"))
        .select_from(h.join(m, m.c.id == h.c.id).join(u, u.c.user_id == h.c.user_id))
        .where(bound_affinity_equals(h.c.section_id, kind, "section_id"))
        .group_by(u.c.user_id)
        .subquery("per_user")
    )
    return (
        select(_friendly_name().label("friendly_name"), u.c.user_id, u.c.username, u.c.thumb,
               u.c.custom_avatar_url.label("custom_thumb"), per_user.c.total_plays, per_user.c.total_time)
        .select_from(per_user.join(u, u.c.user_id == per_user.c.uid))
        .order_by(per_user.c.total_plays.desc().nulls_last(), per_user.c.total_time.desc().nulls_last(),
                  u.c.user_id)
    )


def _recent_columns() -> list[Any]:
    """The columns of a recently watched row: the play's and its item's."""
    return [
        h.c.id, h.c.media_type, m.c.guid, h.c.rating_key, h.c.parent_rating_key, h.c.grandparent_rating_key,
        m.c.title, m.c.parent_title, m.c.grandparent_title, m.c.original_title, m.c.thumb, m.c.parent_thumb,
        m.c.grandparent_thumb, m.c.media_index, m.c.parent_media_index, m.c.year, m.c.originally_available_at,
        m.c.added_at, m.c.live, h.c.started, h.c.user, m.c.content_rating, m.c.labels, h.c.section_id,
    ]


@per_shape(maxsize=8)
def _recently_watched_stmt(kind: str, grouped: bool) -> Select[Any]:
    """The newest play of each item watched in ``:section_id``, ``:limit`` of them.

    ``grouped`` (SQLite): Tautulli's GROUP BY, whose bare columns SQLite takes from the row of the one
    ``MAX(started)`` and whose ties keep the GROUP BY's order; otherwise window functions spell that out.
    """
    if grouped:
        return (
            select(*_recent_columns())
            .select_from(m.join(h, m.c.id == h.c.id))
            .where(bound_affinity_equals(h.c.section_id, kind, "section_id"))
            .group_by(h.c.rating_key)
            .order_by(func.max(h.c.started).desc())
            .limit(bindparam("limit", type_=Integer()))
        )
    ranked = (
        select(
            h.c.id.label("rid"),
            func.max(h.c.started).over(partition_by=h.c.rating_key).label("newest"),
            func.row_number().over(partition_by=h.c.rating_key,
                                   order_by=(h.c.started.desc().nulls_last(), h.c.id)).label("pick"),
        )
        .select_from(m.join(h, m.c.id == h.c.id))
        .where(bound_affinity_equals(h.c.section_id, kind, "section_id"))
        .subquery("ranked")
    )
    return (
        select(*_recent_columns())
        .select_from(ranked.join(h, h.c.id == ranked.c.rid).join(m, m.c.id == h.c.id))
        .where(ranked.c.pick == 1)
        .order_by(ranked.c.newest.desc().nulls_last(), h.c.rating_key.desc().nulls_last())
        .limit(bindparam("limit", type_=Integer()))
    )


@per_shape()
def _list_stmt(grouping: bool, section_kinds: tuple[str, ...] | None) -> Select[Any]:
    """The libraries table's inner query; with ``section_kinds``, only the sections ``:section_0``... (a guest's)."""
    where = [ls.c.deleted_section == 0]
    if section_kinds:
        where.append(or_(*(bound_affinity_equals(ls.c.section_id, kind, f"section_{n}")
                           for n, kind in enumerate(section_kinds))))
    per_section = play_totals(h.c.section_id, grouping, "last_accessed", "per_section")
    last = h.alias("last")
    return (
        select(
            *_library_columns(),
            func.coalesce(per_section.c.plays, 0).label("plays"),
            func.coalesce(per_section.c.duration, 0).label("duration"), per_section.c.last_accessed,
            per_section.c.history_row_id, m.c.full_title.label("last_played"), last.c.rating_key,
            m.c.media_type, m.c.thumb, m.c.parent_thumb, m.c.grandparent_thumb, m.c.parent_title, m.c.year,
            m.c.media_index, m.c.parent_media_index, m.c.content_rating, m.c.labels, m.c.live, m.c.added_at,
            m.c.originally_available_at, m.c.guid, ls.c.do_notify, ls.c.do_notify_created, ls.c.keep_history,
            ls.c.is_active,
        )
        .select_from(
            ls.outerjoin(per_section, per_section.c.section_id == ls.c.section_id)
            .outerjoin(last, last.c.id == per_section.c.history_row_id)
            .outerjoin(m, m.c.id == last.c.id)
        )
        .where(*where)
        .order_by(ls.c.server_id, ls.c.section_id)
    )


@per_shape()
def _play_counts_stmt(grouped: bool, group_column: str, kind: str) -> Select[Any]:
    """Last play and play count per item (``group_column``) of the library ``:section_id`` (a value of ``kind``)."""
    count_by = h.c.reference_id if grouped else h.c.id
    group_by = h.c[group_column]
    return (
        select(group_by.label("item_key"), func.max(h.c.started).label("last_played"),
               func.count(count_by.distinct()).label("play_count"))
        .where(bound_affinity_equals(h.c.section_id, kind, "section_id"))
        .group_by(group_by)
    )


@per_shape(maxsize=4)
def _guest_stmt(kind: str) -> Select[Any]:
    """The sharing settings of the user ``:user_id`` (a value of ``kind``): first matching row."""
    return (select(*(u.c[name] for name in shaping.GUEST_COLUMNS))
            .where(bound_affinity_equals(u.c.user_id, kind, "user_id")).order_by(u.c.id).limit(1))


TWIN = SqlaLibraries
