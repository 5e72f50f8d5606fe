"""SQLAlchemy Core for the time-based cards: ``last_watched`` and ``most_concurrent``.

``last_watched`` reads each play's *newest* segment (the legacy query's ``MAX(id)`` makes SQLite take bare
columns from that row; here ``row_number()`` picks it), keeps the plays that count as watched, newest first.
Equal start times come out by play id *descending*: with one GROUP BY term (``id``) and one ORDER BY term
(``last_watch DESC``), SQLite sorts the groups in the ORDER BY's direction, and its sort keeps that order.

Both are built once per shape (``plexpy.db.stmt_cache``): ``last_watched`` per :class:`CardShape` and the
configured watched marker and percentages, each ``most_concurrent`` query per transcode decision; the window
start, filters, limit and offset are bound at execution.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, case, func, literal, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from plexpy import context
from plexpy.db.schema import session_history, session_history_media_info, session_history_metadata, users
from plexpy.db.sqlfuncs import scalar_min, sqlite_number
from plexpy.db.stmt_cache import per_shape
from plexpy.domains.home_stats import shaping
from plexpy.domains.home_stats._sqla_cards import CardShape, card_shape, friendly_name, paged, plays_filter, rows_of

__all__ = ["concurrent_rows", "last_watched_rows"]

h = session_history
hm = session_history_metadata.alias("hm")
m = session_history_metadata
i = session_history_media_info
u = users


def _last_plays(shape: CardShape) -> Any:
    """Each play's newest movie or episode segment, with its offset and length as floats."""
    key = h.c.reference_id if shape.grouping else h.c.id
    ranked = (
        select(
            h.c.id, h.c.started, h.c.user_id, h.c.user, h.c.player, h.c.section_id, h.c.media_type,
            h.c.rating_key,
            case((h.c.view_offset.is_(None), literal(0.1)), else_=sqlite_number(h.c.view_offset) * 1.0)
            .label("offset_ms"),
            case((hm.c.duration.is_(None), literal(1.0)), else_=sqlite_number(hm.c.duration) * 1.0)
            .label("length_ms"),
            func.row_number().over(partition_by=key, order_by=h.c.id.desc()).label("pick"),
        )
        .select_from(h.join(hm, hm.c.id == h.c.id))
        .where(or_(h.c.media_type == "movie", h.c.media_type == "episode"), *plays_filter(shape))
        .subquery("ranked")
    )
    return select(*(c for c in ranked.c if c.key != "pick")).where(ranked.c.pick == 1).subquery("p")


def _watched_config() -> tuple[Any, int, int]:
    """The configured WATCHED_MARKER and the movie and TV watched percentages (part of a statement's shape)."""
    return (context.config("WATCHED_MARKER"), int(context.config("MOVIE_WATCHED_PERCENT")),
            int(context.config("TV_WATCHED_PERCENT")))


def _watched(p: Any, marker: Any, movie: int, tv: int) -> ColumnElement[bool]:
    """Tautulli's "watched" test for WATCHED_MARKER ``marker``."""
    share = p.c.length_ms * case((p.c.media_type == "movie", movie), else_=tv) / 100.0
    final = case((m.c.marker_credits_final.is_(None), share), else_=sqlite_number(m.c.marker_credits_final))
    first = case((m.c.marker_credits_first.is_(None), share), else_=sqlite_number(m.c.marker_credits_first))
    if marker == 1:
        return p.c.offset_ms >= final
    if marker == 2:
        return p.c.offset_ms >= first
    if marker == 3:
        return p.c.offset_ms >= scalar_min(first, share)
    # SQLite divides by a zero length to NULL; NULLIF does the same on every backend.
    percent = p.c.offset_ms / func.nullif(p.c.length_ms, 0) * 100
    return or_(
        (p.c.media_type == "movie") & (percent >= movie),
        (p.c.media_type == "episode") & (percent >= tv),
    )


def last_watched_rows(conn: Connection, request: shaping.StatsRequest) -> list[dict[str, Any]]:
    """Rows of ``last_watched``: the newest watched movies and episodes."""
    shape, params = card_shape(request)
    return rows_of(conn, _last_watched_stmt(shape, *_watched_config()), params)


def concurrent_rows(conn: Connection, request: shaping.StatsRequest) -> list[tuple[str, list[dict[str, Any]]]]:
    """Start and stop of every stream in the window, per ``most_concurrent`` title (no section/user filter)."""
    params = {"since": request.since}
    return [(title, rows_of(conn, _concurrent_stmt(decision), params))
            for title, decision in shaping.CONCURRENT_DECISIONS]


@per_shape(maxsize=64)
def _last_watched_stmt(shape: CardShape, marker: Any, movie: int, tv: int) -> Select[Any]:
    p = _last_plays(shape)
    stmt = (
        select(
            p.c.id, m.c.title, m.c.grandparent_title, m.c.full_title, m.c.year, m.c.media_index,
            m.c.parent_media_index, p.c.rating_key, m.c.grandparent_rating_key, m.c.thumb, m.c.grandparent_thumb,
            p.c.user, p.c.user_id, u.c.custom_avatar_url.label("user_thumb"), p.c.player, p.c.section_id, m.c.art,
            p.c.media_type, m.c.content_rating, m.c.rating, m.c.labels, m.c.live, m.c.guid,
            friendly_name().label("friendly_name"), p.c.started.label("last_watch"),
        )
        .select_from(p.join(m, m.c.id == p.c.id).outerjoin(u, p.c.user_id == u.c.user_id))
        .where(_watched(p, marker, movie, tv))
        .order_by(p.c.started.desc().nulls_last(), p.c.id.desc())
    )
    return paged(stmt, shape)


@per_shape(maxsize=8)
def _concurrent_stmt(decision: str | None) -> Select[Any]:
    chosen = true() if decision is None else i.c.transcode_decision == decision
    return select(h.c.started, h.c.stopped).select_from(h.join(i, h.c.id == i.c.id)).where(
        h.c.stopped >= bindparam("since"), chosen)
