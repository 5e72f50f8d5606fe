"""SQLAlchemy Core for the ranking cards: the six item cards, libraries, users and platforms.

The legacy queries rely on two SQLite rules that are spelled out here, so every backend answers alike:

* **The play's row.** Folding a play's history rows (``GROUP BY reference_id``, or ``id``) without MIN/MAX,
  SQLite takes bare columns from the group's *first row in scan order*. With a media type, section or user
  filter the scan follows an index ending in ``stopped``, so the first row is the earliest ``(stopped, id)``;
  otherwise it follows ``id``. :func:`play_rows` picks that row with ``row_number()``.
* **The card's row and ties.** The outer grouping takes bare columns from the play with ``MAX(started)``,
  the first such play in the inner query's output order (play key ascending, then library row id); rows
  tying on every ORDER BY key stay in the outer GROUP BY's order, whose direction follows SQLite's rule in
  :func:`_card_query`. Totals are window sums over the same rows, so each card is one pass.

Every statement is built once per shape (``plexpy.db.stmt_cache``): :class:`CardShape` holds what changes the
SQL text (grouping, sort column, each filter's presence and affinity kind, whether there is a LIMIT), and
:func:`card_shape` the values bound at execution (``:since``, ``:section_id``, ``:user_id``, ``:limit``,
``:offset``). The SQL text is the one the literals gave, so SQLite plans, and breaks ties, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, bindparam, case, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.schema import library_sections, session_history, session_history_metadata, users
from plexpy.db.sqlfuncs import binary_collate
from plexpy.db.stmt_cache import affinity_shape, bound_affinity_equals, per_shape
from plexpy.domains.home_stats import shaping

__all__ = [
    "ITEM_KEYS",
    "CardShape",
    "card_shape",
    "filter_kind",
    "friendly_name",
    "item_columns",
    "media_card_rows",
    "paged",
    "platform_card_rows",
    "play_rows",
    "plays_filter",
    "rows_of",
    "top_library_rows",
    "top_user_rows",
    "watched_seconds",
]

h = session_history
m = session_history_metadata
u = users
s = library_sections


class CardShape(NamedTuple):
    """What changes a card's SQL text; the values of one request are bound (see :func:`card_shape`)."""

    grouping: bool
    sort: str
    section: str | None  # affinity kind of the section filter, None without one
    user: str | None  # affinity kind of the user filter, None without one
    limited: bool  # a LIMIT (a negative count has none)


def filter_kind(column: Any, value: Any) -> tuple[str | None, Any]:
    """How ``value`` filters ``column``: its affinity kind (None: no filter) and the value to bind.

    A float compared with an INTEGER column keeps a kind of its own: it was bound as a float, and PostgreSQL
    casts each bind to its type.
    """
    if value is None:
        return None, None
    kind, bound = affinity_shape(column, value)
    if kind == "int" and isinstance(bound, float):
        kind = "float"
    return kind, bound


def card_shape(request: shaping.StatsRequest) -> tuple[CardShape, dict[str, Any]]:
    """The shape of ``request``'s card statements and the values they bind."""
    section, section_id = filter_kind(h.c.section_id, request.section_id)
    user, user_id = filter_kind(h.c.user_id, request.user_id)
    shape = CardShape(request.grouping, request.sort, section, user, request.limit is not None)
    params: dict[str, Any] = {"since": request.since, "offset": request.offset}
    if shape.limited:
        params["limit"] = request.limit
    if section is not None:
        params["section_id"] = section_id
    if user is not None:
        params["user_id"] = user_id
    return shape, params


def paged(stmt: Select[Any], shape: CardShape) -> Select[Any]:
    """``stmt`` with ``LIMIT :limit`` (when the shape has one) and ``OFFSET :offset``."""
    if shape.limited:
        stmt = stmt.limit(bindparam("limit", type_=Integer()))
    return stmt.offset(bindparam("offset", type_=Integer()))


def friendly_name() -> ColumnElement[Any]:
    """The user's display name: the friendly name unless it is NULL or blank."""
    blank = u.c.friendly_name.is_(None) | (func.trim(u.c.friendly_name) == "")
    return case((blank, u.c.username), else_=u.c.friendly_name)


