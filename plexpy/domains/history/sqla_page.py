"""The history table's fast pages on SQLAlchemy Core (package-private helper of ``sqla.py``).

Both shapes below give exactly the rows, order and counts of the general query (``sqla_table.history_query``
paged by ``run_page``), because each only restricts the grouped query to *whole plays* before grouping, and a
play's totals, picked row and ``group_ids`` depend on its own matched rows only:

* **newest plays first** (the default page: grouped, ordered by ``date`` descending, no search, a forward
  page): a play's ``date`` is the newest ``started`` of its matched rows, so walking the matched rows newest
  first (ties by ``reference_id``) meets each play first at its ``date``, in the page's order. The walk reads
  ``idx_session_history_started`` (or ``(user_id, started)``) backwards and stops after ``start + length``
  distinct plays; only those plays are grouped. The filtered count is ``COUNT(DISTINCT reference_id)`` over
  the filter (a NULL ``reference_id`` is one more group, as ``GROUP BY`` makes it).
* **search**: a play whose grouped row matches the search has a matched row that does (its picked row, whose
  own columns the grouped row shows), so the query is restricted to plays with at least one matching row;
  the search itself still runs on the grouped rows. Only when every searched alias is one of the picked
  row's own columns.

Anything else (live sessions included, other orders, aggregate columns searched) returns None: the caller
runs the general query.

Every statement here is built once per shape (``sqla_shapes.HistoryShape``, the request's searched aliases and
order); the filter's values, the search pattern, the walk's size and the page's plays are bound at execution.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.util import find_tables

from plexpy.datatables.params import DataTablesPage, OrderTerm, ResolvedRequest
from plexpy.datatables.sqla_sql import (
    custom_where_clause,
    filtered_statement,
    request_params,
    run_page,
    search_pattern,
)
from plexpy.db.compiled_rows import fetch_dicts, fetch_tuples
from plexpy.db.schema import session_history, users
from plexpy.db.sqlfuncs import ascii_like
from plexpy.db.stmt_cache import per_shape
from plexpy.domains.history.sqla_shapes import HistoryShape
from plexpy.domains.history.sqla_table import (
    duration_parts,
    history_query,
    history_rows_from,
    history_scope,
    history_tiebreak,
    row_columns,
    summed_duration,
    total_duration_column,
)

__all__ = ["TOTAL_DURATION", "fast_page", "walk_statement"]

#: The key of ``DataTablesPage.extra`` holding the total play time when the page's scan computed it.
TOTAL_DURATION = "total_duration"

h = session_history

#: Rows walked per play still missing, at first (doubled until the page is full or the rows run out).
_WALK_FACTOR = 4
#: Positions beyond this are served by the general query (a walk that deep is no longer cheap).
_WALK_LIMIT = 5_000
#: Bind names: the walk's row count, the plays a page groups.
_WALK_SIZE, _PLAYS = "walk_size", "plays"

_TOTAL = select(func.count()).select_from(h)  # count(*): SQLite counts b-tree pages, not rows


def _newest_first(request: ResolvedRequest, grouping: Any, include_activity: Any) -> bool:
    order = request.order
    return (bool(grouping) and not include_activity and not request.search_aliases and len(order) == 1
            and order[0].alias == "date" and order[0].descending
            and request.start >= 0 and request.length > 0 and request.start + request.length <= _WALK_LIMIT)


def _names_users(clause: ColumnElement[bool] | None) -> bool:
    return clause is not None and any(t.name == "users" for t in find_tables(clause, check_columns=True))


def _clause(shape: HistoryShape) -> ColumnElement[bool] | None:
    return custom_where_clause(shape.where, history_scope(), "cw")


def walk_statement(clause: ColumnElement[bool] | None, size: Any) -> Select[Any]:
    """The first ``size`` matched rows' plays, newest ``started`` first (ties by ``reference_id``)."""
    stmt = (select(h.c.reference_id).select_from(history_rows_from(_names_users(clause)))
            .order_by(h.c.started.desc().nulls_last(), h.c.reference_id.asc().nulls_first()).limit(size))
    return stmt.where(clause) if clause is not None else stmt


@per_shape()
def _walk_statement(shape: HistoryShape) -> Select[Any]:
    return walk_statement(_clause(shape), bindparam(_WALK_SIZE, type_=Integer()))


