"""The home_stats domain on SQLAlchemy Core: the same answers, with every SQLite quirk made explicit.

The card queries live in ``_sqla_cards`` (ranking cards) and ``_sqla_recent`` (recently watched and
concurrent streams), mirroring the legacy modules; where SQLite picks a bare column's row or breaks a tie
by scan order, those modules pick it by an explicit rule (see their docstrings). Every statement is built
once per shape (``plexpy.db.stmt_cache``) and run with the request's values bound.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, Select, bindparam, func, select
from sqlalchemy.engine import Engine

from plexpy import context
from plexpy.db import bare_columns
from plexpy.db.engine import connect
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import library_sections, session_history, session_history_metadata, users
from plexpy.db.sqlfuncs import binary_collate, value_type
from plexpy.db.stmt_cache import bound_affinity_equals, per_shape
from plexpy.domains.home_stats import _sqla_cards as cards
from plexpy.domains.home_stats import _sqla_grouped as grouped
from plexpy.domains.home_stats import _sqla_recent as recent
from plexpy.domains.home_stats import shaping
from plexpy.session_rules import FILTER_COLUMNS, GuestScope, guest_scope

__all__ = ["TWIN", "SqlaHomeStats"]

h = session_history
m = session_history_metadata
s = library_sections
u = users


class SqlaHomeStats:
    """Home page statistics on a SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get_home_stats(self, grouping: Any = None, time_range: Any = 30, stats_type: Any = "plays",
                       stats_start: Any = 0, stats_count: Any = 10, stat_id: Any = "", stats_cards: Any = None,
                       section_id: Any = None, user_id: Any = None, before: Any = None,
                       after: Any = None) -> Any:
        """Every requested card (or the one ``stat_id`` card); None when any card's query fails."""
        request = shaping.stats_request(grouping, time_range, stats_type, stats_start, stats_count, stat_id,
                                        stats_cards, section_id, user_id, before, after)
        found = []
        for name in request.cards:
            if name not in shaping.CARDS:
                continue
            if request.fails:
                return None
            try:
                with connect(self._engine, f"home_stats.{name}") as conn:
                    rows = self._card_rows(conn, name, request)
                    guest = self._guest(conn)
            except TautulliDBError:
                return None
            found.append(shaping.card(name, request, rows, guest))
        return shaping.home_stats_result(request, found)

    def get_library_stats(
        self, library_cards: Any = [],  # noqa: B006 - Tautulli's default, never mutated
    ) -> Any:
        """One card per library with its newest play, grouped by section type; None on a bad id list."""
        guest = None
        if context.get_session_user_id():  # the admin has no guest row to read
            try:
                with connect(self._engine, "home_stats.get_library_stats") as conn:
                    guest = self._guest(conn)
            except TautulliDBError:
                pass
        ids = shaping.library_section_ids(library_cards, guest)
        if ids is None:
            return None
        try:
            with connect(self._engine, "home_stats.get_library_stats") as conn:
                floats = any(isinstance(value, float) for value in ids)
                rows = cards.rows_of(conn, _library_stats_stmt(floats), {"ids": ids})
        except TautulliDBError:
            return None
        return shaping.library_stats_result(rows, guest)

    def _card_rows(self, conn: Any, name: str, request: shaping.StatsRequest) -> Any:
        if name in RANKING_CARDS and bare_columns.grouped(conn):
            shape, params = cards.card_shape(request)
            return cards.rows_of(conn, _grouped_stmt(name, shape), params)
        if name in shaping.MEDIA_CARDS:
            return cards.media_card_rows(conn, name, request)
        if name == "top_libraries":
            return cards.top_library_rows(conn, request)
        if name == "top_users":
            return cards.top_user_rows(conn, request)
        if name == "top_platforms":
            return cards.platform_card_rows(conn, request)
        if name == "last_watched":
            return recent.last_watched_rows(conn, request)
        return shaping.most_concurrent(recent.concurrent_rows(conn, request))

    def _guest(self, conn: Any) -> GuestScope | None:
        """The calling guest's libraries and filters (None for the admin)."""
        guest_id = context.get_session_user_id()
        if not guest_id:
            return None
        kind, value = cards.filter_kind(u.c.user_id, guest_id)
        found = cards.rows_of(conn, _guest_stmt(kind), {"guest_id": value})
        return guest_scope(found[0] if found else {})


#: The cards with a grouped form on SQLite (:mod:`._sqla_grouped`).
RANKING_CARDS = frozenset({*shaping.MEDIA_CARDS, "top_libraries", "top_users", "top_platforms"})


def _grouped_stmt(name: str, shape: cards.CardShape) -> Select[Any]:
    if name in shaping.MEDIA_CARDS:
        return grouped.media_card_stmt(name, shape)
    if name == "top_libraries":
        return grouped.top_library_stmt(shape)
    if name == "top_users":
        return grouped.top_user_stmt(shape)
    return grouped.platform_stmt(shape)


@per_shape(maxsize=8)
def _guest_stmt(kind: str | None) -> Select[Any]:
    """The guest ``:guest_id``'s shared libraries and filters (``kind``: its affinity kind)."""
    return (
        select(u.c.shared_libraries, *(u.c[name] for name in FILTER_COLUMNS))
        .where(bound_affinity_equals(u.c.user_id, kind or "never", "guest_id")).order_by(u.c.id).limit(1)
    )


@per_shape(maxsize=2)
def _library_stats_stmt(floats: bool) -> Select[Any]:
    """Each library in ``:ids`` with its newest play (the first of equal start times in history id order).

    The ids are bound with the column's own type where it keeps SQLite's values on PostgreSQL, else as floats
    when any is one (PostgreSQL casts a bind to its type), else as integers.
    """
    ids = bindparam("ids", expanding=True, type_=value_type(s.c.section_id, Float() if floats else Integer()))
    joined = s.outerjoin(h, s.c.section_id == h.c.section_id).outerjoin(m, h.c.id == m.c.id)
    ranked = (
        select(
            s.c.id.label("library_row"), s.c.section_id, s.c.section_name, s.c.section_type,
            s.c.thumb.label("library_thumb"), s.c.custom_thumb_url.label("custom_thumb"),
            s.c.art.label("library_art"), s.c.custom_art_url.label("custom_art"), s.c.count, s.c.parent_count,
            s.c.child_count, h.c.id, m.c.title, m.c.grandparent_title, m.c.full_title, m.c.year, m.c.media_index,
            m.c.parent_media_index, h.c.rating_key, m.c.grandparent_rating_key, m.c.thumb, m.c.grandparent_thumb,
            h.c.user, h.c.user_id, h.c.player, m.c.art, h.c.media_type, m.c.content_rating, m.c.labels, m.c.live,
            m.c.guid,
            func.max(h.c.started).over(partition_by=s.c.id).label("last_watch"),
            func.row_number().over(
                partition_by=s.c.id, order_by=(h.c.started.desc().nulls_last(), h.c.id.asc())
            ).label("pick"),
        )
        .select_from(joined)
        .where(s.c.section_id.in_(ids), s.c.deleted_section == 0)
        .subquery("ranked")
    )
    return (
        select(*(c for c in ranked.c if c.key not in ("pick", "library_row")))
        .where(ranked.c.pick == 1)
        .order_by(
            binary_collate(ranked.c.section_type).asc().nulls_first(), ranked.c.count.desc().nulls_last(),
            ranked.c.parent_count.desc().nulls_last(), ranked.c.child_count.desc().nulls_last(),
            ranked.c.library_row,
        )
    )


TWIN = SqlaHomeStats