def rows_of(conn: Connection, stmt: Select[Any], params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run ``stmt`` with ``params`` and return plain dict rows (integer sums as ``int``, as SQLite returns them)."""
    if conn.dialect.name == "sqlite":  # no Decimal sums to turn back: straight from the driver
        return fetch_dicts(conn, stmt, params)
    result = conn.execute(stmt, params)
    keys = tuple(result.keys())
    # Plain tuples zipped with the keys: RowMapping.items() per row cost more than the SQL on large windows.
    return [dict(zip(keys, map(_plain, row), strict=True)) for row in result]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):  # PostgreSQL sums of bigint
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def plays_filter(shape: CardShape, media_type: str | None = None) -> list[ColumnElement[bool]]:
    """The inner WHERE of a card (media type, window ``:since``, ``:section_id``, ``:user_id``)."""
    where: list[ColumnElement[bool]] = [h.c.stopped >= bindparam("since")]
    if media_type is not None:
        where.append(h.c.media_type == media_type)
    if shape.section is not None:
        where.append(bound_affinity_equals(h.c.section_id, shape.section, "section_id"))
    if shape.user is not None:
        where.append(bound_affinity_equals(h.c.user_id, shape.user, "user_id"))
    return where


def watched_seconds() -> ColumnElement[Any]:
    """A history row's watched seconds: stopped - started - paused, 0 while it runs."""
    return case((h.c.stopped > 0, h.c.stopped - h.c.started - func.coalesce(h.c.paused_counter, 0)), else_=0)


def play_rows(shape: CardShape, media_type: str | None = None) -> Any:
    """One row per play: its first history row in SQLite's scan order, with the play's watched seconds.

    The window runs over narrow rows (id, play key, duration); the picked row's columns are joined after.
    """
    key = h.c.reference_id if shape.grouping else h.c.id
    indexed = media_type is not None or shape.section is not None or shape.user is not None
    scan = [h.c.stopped, h.c.id] if indexed else [h.c.id]
    ranked = (
        select(
            h.c.id.label("first_id"), key.label("play_key"),
            func.sum(watched_seconds()).over(partition_by=key).label("d"),
            func.row_number().over(partition_by=key, order_by=scan).label("pick"),
        )
        .where(*plays_filter(shape, media_type))
        .subquery("ranked")
    )
    first = h.alias("first_row")
    return (
        select(
            first.c.id, first.c.started, first.c.user_id, first.c.user, first.c.player, first.c.platform,
            first.c.section_id, first.c.media_type, first.c.rating_key, first.c.grandparent_rating_key,
            ranked.c.play_key, ranked.c.d,
        )
        .select_from(ranked.join(first, first.c.id == ranked.c.first_id))
        .where(ranked.c.pick == 1)
        .cte("p")
    )


def _card_query(keys: Sequence[ColumnElement[Any]], joined: Any, p: Any, shape: CardShape,
                details: Callable[[Subquery], tuple[Any, list[Any]]], *, popular: bool = False,
                tiebreak: Sequence[ColumnElement[Any]] = ()) -> Select[Any]:
    """The card: one row per group (``keys``), from its newest play, with the group's totals, in SQLite's order.

    SQLite orders by the card's keys (``users_watched`` first for the popular cards, the chosen total, the
    newest play), then keeps the GROUP BY's own order. It gives the GROUP BY terms the ORDER BY's directions
    when both have as many terms (the two-key item cards, ordered by total and newest play), so their ties come
    out by group key *descending*; otherwise by group key ascending (NULL first, bytewise).

    Totals and the pick are window functions over narrow rows; ``details`` joins the picked rows' columns.
    """
    groups = [k.label(f"grp{n}") for n, k in enumerate(keys)]
    rows = (
        select(
            *groups, p.c.id.label("play_id"), p.c.started, p.c.d, p.c.user_id, p.c.play_key,
            *(t.label(f"tie{n}") for n, t in enumerate(tiebreak)),
            func.row_number().over(partition_by=[*keys, p.c.user_id], order_by=p.c.play_key).label("user_first"),
        )
        .select_from(joined).subquery("card_rows")
    )
    group = [rows.c[f"grp{n}"] for n in range(len(keys))]
    ties = [rows.c[f"tie{n}"] for n in range(len(tiebreak))]
    newest_first = [
        rows.c.started.desc().nulls_last(), rows.c.play_key.asc().nulls_first(), *(t.asc().nulls_first() for t in ties)
    ]
    first_user = (rows.c.user_first == 1) & rows.c.user_id.is_not(None)
    ranked = (
        select(
            rows.c.play_id, *ties, *group,
            func.max(rows.c.started).over(partition_by=group).label("last_watch"),
            func.count(rows.c.play_id).over(partition_by=group).label("total_plays"),
            func.sum(rows.c.d).over(partition_by=group).label("total_duration"),
            func.sum(case((first_user, 1), else_=0)).over(partition_by=group).label("users_watched"),
            func.row_number().over(partition_by=group, order_by=newest_first).label("pick"),
        )
        .subquery("card_groups")
    )

    def card_order(table: Any) -> list[Any]:
        order = [table.c[shape.sort].desc().nulls_last(), table.c.last_watch.desc().nulls_last()]
        if popular:
            order.insert(0, table.c.users_watched.desc().nulls_last())
        if len(keys) == len(order):
            return [*order, *(binary_collate(table.c[g.key]).desc().nulls_last() for g in group)]
        return [*order, *(binary_collate(table.c[g.key]).asc().nulls_first() for g in group)]

    top = paged(
        select(*(c for c in ranked.c if c.key != "pick")).where(ranked.c.pick == 1).order_by(*card_order(ranked)),
        shape,
    ).subquery("top")
    source, columns = details(top)
    totals = [top.c.last_watch, top.c.total_plays, top.c.total_duration, top.c.users_watched]
    return select(*columns, *totals).select_from(source).order_by(*card_order(top))


#: What makes two plays "the same item" on each item card (both forms group by it).
ITEM_KEYS = {
    "movie": (m.c.full_title, m.c.year),
    "episode": (m.c.grandparent_title,),
    "track": (m.c.original_title, m.c.grandparent_title),
}


def item_columns(p: Any) -> list[Any]:
    """The play's columns (from ``p``, one row per play) and its item's metadata, as a card row names them."""
    return [
        p.c.id, m.c.title, m.c.grandparent_title, m.c.full_title, m.c.original_title, m.c.year, m.c.media_index,
        m.c.parent_media_index, p.c.rating_key, p.c.grandparent_rating_key, m.c.thumb, m.c.grandparent_thumb,
        p.c.user, p.c.user_id, p.c.player, p.c.section_id, m.c.art, p.c.media_type, m.c.content_rating,
        m.c.rating, m.c.labels, m.c.live, m.c.guid,
    ]


def _item_columns(p: Any, top: Subquery) -> tuple[Any, list[Any]]:
    """The picked play's row and item metadata, joined to the card's top rows."""
    return top.join(p, p.c.id == top.c.play_id).join(m, m.c.id == p.c.id), item_columns(p)


def media_card_rows(conn: Connection, name: str, request: shaping.StatsRequest) -> list[dict[str, Any]]:
    """Rows of one of the six item cards."""
    shape, params = card_shape(request)
    return rows_of(conn, _media_card_stmt(name, shape), params)


def top_library_rows(conn: Connection, request: shaping.StatsRequest) -> list[dict[str, Any]]:
    """Rows of ``top_libraries`` (a section listed on several servers counts each play once per listing)."""
    shape, params = card_shape(request)
    return rows_of(conn, _top_library_stmt(shape), params)


def top_user_rows(conn: Connection, request: shaping.StatsRequest) -> list[dict[str, Any]]:
    """Rows of ``top_users``."""
    shape, params = card_shape(request)
    return rows_of(conn, _top_user_stmt(shape), params)


def platform_card_rows(conn: Connection, request: shaping.StatsRequest) -> list[dict[str, Any]]:
    """Rows of ``top_platforms``."""
    shape, params = card_shape(request)
    return rows_of(conn, _platform_stmt(shape), params)


# Statements built once per shape: the card (and its media type), then the request's CardShape.


@per_shape(maxsize=128)
def _media_card_stmt(name: str, shape: CardShape) -> Select[Any]:
    spec = shaping.MEDIA_CARDS[name]
    p = play_rows(shape, spec.media_type)
    joined = p.join(m, m.c.id == p.c.id)
    return _card_query(ITEM_KEYS[spec.media_type], joined, p, shape, lambda top: _item_columns(p, top),
                       popular=spec.popular)


@per_shape(maxsize=32)
def _top_library_stmt(shape: CardShape) -> Select[Any]:
    p = play_rows(shape)
    live = select(s.c.id, s.c.section_id).where(s.c.deleted_section == 0).subquery("ls")
    joined = p.join(m, m.c.id == p.c.id).outerjoin(live, p.c.section_id == live.c.section_id)

    def details(top: Subquery) -> tuple[Any, list[Any]]:
        source, columns = _item_columns(p, top)
        return source.outerjoin(s, s.c.id == top.c.tie0), [
            *columns, s.c.section_name, s.c.section_type, s.c.thumb.label("library_thumb"),
            s.c.custom_thumb_url.label("custom_thumb"), s.c.art.label("library_art"),
            s.c.custom_art_url.label("custom_art"),
        ]

    return _card_query([p.c.section_id], joined, p, shape, details, tiebreak=[live.c.id])


@per_shape(maxsize=32)
def _top_user_stmt(shape: CardShape) -> Select[Any]:
    p = play_rows(shape)

    def details(top: Subquery) -> tuple[Any, list[Any]]:
        source, columns = _item_columns(p, top)
        return source.outerjoin(u, p.c.user_id == u.c.user_id), [
            *columns, u.c.thumb.label("user_thumb"), u.c.custom_avatar_url.label("custom_thumb"),
            friendly_name().label("friendly_name"),
        ]

    joined = p.join(m, m.c.id == p.c.id)
    return _card_query([p.c.user_id], joined, p, shape, details)


@per_shape(maxsize=32)
def _platform_stmt(shape: CardShape) -> Select[Any]:
    p = play_rows(shape)
    last_watch = func.max(p.c.started)
    sort = func.count(p.c.id) if shape.sort == "total_plays" else func.sum(p.c.d)
    stmt = (
        select(
            p.c.platform, last_watch.label("last_watch"), func.count(p.c.id).label("total_plays"),
            func.sum(p.c.d).label("total_duration"),
        )
        .group_by(p.c.platform)
        .order_by(sort.desc().nulls_last(), last_watch.desc().nulls_last(),
                  binary_collate(p.c.platform).asc().nulls_first())
    )
    return paged(stmt, shape)