@per_shape()
def _counts_statement(shape: HistoryShape) -> Select[Any]:
    """Distinct plays, rows without a play, all rows (and, without a filter, the total play time)."""
    clause = _clause(shape)
    # Without a filter the total play time is over the same rows: one scan answers both.
    sums = [total_duration_column()] if clause is None else []
    counted = select(func.count(h.c.reference_id.distinct()), func.count() - func.count(h.c.reference_id),
                     select(func.count()).select_from(h).scalar_subquery(), *sums
                     ).select_from(history_rows_from(_names_users(clause)))
    return counted.where(clause) if clause is not None else counted


@per_shape()
def _plays_statement(shape: HistoryShape, search_aliases: tuple[str, ...], order: tuple[OrderTerm, ...],
                     tiebreak: tuple[str, ...]) -> Select[Any]:
    """The grouped rows of the plays bound as ``plays``, searched and ordered as the request asks."""
    inner = history_query(shape.where, True, False, restrict=h.c.reference_id.in_(bindparam(_PLAYS, expanding=True)))
    return filtered_statement(inner, search_aliases, order, tiebreak)


def _walk(conn: Connection, shape: HistoryShape, values: Mapping[str, Any], wanted: int) -> list[Any] | None:
    """The first ``wanted`` plays by newest matched ``started`` (ties by ``reference_id``); None: a NULL key."""
    size = wanted * _WALK_FACTOR
    stmt = _walk_statement(shape)
    while True:
        walked = [r["reference_id"] for r in fetch_dicts(conn, stmt, {**values, _WALK_SIZE: size})]
        plays = list(dict.fromkeys(walked))
        if None in plays[:wanted]:
            return None
        if len(plays) >= wanted or len(walked) < size:
            return plays[:wanted]
        size *= 2


def _newest_page(conn: Connection, shape: HistoryShape, values: Mapping[str, Any],
                 request: ResolvedRequest) -> DataTablesPage | None:
    plays = _walk(conn, shape, values, request.start + request.length)
    if plays is None:
        return None
    distinct, nulls, total, *summed = fetch_tuples(conn, _counts_statement(shape), values)[0]
    page = plays[request.start:]
    rows: list[dict[str, Any]] = []
    if page:
        stmt = _plays_statement(shape, (), request.order, history_tiebreak(True, False))
        rows = fetch_dicts(conn, stmt, {**values, _PLAYS: page})
    return DataTablesPage(rows=rows, filtered_count=int(distinct) + (1 if nulls else 0), total_count=int(total),
                          draw=request.draw, extra={TOTAL_DURATION: summed[0]} if summed else {})


def _searched(search_aliases: tuple[str, ...], *, users_by_id: bool = False) -> ColumnElement[bool]:
    """Whether a history row's own columns match the search (the pattern bound as ``dt_search``).

    ``users_by_id``: a column of the user (``friendly_name``, the thumbnails) matches through the ids of the
    matching users (``users.user_id`` is unique, so that is the joined row's answer) instead of a users join
    on every history row.
    """
    own, pattern = row_columns(), search_pattern("")
    terms = []
    for alias in search_aliases:
        column = own[alias]
        if users_by_id and {t.name for t in find_tables(column, check_columns=True)} == {"users"}:
            matching = select(users.c.user_id).where(ascii_like(column, pattern)).correlate(None)
            terms.append(h.c.user_id.in_(matching.scalar_subquery()))
        else:
            terms.append(ascii_like(column, pattern))
    return or_(*terms)


@per_shape()
def _searched_inner(shape: HistoryShape, grouping: bool, search_aliases: tuple[str, ...]) -> Select[Any]:
    """The grouped (or not) query restricted to plays with at least one row matching the search."""
    clause = _clause(shape)
    key = h.c.reference_id if grouping else h.c.id
    candidates = select(key).select_from(history_rows_from(True)).where(_searched(search_aliases))
    if clause is not None:
        candidates = candidates.where(clause)
    return history_query(shape.where, grouping, False, restrict=key.in_(candidates.scalar_subquery()))


def _searched_page(conn: Connection, shape: HistoryShape, values: Mapping[str, Any], grouping: Any,
                   request: ResolvedRequest) -> DataTablesPage | None:
    inner = _searched_inner(shape, bool(grouping), request.search_aliases)
    return run_page(conn, inner, request, h, history_tiebreak(grouping, False), values, cached=True)


