"""The history domain's small lookups, built once per shape (package-private helper of ``sqla.py``).

Each builder takes the *kind* of its compared values (``sqla_bound.matches_shape``: a number, text compared
as text, NULL) and names their binds; :func:`key_values` gives the kinds and the values to bind for a value
compared with several columns. Two calls differing only in a key or a user id share one statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.sql.selectable import CompoundSelect

from plexpy import session_rules
from plexpy.datatables.sqla_bound import bound_matches, matches_shape
from plexpy.db.schema import session_history, session_history_metadata, sessions_continued, users
from plexpy.db.stmt_cache import per_shape

__all__ = ["DEVICE_COLUMNS", "ITEM_COLUMNS", "guest_stmt", "item_row_stmt", "key_level_stmt", "key_values",
           "level_column", "live_thumbs_stmt", "user_devices_stmt"]

h = session_history
m = session_history_metadata
u = users

#: The metadata key columns an item lookup compares a rating key with, in order.
ITEM_COLUMNS = (m.c.rating_key, m.c.parent_rating_key, m.c.grandparent_rating_key)

#: Per key-tree level: the column its key matches, and the group key of its rows.
_LEVELS = {"grandparent": (m.c.grandparent_rating_key, m.c.grandparent_rating_key),
           "parent": (m.c.grandparent_rating_key, m.c.parent_rating_key),
           "child": (m.c.parent_rating_key, m.c.rating_key)}


def key_values(columns: tuple[Any, ...], value: Any, name: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``value`` compared with each column: the comparisons' kinds, and the values bound as ``{name}_{n}``."""
    kinds, params = [], {}
    for n, column in enumerate(columns):
        kind, bound = matches_shape(column, value)
        kinds.append(kind)
        params[f"{name}_{n}"] = bound
    return tuple(kinds), params


@per_shape()
def guest_stmt(kind: Any) -> Select[Any]:
    """The guest ``:guest_0``'s shared libraries and content filters (their first user row)."""
    return (select(u.c.shared_libraries, *(u.c[name] for name in session_rules.FILTER_COLUMNS))
            .where(bound_matches(u.c.user_id, kind, "guest_0")).order_by(u.c.id).limit(1))


@per_shape()
def live_thumbs_stmt() -> Select[Any]:
    """Every current user's avatars, for live rows (Tautulli's ``get_user_thumbs`` order)."""
    return select(u.c.user_id, u.c.thumb, u.c.custom_avatar_url).where(u.c.deleted_user == 0).order_by(u.c.id)


@per_shape()
def item_row_stmt(kinds: tuple[Any, ...]) -> Select[Any]:
    """The first history metadata row (row-id order) whose key at any level is ``:key_0``... (``ITEM_COLUMNS``)."""
    return (
        select(m.c.rating_key, m.c.parent_rating_key, m.c.grandparent_rating_key, m.c.title, m.c.parent_title,
               m.c.grandparent_title, m.c.media_index, m.c.parent_media_index, m.c.year, m.c.media_type)
        .where(or_(*(bound_matches(column, kind, f"key_{n}")
                     for n, (column, kind) in enumerate(zip(ITEM_COLUMNS, kinds, strict=True)))))
        .order_by(m.c.id).limit(1)
    )


def level_column(level: str) -> Any:
    """The column a key-tree level's key is compared with."""
    return _LEVELS[level][0]


@per_shape()
def key_level_stmt(level: str, kind: Any) -> Select[Any]:
    """One level of the key tree under ``:key_0``: one row per key, newest key first.

    SQLite takes each group's columns from its first row in scan order: the lowest id for roots and
    parents (a table scan), the highest id for children (a reverse scan of the rating key index).
    """
    match, group = _LEVELS[level]
    pick = m.c.id.desc() if level == "child" else m.c.id
    ranked = (
        select(m.c.rating_key, m.c.parent_rating_key, m.c.grandparent_rating_key, m.c.title, m.c.parent_title,
               m.c.grandparent_title, m.c.media_index, m.c.parent_media_index,
               func.row_number().over(partition_by=group, order_by=pick).label("pick"))
        .where(bound_matches(match, kind, "key_0")).subquery("level")
    )
    stmt = select(*(c for c in ranked.c if c.name != "pick")).where(ranked.c.pick == 1)
    return stmt.order_by(ranked.c[group.name].desc().nulls_last())


#: The columns a user's devices are looked up by: their plays, and their continued sessions.
DEVICE_COLUMNS = (h.c.user_id, sessions_continued.c.user_id)


@per_shape()
def user_devices_stmt(kinds: tuple[Any, ...], history_only: bool) -> Select[Any] | CompoundSelect:
    """The machine ids user ``:user_0`` played from (``DEVICE_COLUMNS``), with continued sessions unless not."""
    played = select(h.c.machine_id).where(bound_matches(h.c.user_id, kinds[0], "user_0"))
    if history_only:
        return played.distinct()
    continued = (select(sessions_continued.c.machine_id)
                 .where(bound_matches(sessions_continued.c.user_id, kinds[1], "user_1")))
    return union(played, continued)
