"""Legacy SQL of the ranking cards: the six item cards, libraries, users and platforms.

Each card counts *plays*: an inner query folds the history rows of one play (``reference_id`` when grouping,
else the row ``id``) into one row, whose bare columns SQLite takes from the play's first row in scan order,
and sums its watched time. The outer query groups plays by item, library, user or platform; its bare
columns come from the play holding ``MAX(started)``. Ties in the ORDER BY keep the outer GROUP BY's order.
"""

from __future__ import annotations

from typing import Any

from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.home_stats import shaping

__all__ = ["media_card_rows", "platform_card_rows", "plays_filter", "top_library_rows", "top_user_rows"]

_FRIENDLY = "CASE WHEN u.friendly_name IS NULL OR TRIM(u.friendly_name) = '' THEN u.username ELSE u.friendly_name END"

_PLAYS = """
SELECT h.id AS id, h.started AS started, h.user_id AS user_id, h.user AS user, h.player AS player,
       h.platform AS platform, h.section_id AS section_id, h.media_type AS media_type, h.rating_key AS rating_key,
       h.grandparent_rating_key AS grandparent_rating_key,
       SUM(CASE WHEN h.stopped > 0 THEN h.stopped - h.started - COALESCE(h.paused_counter, 0) ELSE 0 END) AS d
FROM session_history AS h
WHERE {where}
GROUP BY h.{group}"""

_TOTALS = "MAX(p.started) AS last_watch, COUNT(p.id) AS total_plays, SUM(p.d) AS total_duration"

_ITEM = """m.title AS title, m.grandparent_title AS grandparent_title, m.full_title AS full_title, m.year AS year,
       m.media_index AS media_index, m.parent_media_index AS parent_media_index, p.rating_key AS rating_key,
       m.grandparent_rating_key AS grandparent_rating_key, m.thumb AS thumb,
       m.grandparent_thumb AS grandparent_thumb, p.user AS user, p.user_id AS user_id, p.player AS player,
       p.section_id AS section_id, m.art AS art, p.media_type AS media_type, m.content_rating AS content_rating,
       m.labels AS labels, m.live AS live, m.guid AS guid"""

_MEDIA_CARD = f"""
SELECT p.id AS id, m.full_title AS full_title, m.grandparent_title AS grandparent_title,
       m.original_title AS original_title, m.year AS year, p.rating_key AS rating_key,
       p.grandparent_rating_key AS grandparent_rating_key, m.thumb AS thumb, m.grandparent_thumb AS grandparent_thumb,
       p.section_id AS section_id, m.art AS art, p.media_type AS media_type, m.content_rating AS content_rating,
       m.rating AS rating, m.labels AS labels, p.started AS started, m.live AS live, m.guid AS guid,
       COUNT(DISTINCT p.user_id) AS users_watched, {_TOTALS}
FROM ({{plays}}) AS p
JOIN session_history_metadata AS m ON m.id = p.id
GROUP BY {{item}}
ORDER BY {{order}}
LIMIT ? OFFSET ?"""

_TOP_LIBRARIES = f"""
SELECT p.id AS id, {_ITEM}, s.section_name AS section_name, s.section_type AS section_type,
       s.thumb AS library_thumb, s.custom_thumb_url AS custom_thumb, s.art AS library_art,
       s.custom_art_url AS custom_art, p.started AS started, {_TOTALS}
FROM ({{plays}}) AS p
JOIN session_history_metadata AS m ON m.id = p.id
LEFT OUTER JOIN (SELECT * FROM library_sections WHERE deleted_section = 0) AS s ON p.section_id = s.section_id
GROUP BY p.section_id
ORDER BY {{sort}} DESC, p.started DESC
LIMIT ? OFFSET ?"""

_TOP_USERS = f"""
SELECT p.id AS id, {_ITEM}, u.thumb AS user_thumb, u.custom_avatar_url AS custom_thumb, p.started AS started,
       {_FRIENDLY} AS friendly_name, {_TOTALS}
FROM ({{plays}}) AS p
JOIN session_history_metadata AS m ON m.id = p.id
LEFT OUTER JOIN users AS u ON p.user_id = u.user_id
GROUP BY p.user_id
ORDER BY {{sort}} DESC, p.started DESC
LIMIT ? OFFSET ?"""

_TOP_PLATFORMS = f"""
SELECT p.platform AS platform, p.started AS started, {_TOTALS}
FROM ({{plays}}) AS p
GROUP BY p.platform
ORDER BY {{sort}} DESC, p.started DESC
LIMIT ? OFFSET ?"""

#: Outer grouping of each item card: what makes two plays "the same item".
_ITEM_KEYS = {
    "movie": "m.full_title, m.year",
    "episode": "m.grandparent_title",
    "track": "m.original_title, m.grandparent_title",
}


def plays_filter(request: shaping.StatsRequest, media_type: str | None = None) -> tuple[str, list[Any]]:
    """The inner WHERE of a card and its arguments (media type, window, section, user)."""
    where, args = ["h.stopped >= ?"], [request.since]
    if media_type is not None:
        where.insert(0, "h.media_type = ?")
        args.insert(0, media_type)
    if request.section_id is not None:
        where.append("h.section_id = ?")
        args.append(request.section_id)
    if request.user_id is not None:
        where.append("h.user_id = ?")
        args.append(request.user_id)
    return " AND ".join(where), args


def _plays(request: shaping.StatsRequest, media_type: str | None = None) -> tuple[str, list[Any]]:
    where, args = plays_filter(request, media_type)
    return _PLAYS.format(where=where, group="reference_id" if request.grouping else "id"), args


def media_card_rows(db: SqliteExecutor, name: str, request: shaping.StatsRequest) -> list[dict[str, Any]]:
    """Rows of one of the six item cards."""
    spec = shaping.MEDIA_CARDS[name]
    plays, args = _plays(request, spec.media_type)
    order = f"{request.sort} DESC, p.started DESC"
    if spec.popular:
        order = f"users_watched DESC, {order}"
    query = _MEDIA_CARD.format(plays=plays, item=_ITEM_KEYS[spec.media_type], order=order)
    return db.select(query, [*args, request.count, request.start])


def top_library_rows(db: SqliteExecutor, request: shaping.StatsRequest) -> list[dict[str, Any]]:
    """Rows of ``top_libraries``."""
    plays, args = _plays(request)
    return db.select(_TOP_LIBRARIES.format(plays=plays, sort=request.sort), [*args, request.count, request.start])


def top_user_rows(db: SqliteExecutor, request: shaping.StatsRequest) -> list[dict[str, Any]]:
    """Rows of ``top_users``."""
    plays, args = _plays(request)
    return db.select(_TOP_USERS.format(plays=plays, sort=request.sort), [*args, request.count, request.start])


def platform_card_rows(db: SqliteExecutor, request: shaping.StatsRequest) -> list[dict[str, Any]]:
    """Rows of ``top_platforms``."""
    plays, args = _plays(request)
    return db.select(_TOP_PLATFORMS.format(plays=plays, sort=request.sort), [*args, request.count, request.start])
