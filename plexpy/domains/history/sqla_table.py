"""The history table's queries on SQLAlchemy Core (package-private helper of ``sqla.py``).

SQLite answers Tautulli's grouped history query with *bare columns*: with several MIN/MAX aggregates in the
select list, the last one (``MAX(percent complete)``) decides which segment of a play the other columns come
from: the first row (in row-id order) reaching the highest percent, or, when every percent is NULL, the last
row. Here that row is picked explicitly with ``row_number()``, the play's totals are window aggregates, and
``group_ids`` is a window ``group_concat`` ordered by id, so the query means the same on every backend.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import CompoundSelect
from sqlalchemy.sql.visitors import InternalTraversal

from plexpy import context
from plexpy.datatables.custom_where import CustomWhere, CustomWhereFailure
from plexpy.datatables.sqla_sql import NameScope, custom_where_clause
from plexpy.db.schema import session_history, session_history_media_info, session_history_metadata, sessions, users
from plexpy.db.sqlfuncs import binary_collate, blank_as_null, group_concat, sqlite_sum
from plexpy.domains.history.shaping import HISTORY_ALIASES

__all__ = [
    "duration_parts",
    "duration_scope",
    "history_query",
    "history_rows_from",
    "history_scope",
    "history_tiebreak",
    "live_scope",
    "row_columns",
    "summed_duration",
    "total_duration_column",
    "total_duration_query",
    "unindexed",
]

h = session_history
m = session_history_metadata
i = session_history_media_info
u = users
s = sessions

_HISTORY_FROM = h.outerjoin(u, h.c.user_id == u.c.user_id).join(m, h.c.id == m.c.id).join(i, h.c.id == i.c.id)


def _media_type_live(live: Any, media_type: Any) -> ColumnElement[Any]:
    return case((live == 1, "live"), else_=media_type)


def _percent(view_offset: Any, duration: Any) -> ColumnElement[Any]:
    """Percent of an item played: offset (0.1 when unknown) over duration (1 when unknown); NULL for zero."""
    offset = func.coalesce(cast(blank_as_null(view_offset), Float()), literal(0.1, Float()))
    length = func.coalesce(cast(blank_as_null(duration), Float()), literal(1.0, Float()))
    return offset / func.nullif(length, literal(0.0, Float())) * literal(100, Float())


def _played(rows: Any, otherwise: Any) -> ColumnElement[Any]:
    return case((rows.c.stopped > 0, rows.c.stopped - rows.c.started), else_=otherwise)


def _bare_row_order(percent: ColumnElement[Any], scan: list[Any]) -> list[Any]:
    """Order a play's rows so that SQLite's bare-column row comes first (see the module docstring).

    ``scan`` is the order SQLite reads the rows in: the first row with the highest percent wins; when every
    percent is NULL, the last row read does.
    """
    unknown = percent.is_(None)
    return [
        case((unknown, 1), else_=0), percent.desc(),
        *(case((unknown, null()), else_=key).asc().nulls_first() for key in scan),
        *(case((unknown, key), else_=null()).desc().nulls_last() for key in scan),
    ]


# How SQLite 3.40 (no ANALYZE statistics) chooses between the transcode decision index and another index for
# the grouped history query, measured on the query plan: the other index drives when its number of
# equality values is at most this limit, given the number of transcode decisions ``m``.
_OTHER_INDEX_LIMITS: dict[tuple[str, str], Any] = {
    **{("session_history", name): lambda m: m for name in (
        "section_id", "user_id", "user", "rating_key", "parent_rating_key", "grandparent_rating_key", "media_type",
    )},
    ("session_history_metadata", "live"): lambda m: m,
    ("session_history_metadata", "rating_key"): lambda m: m - 1,
    ("session_history_metadata", "guid"): lambda m: m - 1,
    ("session_history", "reference_id"): lambda m: {1: 1, 2: 3, 3: 5, 4: 8, 5: 10}.get(m, 2 * m),
    ("session_history", "id"): lambda m: 10,
    ("session_history_metadata", "id"): lambda m: 10,
    ("session_history_media_info", "id"): lambda m: 10,
}


def _equality_count(condition: Any, scope: NameScope) -> tuple[tuple[str, str], int] | None:
    """``(table, column), number of values`` of an ``=``/``IN`` entry on one column, else None."""
    targets = {term.target for term in condition.terms}
    if len(targets) != 1 or not {term.kind for term in condition.terms} <= {"eq", "in"}:
        return None
    try:
        column = scope.resolve(targets.pop())
    except CustomWhereFailure:
        return None
    if not isinstance(column, Column):
        return None
    return (column.table.name, column.name), sum(len(term.values) for term in condition.terms)


def reads_by_decision(where: CustomWhere, grouping: Any) -> bool:
    """Whether SQLite reads the grouped history rows through the transcode decision index.

    It then meets a play's rows in (decision, id) order instead of id order, which decides ``group_ids`` and
    the bare-column row on ties. Only an AND-only filter with two or more decisions can make it do so.
    """
    groups = where.groups()
    if not grouping or len(groups) != 1:
        return False
    scope = history_scope()
    decisions, others = [], []
    for condition in groups[0]:
        found = _equality_count(condition, scope)
        if found is None:
            continue
        if found[0] == ("session_history_media_info", "transcode_decision"):
            decisions.append(found[1])
        elif found[0] in _OTHER_INDEX_LIMITS:
            others.append(found)
    if not decisions or min(decisions) < 2:
        return False
    m = min(decisions)
    return all(count > _OTHER_INDEX_LIMITS[key](m) for key, count in others)


def _friendly(friendly_name: Any, fallback: Any) -> ColumnElement[Any]:
    blank = friendly_name.is_(None) | (func.trim(friendly_name) == "")
    return case((blank, fallback), else_=friendly_name)


@functools.cache
def history_scope() -> NameScope:
    """What names mean in the WHERE clause of the history query."""
    return NameScope(
        tables={"session_history": h, "users": u, "session_history_metadata": m, "session_history_media_info": i},
        aliases={
            "row_id": h.c.id, "user_thumb": u.c.thumb, "custom_thumb": u.c.custom_avatar_url,
            "media_type_live": _media_type_live(m.c.live, h.c.media_type), "state": null(), "session_key": null(),
            **dict.fromkeys(("date", "play_duration", "percent_complete", "group_count", "group_ids")),
        },
    )


def _history_select(where: CustomWhere, grouping: Any, restrict: ColumnElement[bool] | None = None) -> Select[Any]:
    # 1. the matching rows, narrow: id, play key and what the play's totals need;
    matched = (
        select(
            h.c.id, (h.c.reference_id if grouping else h.c.id).label("play"), i.c.transcode_decision.label("decision"),
            h.c.started, h.c.stopped,
            func.coalesce(h.c.paused_counter, 0).label("paused"),
            _percent(h.c.view_offset, m.c.duration).label("percent"),
        )
        .select_from(_HISTORY_FROM)
    )
    clause = custom_where_clause(where, history_scope(), "cw")
    if restrict is not None:  # whole plays only (see sqla_page): their totals and picked rows stay the same
        matched = matched.where(restrict)
        if clause is not None:  # the restriction (a few plays) drives; the filter only checks their rows
            clause = case((clause, 1), else_=0) == 1
    if clause is not None:
        matched = matched.where(clause)
    rows = matched.subquery("matched")
    scan = [binary_collate(rows.c.decision), rows.c.id] if reads_by_decision(where, grouping) else [rows.c.id]
    # 2. each play's totals, and which of its rows SQLite's bare columns come from;
    play = {"partition_by": rows.c.play}
    totals = select(
        rows.c.id,
        func.max(rows.c.started).over(**play).label("date"), func.min(rows.c.started).over(**play).label("started"),
        func.max(rows.c.stopped).over(**play).label("stopped"),
        (sqlite_sum(_played(rows, 0)).over(**play) - sqlite_sum(rows.c.paused).over(**play)).label("play_duration"),
        sqlite_sum(rows.c.paused).over(**play).label("paused_counter"),
        func.max(rows.c.percent).over(**play).label("percent_complete"),
        func.count().over(**play).label("group_count"),
        group_concat(rows.c.id)
        .over(partition_by=rows.c.play, order_by=[k.asc().nulls_first() for k in scan], rows=(None, None))
        .label("group_ids"),
        func.row_number().over(partition_by=rows.c.play, order_by=_bare_row_order(rows.c.percent, scan))
        .label("pick"),
    ).subquery("plays")
    # 3. the picked row of each play, with its own columns.
    columns = {**row_columns(), **{name: totals.c[name] for name in _PLAY_TOTALS}}
    return (
        select(*(columns[name] for name in HISTORY_ALIASES))
        .select_from(totals.join(h, h.c.id == totals.c.id).outerjoin(u, h.c.user_id == u.c.user_id)
                     .join(m, h.c.id == m.c.id).join(i, h.c.id == i.c.id))
        .where(totals.c.pick == 1)
    )


#: The grouped row's columns computed over the play's rows; every other column is the picked row's own.
_PLAY_TOTALS = ("date", "started", "stopped", "play_duration", "paused_counter", "percent_complete", "group_count",
                "group_ids")


def row_columns() -> dict[str, ColumnElement[Any]]:
    """The grouped row's columns that are the picked history row's own values, by alias (labelled)."""
    columns: dict[str, Any] = {
        "reference_id": h.c.reference_id, "row_id": h.c.id.label("row_id"), "view_offset": h.c.view_offset,
        "user_id": h.c.user_id, "user": h.c.user,
        "friendly_name": _friendly(u.c.friendly_name, u.c.username).label("friendly_name"),
        "user_thumb": u.c.thumb.label("user_thumb"), "custom_thumb": u.c.custom_avatar_url.label("custom_thumb"),
        **{name: h.c[name] for name in ("platform", "product", "player", "ip_address", "machine_id", "location",
                                        "secure", "relayed", "media_type")},
        "media_type_live": _media_type_live(m.c.live, h.c.media_type).label("media_type_live"),
        **{name: m.c[name] for name in (
            "rating_key", "parent_rating_key", "grandparent_rating_key", "full_title", "title", "parent_title",
            "grandparent_title", "original_title", "year", "media_index", "parent_media_index", "thumb",
            "parent_thumb", "grandparent_thumb", "live", "added_at", "originally_available_at", "guid", "duration",
            "marker_credits_first", "marker_credits_final")},
        "transcode_decision": i.c.transcode_decision,
        "state": cast(null(), String()).label("state"),
        "session_key": cast(null(), s.c.session_key.type).label("session_key"),
    }
    return columns


@functools.cache
def live_scope() -> NameScope:
    """What names mean in the WHERE clause of the live-session half (Tautulli drops the table prefixes)."""
    return NameScope(
        tables={"sessions": s},
        aliases={
            "reference_id": null(), "row_id": null(), "date": s.c.started, "user_thumb": null(),
            "custom_thumb": null(), "media_type_live": _media_type_live(s.c.live, s.c.media_type),
            "marker_credits_first": null(), "marker_credits_final": null(), "group_count": null(),
            "group_ids": null(), **dict.fromkeys(("play_duration", "percent_complete")),
        },
    )


def _live_select(where: CustomWhere) -> Select[Any]:
    percent = _percent(s.c.view_offset, s.c.duration)
    paused = func.coalesce(s.c.paused_counter, 0)
    play = {"partition_by": s.c.session_key}
    now = bindparam("now", context.now(), type_=Integer())
    ranked = select(
        cast(null(), Integer()).label("reference_id"), cast(null(), Integer()).label("row_id"),
        s.c.started.label("date"), s.c.started, s.c.stopped,
        (sqlite_sum(_played(s, now - s.c.started)).over(**play) - sqlite_sum(paused).over(**play))
        .label("play_duration"),
        sqlite_sum(paused).over(**play).label("paused_counter"), s.c.view_offset, s.c.user_id, s.c.user,
        _friendly(s.c.friendly_name, s.c.user).label("friendly_name"), cast(null(), String()).label("user_thumb"),
        cast(null(), String()).label("custom_thumb"), s.c.platform, s.c.product, s.c.player, s.c.ip_address,
        s.c.machine_id, s.c.location, s.c.secure, s.c.relayed, s.c.media_type,
        _media_type_live(s.c.live, s.c.media_type).label("media_type_live"), s.c.rating_key, s.c.parent_rating_key,
        s.c.grandparent_rating_key, s.c.full_title, s.c.title, s.c.parent_title, s.c.grandparent_title,
        s.c.original_title, s.c.year, s.c.media_index, s.c.parent_media_index, s.c.thumb, s.c.parent_thumb,
        s.c.grandparent_thumb, s.c.live, s.c.added_at, s.c.originally_available_at, s.c.guid,
        func.max(percent).over(**play).label("percent_complete"), s.c.duration,
        cast(null(), m.c.marker_credits_first.type).label("marker_credits_first"),
        cast(null(), m.c.marker_credits_final.type).label("marker_credits_final"),
        s.c.transcode_decision, cast(null(), Integer()).label("group_count"),
        cast(null(), String()).label("group_ids"), s.c.state, s.c.session_key,
        func.row_number().over(partition_by=s.c.session_key, order_by=_bare_row_order(percent, [s.c.id]))
        .label("pick"),
    )
    clause = custom_where_clause(where, live_scope(), "lw")
    if clause is not None:
        ranked = ranked.where(clause)
    sub = ranked.subquery("live")
    return select(*(sub.c[name] for name in HISTORY_ALIASES)).where(sub.c.pick == 1)


def history_query(where: CustomWhere, grouping: Any, include_activity: Any,
                  restrict: ColumnElement[bool] | None = None,
                  live_where: CustomWhere | None = None) -> Select[Any] | CompoundSelect:
    """The history table's inner query (before DataTables search, order and paging).

    The filter's values are the binds ``cw0``, ``cw1``... (``lw0``... in the live half, filtered by
    ``live_where``, by default the filter without table prefixes) and ``now``, holding the values given.

    Raises:
        CustomWhereFailure: a filter naming something the query does not have (SQLite would refuse it).
    """
    history = _history_select(where, grouping, restrict)
    if not include_activity:
        return history
    return union(history, _live_select(where.unqualified() if live_where is None else live_where))


def history_tiebreak(grouping: Any, include_activity: Any) -> tuple[str, ...]:
    """The inner query's own row order, which SQLite keeps for rows tying on every ORDER BY key.

    Grouped rows come in group-key order; ``UNION`` sorts whole rows (column by column) to remove duplicates.
    """
    if include_activity:
        return HISTORY_ALIASES
    return ("reference_id",) if grouping else ("row_id",)


class unindexed(ColumnElement[Any]):
    """A column as a value SQLite's planner does not match to an index (``+x``); the plain column elsewhere.

    Unary ``+`` changes no value or type in SQLite; it only keeps the planner from using the column's index,
    e.g. grouping a full scan by ``+reference_id`` reads ``session_history`` in row order and sorts instead of
    fetching every row out of order through ``idx_session_history_reference_id`` (about 2x slower at a million
    rows). PostgreSQL plans joins and groupings by cost and gets the plain column.
    """

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.column, **kw)}"


def history_rows_from(with_users: bool = False) -> Any:
    """``session_history`` joined to its metadata and media info rows, read in ``session_history``'s order.

    ``+id`` on the probe side keeps SQLite from driving the join from a narrow metadata index and probing
    ``session_history`` in random order (4 s instead of 0.4 s over a million rows); the rows are the same.
    The users join (``users.user_id`` is unique: no extra rows) when a filter may name their columns.
    """
    rows = h.join(m, m.c.id == unindexed(h.c.id)).join(i, i.c.id == unindexed(h.c.id))
    return rows.outerjoin(u, h.c.user_id == u.c.user_id) if with_users else rows


def total_duration_column() -> ColumnElement[Any]:
    """Play time summed over the history rows of a query (pauses taken off), labelled ``total_duration``."""
    played, paused = duration_parts()
    return summed_duration(played, paused)


def duration_parts() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """A history row's played and paused seconds, the two terms :func:`total_duration_column` sums."""
    return _played(h, 0), func.coalesce(h.c.paused_counter, 0)


def summed_duration(played: Any, paused: Any) -> ColumnElement[Any]:
    """:func:`total_duration_column` over columns holding :func:`duration_parts`, labelled ``total_duration``."""
    return (sqlite_sum(played) - sqlite_sum(paused)).label("total_duration")


@functools.cache
def duration_scope() -> NameScope:
    """What names mean in the WHERE clause of the total duration query."""
    return NameScope(
        tables={"session_history": h, "session_history_metadata": m, "session_history_media_info": i},
        aliases={"media_type_live": _media_type_live(m.c.live, h.c.media_type), "total_duration": None},
    )


def total_duration_query(where: CustomWhere) -> Select[Any]:
    """The play time of the rows a filter selects (NULL when none); its values are the binds ``cw0``..."""
    stmt = select(total_duration_column()).select_from(history_rows_from())
    clause = custom_where_clause(where, duration_scope(), "cw")
    return stmt.where(clause) if clause is not None else stmt
