"""The ranking cards on SQLite: grouped queries whose bare columns SQLite itself defines.

On SQLite a card is two GROUP BYs, as in Tautulli: the history rows of a play folded into one row, then the
plays of an item, library, user or platform. SQLite fills the bare columns of the first from the group's
first row in scan order and those of the second from the row holding the single ``MAX(started)``, and ties
in the ORDER BY keep the GROUP BY's own order. The statement has the legacy query's shape (same filters,
groupings, joins and ORDER BY), so SQLite plans it, and picks those rows, the same way. It runs about twice
as fast as the window form of :mod:`._sqla_cards`, which spells those rules out for every other backend and
stays the reference: ``tests/domains/test_grouped_forms.py`` checks both forms against the oracle on SQLite.

Statements are built once per shape and bind the same values as the window form (:func:`._sqla_cards.card_shape`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.sql.elements import ColumnElement

from plexpy.db.schema import library_sections, session_history, session_history_metadata, users
from plexpy.db.stmt_cache import per_shape
from plexpy.domains.home_stats import shaping
from plexpy.domains.home_stats._sqla_cards import (
    ITEM_KEYS,
    CardShape,
    friendly_name,
    item_columns,
    paged,
    plays_filter,
    watched_seconds,
)

__all__ = ["media_card_stmt", "platform_stmt", "top_library_stmt", "top_user_stmt"]

h = session_history
m = session_history_metadata
s = library_sections
u = users

def _plays(shape: CardShape, media_type: str | None = None) -> Any:
    """One row per play (``reference_id`` when grouping, else the row): its first row's columns, watched time.

    The WHERE terms come in the legacy query's order (media type first), so nothing but the values differs
    from the statement whose scan order picks the play's row.
    """
    key = h.c.reference_id if shape.grouping else h.c.id
    where = plays_filter(shape, media_type)
    if media_type is not None:
        where.insert(0, where.pop(1))
    return (
        select(
            h.c.id, h.c.started, h.c.user_id, h.c.user, h.c.player, h.c.platform, h.c.section_id, h.c.media_type,
            h.c.rating_key, h.c.grandparent_rating_key, func.sum(watched_seconds()).label("d"),
        )
        .where(*where)
        .group_by(key)
        .subquery("p")
    )


def _totals(p: Any) -> list[ColumnElement[Any]]:
    return [
        func.max(p.c.started).label("last_watch"), func.count(p.c.id).label("total_plays"),
        func.sum(p.c.d).label("total_duration"),
    ]


def _ranked(stmt: Select[Any], p: Any, shape: CardShape, *, popular: bool = False) -> Select[Any]:
    """``stmt`` ordered by the chosen total (after ``users_watched`` for the popular cards), then newest play."""
    order = [stmt.selected_columns[shape.sort].desc(), p.c.started.desc()]
    if popular:
        order.insert(0, stmt.selected_columns.users_watched.desc())
    return paged(stmt.order_by(*order), shape)


@per_shape(maxsize=128)
def media_card_stmt(name: str, shape: CardShape) -> Select[Any]:
    """One of the six item cards."""
    spec = shaping.MEDIA_CARDS[name]
    p = _plays(shape, spec.media_type)
    item = [  # what an item card shows (fewer columns than the other cards: each one costs per group)
        p.c.id, m.c.full_title, m.c.grandparent_title, m.c.original_title, m.c.year, p.c.rating_key,
        p.c.grandparent_rating_key, m.c.thumb, m.c.grandparent_thumb, p.c.section_id, m.c.art, p.c.media_type,
        m.c.content_rating, m.c.rating, m.c.labels, m.c.live, m.c.guid,
    ]
    stmt = (
        select(*item, func.count(distinct(p.c.user_id)).label("users_watched"), *_totals(p))
        .select_from(p.join(m, m.c.id == p.c.id))
        .group_by(*ITEM_KEYS[spec.media_type])
    )
    return _ranked(stmt, p, shape, popular=spec.popular)


@per_shape(maxsize=32)
def top_library_stmt(shape: CardShape) -> Select[Any]:
    """``top_libraries``: plays grouped by section, each listing of a section joined (as Tautulli does)."""
    p = _plays(shape)
    live = select(s).where(s.c.deleted_section == 0).subquery("s")
    stmt = (
        select(
            *item_columns(p), live.c.section_name, live.c.section_type, live.c.thumb.label("library_thumb"),
            live.c.custom_thumb_url.label("custom_thumb"), live.c.art.label("library_art"),
            live.c.custom_art_url.label("custom_art"), *_totals(p),
        )
        .select_from(p.join(m, m.c.id == p.c.id).outerjoin(live, p.c.section_id == live.c.section_id))
        .group_by(p.c.section_id)
    )
    return _ranked(stmt, p, shape)


@per_shape(maxsize=32)
def top_user_stmt(shape: CardShape) -> Select[Any]:
    """``top_users``: plays grouped by user."""
    p = _plays(shape)
    stmt = (
        select(
            *item_columns(p), u.c.thumb.label("user_thumb"), u.c.custom_avatar_url.label("custom_thumb"),
            friendly_name().label("friendly_name"), *_totals(p),
        )
        .select_from(p.join(m, m.c.id == p.c.id).outerjoin(u, p.c.user_id == u.c.user_id))
        .group_by(p.c.user_id)
    )
    return _ranked(stmt, p, shape)


@per_shape(maxsize=32)
def platform_stmt(shape: CardShape) -> Select[Any]:
    """``top_platforms``: plays grouped by platform."""
    p = _plays(shape)
    stmt = select(p.c.platform, *_totals(p)).group_by(p.c.platform)
    return _ranked(stmt, p, shape)
