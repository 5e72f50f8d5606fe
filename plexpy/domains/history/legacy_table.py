"""The history table's SQL text on the legacy path (package-private helper of ``legacy.py``).

Tautulli's query shape, in our own words: history rows grouped by play (``reference_id``) or by row, bare
columns taken by SQLite from the segment with the highest percent complete (the last MIN/MAX aggregate of the
select list decides), optionally followed by ``UNION`` with the live sessions. Table names stay unaliased so
the recognised ``custom_where`` names (``session_history.user_id``, ``media_type_live``) resolve as they do
in Tautulli.
"""

from __future__ import annotations

from typing import Any

from plexpy import context
from plexpy.datatables.custom_where import CustomWhere
from plexpy.datatables.legacy_sql import custom_where_sql

__all__ = ["history_sql", "total_duration_sql"]

# (view offset, or 0.1 when unknown) / (duration, or 1 when unknown) * 100; a zero duration gives NULL.
_PERCENT = ("COALESCE(NULLIF({t}.view_offset, '') * 1.0, 0.1) "
            "/ COALESCE(NULLIF({d}.duration, '') * 1.0, 1.0) * 100")

_PLAYED = "CASE WHEN {t}.stopped > 0 THEN {t}.stopped - {t}.started ELSE {else_} END"

_HISTORY = f"""
SELECT session_history.reference_id AS reference_id, session_history.id AS row_id,
       MAX(session_history.started) AS date, MIN(session_history.started) AS started,
       MAX(session_history.stopped) AS stopped,
       SUM({_PLAYED.format(t="session_history", else_="0")})
           - SUM(IFNULL(session_history.paused_counter, 0)) AS play_duration,
       SUM(IFNULL(session_history.paused_counter, 0)) AS paused_counter,
       session_history.view_offset AS view_offset, session_history.user_id AS user_id,
       session_history.user AS user,
       CASE WHEN users.friendly_name IS NULL OR TRIM(users.friendly_name) = '' THEN users.username
            ELSE users.friendly_name END AS friendly_name,
       users.thumb AS user_thumb, users.custom_avatar_url AS custom_thumb,
       session_history.platform AS platform, session_history.product AS product,
       session_history.player AS player, session_history.ip_address AS ip_address,
       session_history.machine_id AS machine_id, session_history.location AS location,
       session_history.secure AS secure, session_history.relayed AS relayed,
       session_history.media_type AS media_type,
       CASE WHEN session_history_metadata.live = 1 THEN 'live' ELSE session_history.media_type END
           AS media_type_live,
       session_history_metadata.rating_key AS rating_key,
       session_history_metadata.parent_rating_key AS parent_rating_key,
       session_history_metadata.grandparent_rating_key AS grandparent_rating_key,
       session_history_metadata.full_title AS full_title, session_history_metadata.title AS title,
       session_history_metadata.parent_title AS parent_title,
       session_history_metadata.grandparent_title AS grandparent_title,
       session_history_metadata.original_title AS original_title, session_history_metadata.year AS year,
       session_history_metadata.media_index AS media_index,
       session_history_metadata.parent_media_index AS parent_media_index,
       session_history_metadata.thumb AS thumb, session_history_metadata.parent_thumb AS parent_thumb,
       session_history_metadata.grandparent_thumb AS grandparent_thumb,
       session_history_metadata.live AS live, session_history_metadata.added_at AS added_at,
       session_history_metadata.originally_available_at AS originally_available_at,
       session_history_metadata.guid AS guid,
       MAX({_PERCENT.format(t="session_history", d="session_history_metadata")}) AS percent_complete,
       session_history_metadata.duration AS duration,
       session_history_metadata.marker_credits_first AS marker_credits_first,
       session_history_metadata.marker_credits_final AS marker_credits_final,
       session_history_media_info.transcode_decision AS transcode_decision,
       COUNT(*) AS group_count, GROUP_CONCAT(session_history.id) AS group_ids,
       NULL AS state, NULL AS session_key
FROM session_history
LEFT OUTER JOIN users ON session_history.user_id = users.user_id
JOIN session_history_metadata ON session_history.id = session_history_metadata.id
JOIN session_history_media_info ON session_history.id = session_history_media_info.id
{{where}}
GROUP BY {{group}}"""