def _sortable_date(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


@per_shape()
def _date_scan(shape: HistoryShape, search_aliases: tuple[str, ...]) -> Select[Any]:
    """Each play with a matching row: its ``reference_id``, whether every row matches, its ``date``.

    Rows ``(0, play, every, date, None)``; without a filter, one more row ``(1, None, None, None, total play
    time)`` sums the same scan's rows (else the caller's total statement does). Each row's match is computed
    once, in a common table both parts read: SQLite and PostgreSQL materialise a CTE read twice, where a
    subquery merged into the grouping would evaluate the match for ``min`` and again for ``max`` (the scan
    and a separate sum: 2.5 + 0.5 s over a million rows; this: 1.6 s).
    """
    clause = _clause(shape)
    hit = case((_searched(search_aliases, users_by_id=True), 1), else_=0)
    played, paused = duration_parts()
    rows = (select(h.c.reference_id.label("play"), h.c.started.label("started"), hit.label("hit"),
                   played.label("played"), paused.label("paused"))
            .select_from(history_rows_from(_names_users(clause))))
    if clause is not None:
        rows = rows.where(clause)
    matched = rows.cte("matched")
    plays = (select(literal(0).label("part"), matched.c.play, func.min(matched.c.hit), func.max(matched.c.started),
                    cast(null(), Integer()))
             .group_by(matched.c.play).having(func.max(matched.c.hit) == 1))
    if clause is not None:
        return plays
    total = select(literal(1), null(), null(), null(), summed_duration(matched.c.played, matched.c.paused))
    return union_all(plays, total)


@per_shape()
def _picked_statement(shape: HistoryShape, search_aliases: tuple[str, ...],
                      order: tuple[OrderTerm, ...]) -> Select[Any]:
    """The plays bound as ``plays`` whose grouped row matches the search."""
    picked = _plays_statement(shape, search_aliases, order, ()).subquery("picked")
    return select(picked.c.reference_id)


def _searched_by_date(conn: Connection, shape: HistoryShape, values: Mapping[str, Any],
                      request: ResolvedRequest) -> DataTablesPage | None:
    """A grouped, searched page ordered by ``date``: plays judged from one narrow scan, only the page grouped.

    One grouped scan gives each play with a matching row its ``date`` and whether *every* row matches (then its
    grouped row, made of one of them, does); the few plays with some matching rows are grouped to see whether
    their picked row matches. The matching plays are sorted as the general query sorts them, then the page's
    plays are grouped in full.
    """
    values = {**values, **request_params(request)}
    scanned = fetch_tuples(conn, _date_scan(shape, request.search_aliases), values)
    plays = [(ref, every, date) for part, ref, every, date, _ in scanned if part == 0]
    summed = [total for part, *_, total in scanned if part == 1]  # the total row, when the scan sums
    extra = {TOTAL_DURATION: summed[0]} if summed else {}
    if any(ref is None or not _sortable_date(date) for ref, _, date in plays):
        return None
    mixed = [ref for ref, every, _ in plays if not every]
    kept = {ref for ref, every, _ in plays if every}
    if mixed:
        stmt = _picked_statement(shape, request.search_aliases, request.order)
        kept.update(r["reference_id"] for r in fetch_dicts(conn, stmt, {**values, _PLAYS: mixed}))
    descending = request.order[0].descending
    # SQLite's order: NULL first ascending and last descending; ties by reference_id ascending.
    ordered = sorted(((ref, date) for ref, _, date in plays if ref in kept),
                     key=lambda p: ((p[1] is None) == descending, -p[1] if descending and p[1] is not None
                                    else (p[1] or 0), p[0]))
    page = [ref for ref, _ in ordered[request.start:request.start + request.length]]
    rows: list[dict[str, Any]] = []
    if page:
        stmt = _plays_statement(shape, request.search_aliases, request.order, history_tiebreak(True, False))
        rows = fetch_dicts(conn, stmt, {**values, _PLAYS: page})
    total = fetch_tuples(conn, _TOTAL)[0][0]
    return DataTablesPage(rows=rows, filtered_count=len(kept), total_count=int(total), draw=request.draw, extra=extra)


def fast_page(conn: Connection, shape: HistoryShape, values: Mapping[str, Any], grouping: Any,
              include_activity: Any, request: ResolvedRequest) -> DataTablesPage | None:
    """The page through a shape that restricts the grouped query to the plays it needs, or None.

    ``shape`` and ``values`` come from ``sqla_shapes.history_shape``.
    """
    if include_activity:
        return None
    if _newest_first(request, grouping, include_activity):
        return _newest_page(conn, shape, values, request)
    if not request.search_aliases or any(a not in row_columns() for a in request.search_aliases):
        return None
    order = request.order
    if (grouping and len(order) == 1 and order[0].alias == "date" and request.start >= 0
            and request.length > 0):
        return _searched_by_date(conn, shape, values, request)
    return _searched_page(conn, shape, values, grouping, request)
