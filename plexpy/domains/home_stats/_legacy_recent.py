"""Legacy SQL of the time-based cards: ``last_watched`` and ``most_concurrent``."""

from __future__ import annotations

from typing import Any

from plexpy import context
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.home_stats import shaping
from plexpy.domains.home_stats._legacy_cards import plays_filter

__all__ = ["concurrent_rows", "last_watched_rows"]

_FRIENDLY = "CASE WHEN u.friendly_name IS NULL OR TRIM(u.friendly_name) = '' THEN u.username ELSE u.friendly_name END"

# The newest segment of each play (MAX(h.id) picks the row), with offset and length as floats.
_LAST_PLAYS = """
SELECT h.id AS id, h.started AS started, h.user_id AS user_id, h.user AS user, h.player AS player,
       h.section_id AS section_id, h.media_type AS media_type, h.rating_key AS rating_key, MAX(h.id) AS newest,
       CASE WHEN h.view_offset IS NULL THEN 0.1 ELSE h.view_offset * 1.0 END AS offset_ms,
       CASE WHEN hm.duration IS NULL THEN 1.0 ELSE hm.duration * 1.0 END AS length_ms
FROM session_history AS h
JOIN session_history_metadata AS hm ON hm.id = h.id
WHERE (h.media_type = 'movie' OR h.media_type = 'episode') AND {where}
GROUP BY h.{group}"""

_LAST_WATCHED = f"""
SELECT p.id AS id, m.title AS title, m.grandparent_title AS grandparent_title, m.full_title AS full_title,
       m.year AS year, m.media_index AS media_index, m.parent_media_index AS parent_media_index,
       p.rating_key AS rating_key, m.grandparent_rating_key AS grandparent_rating_key, m.thumb AS thumb,
       m.grandparent_thumb AS grandparent_thumb, p.user AS user, p.user_id AS user_id,
       u.custom_avatar_url AS user_thumb, p.player AS player, p.section_id AS section_id, m.art AS art,
       p.media_type AS media_type, m.content_rating AS content_rating, m.rating AS rating, m.labels AS labels,
       m.live AS live, m.guid AS guid, {_FRIENDLY} AS friendly_name, MAX(p.started) AS last_watch
FROM ({{plays}}) AS p
JOIN session_history_metadata AS m ON m.id = p.id
LEFT OUTER JOIN users AS u ON p.user_id = u.user_id
WHERE {{watched}}
GROUP BY p.id
ORDER BY last_watch DESC
LIMIT ? OFFSET ?"""

_SHARE = "p.length_ms * (CASE WHEN p.media_type = 'movie' THEN ? ELSE ? END) / 100.0"

#: WATCHED_MARKER → the "watched" test of a play (1: final credits, 2: first credits, 3: the earlier of first
#: credits and the watched percent; else: percent complete), each with the number of percent arguments.
_WATCHED = {
    1: (f"p.offset_ms >= (CASE WHEN m.marker_credits_final IS NULL THEN {_SHARE} ELSE m.marker_credits_final END)",
        1),
    2: (f"p.offset_ms >= (CASE WHEN m.marker_credits_first IS NULL THEN {_SHARE} ELSE m.marker_credits_first END)",
        1),
    3: (f"p.offset_ms >= MIN((CASE WHEN m.marker_credits_first IS NULL THEN {_SHARE} "
        f"ELSE m.marker_credits_first END), {_SHARE})", 2),
}
_WATCHED_PERCENT = ("p.media_type == 'movie' AND p.offset_ms / p.length_ms * 100 >= ? "
                    "OR p.media_type == 'episode' AND p.offset_ms / p.length_ms * 100 >= ?")

_CONCURRENT = """
SELECT h.started AS started, h.stopped AS stopped
FROM session_history AS h
JOIN session_history_media_info AS i ON h.id = i.id
WHERE h.stopped >= ? {decision}"""


def last_watched_rows(db: SqliteExecutor, request: shaping.StatsRequest) -> list[dict[str, Any]]:
    """Rows of ``last_watched``: the newest watched movies and episodes."""
    where, args = plays_filter(request)
    plays = _LAST_PLAYS.format(where=where, group="reference_id" if request.grouping else "id")
    movie, tv = int(context.config("MOVIE_WATCHED_PERCENT")), int(context.config("TV_WATCHED_PERCENT"))
    marker = context.config("WATCHED_MARKER")
    if marker in _WATCHED:
        watched, repeats = _WATCHED[marker]
        watched_args = [movie, tv] * repeats
    else:
        watched, watched_args = _WATCHED_PERCENT, [movie, tv]
    query = _LAST_WATCHED.format(plays=plays, watched=watched)
    return db.select(query, [*args, *watched_args, request.count, request.start])


def concurrent_rows(db: SqliteExecutor, request: shaping.StatsRequest) -> list[tuple[str, list[dict[str, Any]]]]:
    """Start and stop of every stream in the window, per ``most_concurrent`` title (no section/user filter)."""
    found = []
    for title, decision in shaping.CONCURRENT_DECISIONS:
        if decision is None:
            rows = db.select(_CONCURRENT.format(decision=""), [request.since])
        else:
            rows = db.select(_CONCURRENT.format(decision="AND i.transcode_decision = ?"), [request.since, decision])
        found.append((title, rows))
    return found