_LIVE = f"""
SELECT NULL AS reference_id, NULL AS row_id, sessions.started AS date, sessions.started AS started,
       sessions.stopped AS stopped,
       SUM({_PLAYED.format(t="sessions", else_="? - sessions.started")})
           - SUM(IFNULL(sessions.paused_counter, 0)) AS play_duration,
       SUM(IFNULL(sessions.paused_counter, 0)) AS paused_counter,
       sessions.view_offset AS view_offset, sessions.user_id AS user_id, sessions.user AS user,
       CASE WHEN sessions.friendly_name IS NULL OR TRIM(sessions.friendly_name) = '' THEN sessions.user
            ELSE sessions.friendly_name END AS friendly_name,
       NULL AS user_thumb, NULL AS custom_thumb, sessions.platform AS platform, sessions.product AS product,
       sessions.player AS player, sessions.ip_address AS ip_address, sessions.machine_id AS machine_id,
       sessions.location AS location, sessions.secure AS secure, sessions.relayed AS relayed,
       sessions.media_type AS media_type,
       CASE WHEN sessions.live = 1 THEN 'live' ELSE sessions.media_type END AS media_type_live,
       sessions.rating_key AS rating_key, sessions.parent_rating_key AS parent_rating_key,
       sessions.grandparent_rating_key AS grandparent_rating_key, sessions.full_title AS full_title,
       sessions.title AS title, sessions.parent_title AS parent_title,
       sessions.grandparent_title AS grandparent_title, sessions.original_title AS original_title,
       sessions.year AS year, sessions.media_index AS media_index,
       sessions.parent_media_index AS parent_media_index, sessions.thumb AS thumb,
       sessions.parent_thumb AS parent_thumb, sessions.grandparent_thumb AS grandparent_thumb,
       sessions.live AS live, sessions.added_at AS added_at,
       sessions.originally_available_at AS originally_available_at, sessions.guid AS guid,
       MAX({_PERCENT.format(t="sessions", d="sessions")}) AS percent_complete,
       sessions.duration AS duration, NULL AS marker_credits_first, NULL AS marker_credits_final,
       sessions.transcode_decision AS transcode_decision, NULL AS group_count, NULL AS group_ids,
       sessions.state AS state, sessions.session_key AS session_key
FROM sessions
{{where}}
GROUP BY sessions.session_key"""

_TOTAL_DURATION = f"""
SELECT SUM({_PLAYED.format(t="session_history", else_="0")})
           - SUM(IFNULL(session_history.paused_counter, 0)) AS total_duration,
       CASE WHEN session_history_metadata.live = 1 THEN 'live' ELSE session_history.media_type END
           AS media_type_live
FROM session_history
JOIN session_history_metadata ON session_history_metadata.id = session_history.id
JOIN session_history_media_info ON session_history_media_info.id = session_history.id
{{where}}"""


def history_sql(where: CustomWhere, grouping: Any, include_activity: Any) -> tuple[str, list[Any]]:
    """The history table's inner query (before DataTables search, order and paging) and its arguments."""
    tz = context.local_tz_name()
    where_sql, args = custom_where_sql(where, tz)
    sql = _HISTORY.format(where=where_sql, group="session_history.reference_id" if grouping else "session_history.id")
    if include_activity:
        live_where, live_args = custom_where_sql(where.unqualified(), tz)
        sql += "\nUNION" + _LIVE.format(where=live_where)
        args = [*args, context.now(), *live_args]
    return sql, args


def total_duration_sql(where: CustomWhere) -> tuple[str, list[Any]]:
    """The query summing the play time of the rows a filter selects."""
    where_sql, args = custom_where_sql(where, context.local_tz_name())
    return _TOTAL_DURATION.format(where=where_sql), args
