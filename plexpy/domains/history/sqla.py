"""The history domain on SQLAlchemy Core: the same answers, with every SQLite accident made explicit.

Where Tautulli's SQL leaves a choice to SQLite (bare columns in GROUP BY, LIMIT 1 without ORDER BY, ties),
the row SQLite 3.40 picks is chosen by rule: the first history row of an item (row-id order) for search and
key lookups, the newest row of a play's child level as its reverse index scan yields, the first row of a user
for the library check of stats; ties in user stats follow the group key (``user_id``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    bindparam,
    case,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.engine import Engine

from plexpy import context, session_rules
from plexpy.datatables import DataTablesError
from plexpy.datatables.custom_where import CustomWhere, CustomWhereError, CustomWhereFailure, parse
from plexpy.datatables.sqla_bound import bound_matches, matches_shape
from plexpy.datatables.sqla_sql import run_page
from plexpy.db import bare_columns
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import connect, read_each
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import (
    library_sections,
    session_history,
    session_history_media_info,
    session_history_metadata,
    users,
)
from plexpy.db.sqlfuncs import ascii_like, sqlite_sum
from plexpy.db.stmt_cache import per_shape
from plexpy.domains.history import _sqla_writes, item_shaping, shaping, sqla_keys, sqla_orm, writing
from plexpy.domains.history.children import item_children
from plexpy.domains.history.sqla_page import TOTAL_DURATION, fast_page
from plexpy.domains.history.sqla_shapes import (
    history_shape,
    history_statement,
    total_duration_shape,
    total_duration_statement,
)
from plexpy.domains.history.sqla_table import history_tiebreak

__all__ = ["TWIN", "SqlaHistory"]

h = session_history
m = session_history_metadata
i = session_history_media_info
u = users
lib = library_sections

#: Stream detail columns not read from ``session_history_media_info``.
_STREAM_TABLES = {"quality_profile": h, "media_type": m, "title": m, "grandparent_title": m, "original_title": m}


class SqlaHistory:
    """History reads and writes on SQLAlchemy Core (the writes are in ``_sqla_writes``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        with connect(self._engine, f"history.{op}") as conn:
            return fetch_dicts(conn, stmt, params)

    def _guest(self) -> session_rules.GuestScope | None:
        guest_id = context.get_session_user_id()
        if not guest_id:
            return None
        kinds, params = sqla_keys.key_values((u.c.user_id,), guest_id, "guest")
        try:
            rows = self._rows(sqla_keys.guest_stmt(kinds[0]), "guest", params)
        except TautulliDBError:
            rows = []
        return session_rules.guest_scope(rows[0] if rows else {})

    def _live_thumbs(self) -> dict[Any, Any]:
        return {r["user_id"]: shaping.live_thumb(r) for r in self._rows(sqla_keys.live_thumbs_stmt(), "live_thumbs")}

    def _total_duration(self, where: CustomWhere) -> Any:
        try:
            shape, values = total_duration_shape(where)
            rows = self._rows(total_duration_statement(shape), "get_total_duration", values)
        except (CustomWhereFailure, TautulliDBError):
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
            shape, values = history_shape(where, include_activity)
            with connect(self._engine, "history.get_datatables_history") as conn:
                page = fast_page(conn, shape, values, grouping, include_activity, request)
                if page is None:
                    inner = history_statement(shape, bool(grouping), bool(include_activity))
                    page = run_page(conn, inner, request, h, history_tiebreak(grouping, include_activity), values,
                                    cached=True)
        except (DataTablesError, CustomWhereFailure, TautulliDBError):
            return shaping.datatables_empty()
        thumbs = self._live_thumbs() if any(r["state"] for r in page.rows) else None
        rows, filter_duration = shaping.history_rows(page.rows, thumbs)
        total = page.extra[TOTAL_DURATION] if TOTAL_DURATION in page.extra else self._total_duration(where.anded())
        return shaping.datatables_result(page, rows, filter_duration, total)

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
        row_kind, row_value = matches_shape(i.c.id, row_id)
        guest = context.get_session_user_id()
        guest_kind, guest_value = matches_shape(h.c.user_id, guest) if guest else (None, None)
        rows = self._rows(_stream_details_stmt(row_kind, guest_kind), "get_stream_details",
                          {"row_id": row_value, "guest_id": guest_value})
        return item_shaping.stream_details(rows, current_session=bool(session_key))

    def get_metadata_details(self, rating_key: Any = "", guid: Any = "") -> dict[str, Any] | list[Any]:
        """Metadata of an item's newest play (by rating key, or by guid prefix), or ``[]``."""
        rows: list[dict[str, Any]] = []
        if guid or rating_key:
            if guid:
                kind, params = "guid", {"match": guid.split("?")[0] + "%"}
            else:
                kind, value = matches_shape(m.c.rating_key, rating_key)
                params = {"match": value}
            rows = self._rows(_metadata_details_stmt(kind), "get_metadata_details", params)
        metadata = item_shaping.metadata_rows(rows)
        visible = session_rules.filter_session_info(metadata, self._guest(), filter_key="section_id")
        return visible[0] if visible else []

    def _item_filter(self, rating_key: Any, keys: list[Any], guid: Any) -> tuple[Any, dict[str, Any]] | None:
        """Which history rows a per-item stat counts: the filter's shape and its values; None: no query.

        By rating keys (each compared as :func:`matches` does, its kind part of the shape) or by guid.
        """
        if str(rating_key).isdigit():
            kinds, params = [], {}
            for n, key in enumerate(keys):
                kind, value = matches_shape(h.c.rating_key, key)  # the three key columns are all INTEGER
                kinds.append(kind)
                params[f"key_{n}"] = value
            return tuple(kinds), params
        if guid:
            return "guid", {"guid": guid}
        return None

    def get_watch_time_stats(self, rating_key: Any = None, guid: Any = None, media_type: Any = None,
                             grouping: Any = None, query_days: Any = None) -> list[dict[str, Any]]:
        """Plays and time watched of an item over each window of days."""
        if rating_key is None and guid is None:
            return []
        grouped = bool(shaping.grouping(grouping))
        keys = item_shaping.item_keys(rating_key, media_type, item_children)
        match = self._item_filter(rating_key, keys, guid)
        windows = item_shaping.query_days(query_days)
        found: list[list[dict[str, Any]] | None] = [[] for _ in windows]
        if match is not None:
            shape, params = match
            sqlite_groups = bare_columns.grouped(self._engine)
            found = read_each(self._engine, "history.get_watch_time_stats", [
                (_watch_time_stmt(grouped, shape, days > 0, sqlite_groups),
                 {**params, "since": context.now() - days * 86400})
                for days in windows
            ])
        stats, section_ids = [], set()
        for days, rows in zip(windows, found, strict=True):
            for row in rows or []:
                section_ids.add(row["section_id"])
                stats.append(item_shaping.watch_time_stat(days, row))
        guest = self._guest()
        if not all(session_rules.allow_session_library(s, guest) for s in section_ids):
            return []
        return stats

    def get_user_stats(self, rating_key: Any = None, guid: Any = None, media_type: Any = None,
                       grouping: Any = None) -> list[dict[str, Any]]:
        """Plays and time per user of an item, most plays first (a guest sees others masked)."""
        keys = item_shaping.item_keys(rating_key, media_type, item_children)
        match = self._item_filter(rating_key, keys, guid)
        rows: list[dict[str, Any]] = []
        if match is not None:
            shape, params = match
            rows = self._user_stats(_user_stats_stmt(bool(shaping.grouping(grouping)), shape,
                                                     bare_columns.grouped(self._engine)), params)
        guest = self._guest()
        if not all(session_rules.allow_session_library(r["section_id"], guest) for r in rows):
            return []
        return session_rules.mask_session_info([item_shaping.user_stat(r) for r in rows], guest, mask_metadata=False)

    def _user_stats(self, stmt: Select[Any], params: Mapping[str, Any]) -> list[dict[str, Any]]:
        try:
            return self._rows(stmt, "get_user_stats", params)
        except TautulliDBError:
            return []

    def _item_row(self, rating_key: Any, op: str) -> list[dict[str, Any]]:
        """The first history metadata row (row-id order) mentioning a key at any level."""
        kinds, params = sqla_keys.key_values(sqla_keys.ITEM_COLUMNS, rating_key, "key")
        return self._rows(sqla_keys.item_row_stmt(kinds), op, params)

    def get_search_query(self, rating_key: Any = "") -> dict[str, Any] | None:
        """What to search for to find an item (the first history row that mentions its key)."""
        rows = self._item_row(rating_key, "get_search_query") if rating_key else []
        return item_shaping.search_query(rows, rating_key)

    def _key_level(self, level: str, key: Any) -> list[dict[str, Any]]:
        """One level of the key tree: one row per key, newest key first (see ``sqla_keys.key_level_stmt``)."""
        kinds, params = sqla_keys.key_values((sqla_keys.level_column(level),), key, "key")
        return self._rows(sqla_keys.key_level_stmt(level, kinds[0]), "get_rating_keys_list", params)

    def get_rating_keys_list(self, rating_key: Any = "", media_type: Any = "") -> dict[Any, Any]:
        """The key tree of the show, season, artist or album an item belongs to."""
        if media_type == "movie":
            return {0: {"rating_key": int(rating_key)}}
        try:
            root = self._item_row(rating_key, "get_rating_keys_list")[0]["grandparent_rating_key"]
        except (TautulliDBError, IndexError):
            return {}
        return item_shaping.rating_key_tree(root, self._key_level, item_shaping.match_type(media_type))

    def get_user_devices(self, user_id: Any = "", history_only: bool = True) -> list[Any]:
        """The machine ids a user played from (with ``history_only`` False, also their continued sessions)."""
        if not user_id:
            return []
        kinds, params = sqla_keys.key_values(sqla_keys.DEVICE_COLUMNS, user_id, "user")
        try:
            rows = self._rows(sqla_keys.user_devices_stmt(kinds, bool(history_only)), "get_user_devices", params)
        except TautulliDBError:
            return []
        return [r["machine_id"] for r in rows]

    def update_metadata(self, old_key_list: Any = "", new_key_list: Any = "", media_type: Any = "",
                        single_update: Any = False, metadata: Mapping[str, Any] | None = None) -> str:
        """Re-key the history of old Plex items to their new keys (one transaction); Tautulli's message."""
        return _sqla_writes.update_metadata(self._engine, old_key_list, new_key_list, single_update, metadata)

    def update_metadata_details(self, old_rating_key: Any = "", new_rating_key: Any = "", metadata: Any = None,
                                ids: Any = None) -> None:
        """Rewrite the section and metadata rows of these plays from Plex's metadata of their item."""
        if metadata:
            _sqla_writes.update_details(self._engine, metadata, writing.id_list(ids))

    def delete_session_history_rows(self, row_ids: Any = None) -> bool:
        """Delete plays (ids as a list or a comma string) from the three history tables, then VACUUM."""
        return sqla_orm.delete_play_rows(self._engine, row_ids)

    def delete_user_history(self, user_id: Any = None) -> Any:
        """Delete every play of a user: bool, None for a non-numeric id."""
        return sqla_orm.delete_history_of(self._engine, "user_id", user_id)

    def delete_library_history(self, section_id: Any = None) -> Any:
        """Delete every play of a section (on any server): bool, None for a non-numeric id."""
        return sqla_orm.delete_history_of(self._engine, "section_id", section_id)

    def delete_rows_from_table(self, table: Any, row_ids: Any) -> bool:
        """Delete rows by id from one table, then VACUUM; False when the delete failed."""
        return _sqla_writes.delete_rows(self._engine, (table,), row_ids)


@per_shape()
def _stream_details_stmt(row_kind: Any, guest_kind: Any) -> Select[Any]:
    """Stream details of history row ``:row_id`` (only ``:guest_id``'s with ``guest_kind``)."""
    fields = dict.fromkeys([*item_shaping.STREAM_FIELDS, *item_shaping.STREAM_SOURCE_FIELDS])
    columns = [_STREAM_TABLES.get(name, i).c[name] for name in fields]
    stmt = (
        select(*columns)
        .select_from(i.join(h, h.c.id == i.c.id).join(m, m.c.id == i.c.id))
        .where(bound_matches(i.c.id, row_kind, "row_id"))
        .order_by(i.c.id)
    )
    return stmt if guest_kind is None else stmt.where(bound_matches(h.c.user_id, guest_kind, "guest_id"))


@per_shape()
def _metadata_details_stmt(kind: Any) -> Select[Any]:
    """The newest play's metadata of an item: by guid prefix ``:match`` (``kind`` "guid") or rating key."""
    match = (ascii_like(m.c.guid, bindparam("match", type_=String())) if kind == "guid"
             else bound_matches(m.c.rating_key, kind, "match"))
    return (
        select(
            h.c.section_id, m.c.id, m.c.rating_key, m.c.parent_rating_key, m.c.grandparent_rating_key,
            m.c.title, m.c.parent_title, m.c.grandparent_title, m.c.original_title, m.c.full_title,
            lib.c.section_name, m.c.media_index, m.c.parent_media_index, m.c.thumb, m.c.parent_thumb,
            m.c.grandparent_thumb, m.c.art, m.c.media_type, m.c.year, m.c.originally_available_at,
            m.c.added_at, m.c.updated_at, m.c.last_viewed_at, m.c.content_rating, m.c.summary,
            m.c.tagline, m.c.rating, m.c.duration, m.c.guid, m.c.directors, m.c.writers, m.c.actors,
            m.c.genres, m.c.studio, m.c.labels, i.c.container, i.c.bitrate, i.c.video_codec,
            i.c.video_resolution, i.c.video_full_resolution, i.c.video_framerate, i.c.audio_codec,
            i.c.audio_channels, m.c.live, m.c.channel_call_sign, m.c.channel_id, m.c.channel_identifier,
            m.c.channel_title, m.c.channel_thumb, m.c.channel_vcn,
        )
        .select_from(
            m.join(h, h.c.id == m.c.id).join(i, i.c.id == m.c.id)
            .join(lib, lib.c.section_id == h.c.section_id)
        )
        .where(match)
        .order_by(m.c.id.desc(), lib.c.id)
        .limit(1)
    )


# Per-item stats, built once per shape (plexpy.db.stmt_cache): grouping, the item filter's shape (the kind of
# each rating key, or "guid"), a window or all time; the keys, guid and window start are bound at execution.


def _item_match(shape: Any) -> ColumnElement[bool]:
    """The item filter of a shape from :meth:`SqlaHistory._item_filter`."""
    if shape == "guid":
        return m.c.guid == bindparam("guid")
    if not shape:
        return false()
    return or_(*(
        or_(*(bound_matches(column, kind, f"key_{n}") for n, kind in enumerate(shape)))
        for column in (h.c.grandparent_rating_key, h.c.parent_rating_key, h.c.rating_key)
    ))


@per_shape()
def _watch_time_stmt(grouped: bool, shape: Any, windowed: bool, sqlite_groups: bool = False) -> Select[Any]:
    """Time watched and plays of an item (stopped at or after ``:since`` when ``windowed``).

    ``section_id`` is the first matching row's (by id), as SQLite's bare column gives it. ``sqlite_groups``
    (:mod:`plexpy.db.bare_columns`): Tautulli's aggregate with the bare column, left to SQLite. Otherwise one
    aggregate pass keeps ``min(id)`` and that row is looked up after (a window over every matching row cost
    twice the time).
    """
    group_col = h.c.reference_id if grouped else h.c.id
    where = [_item_match(shape)]
    if windowed:
        where.insert(0, h.c.stopped >= bindparam("since"))  # the legacy query's order: window, then item
    if sqlite_groups:
        return (select(_watched_time(h).label("total_time"), func.count(group_col.distinct()).label("total_plays"),
                       h.c.section_id)
                .select_from(h.join(m, m.c.id == h.c.id)).where(*where))
    totals = (
        select(_watched_time(h).label("total_time"), func.count(group_col.distinct()).label("total_plays"),
               func.min(h.c.id).label("first_id"))
        .select_from(h.join(m, m.c.id == h.c.id)).where(*where).subquery("totals")
    )
    first = h.alias("first_row")
    return (select(totals.c.total_time, totals.c.total_plays, first.c.section_id)
            .select_from(totals.outerjoin(first, first.c.id == totals.c.first_id)))


def _watched_time(rows: Any) -> ColumnElement[Any]:
    """Seconds played minus seconds paused over ``rows``."""
    return sqlite_sum(rows.c.stopped - rows.c.started) - sqlite_sum(func.coalesce(rows.c.paused_counter, 0))


@per_shape()
def _user_stats_stmt(grouped: bool, shape: Any, sqlite_groups: bool = False) -> Select[Any]:
    """Plays and time per user of an item, most plays first (``section_id`` of each user's first row by id).

    ``sqlite_groups`` (:mod:`plexpy.db.bare_columns`): Tautulli's GROUP BY with the bare column and its
    implicit tie order, left to SQLite; otherwise both spelled out.
    """
    group_col = h.c.reference_id if grouped else h.c.id
    blank = u.c.friendly_name.is_(None) | (func.trim(u.c.friendly_name) == "")
    friendly = case((blank, u.c.username), else_=u.c.friendly_name).label("friendly_name")
    if sqlite_groups:
        total_plays = func.count(group_col.distinct()).label("total_plays")
        total_time = _watched_time(h).label("total_time")
        return (
            select(friendly, u.c.user_id, u.c.username, u.c.thumb, u.c.custom_avatar_url.label("custom_thumb"),
                   total_plays, total_time, h.c.section_id)
            .select_from(h.join(m, m.c.id == h.c.id).join(u, u.c.user_id == h.c.user_id))
            .where(_item_match(shape))
            .group_by(u.c.user_id)
            .order_by(total_plays.desc(), total_time.desc())
        )
    per_user = (
        select(h.c.user_id, func.count(group_col.distinct()).label("total_plays"),
               _watched_time(h).label("total_time"), func.min(h.c.id).label("first_id"))
        .select_from(h.join(m, m.c.id == h.c.id).join(u, u.c.user_id == h.c.user_id)).where(_item_match(shape))
        .group_by(h.c.user_id).subquery("per_user")
    )
    first = h.alias("first_row")
    return (
        select(
            friendly, u.c.user_id, u.c.username, u.c.thumb, u.c.custom_avatar_url.label("custom_thumb"),
            per_user.c.total_plays, per_user.c.total_time, first.c.section_id,
        )
        .select_from(per_user.join(u, u.c.user_id == per_user.c.user_id)
                     .outerjoin(first, first.c.id == per_user.c.first_id))
        .order_by(per_user.c.total_plays.desc(), per_user.c.total_time.desc().nulls_last(), u.c.user_id)
    )

TWIN = SqlaHistory
