"""The graphs domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path).

Each chart is rendered from its :data:`shaping.SPECS` entry: an inner query folds each play's history rows
into one row (bare columns from the play's first row in scan order; SQLite's rule), optionally per
local-time bucket computed by ``tz_strftime`` in the configured zone, and an outer query sums per label.
"""

from __future__ import annotations

from typing import Any

from plexpy import context
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.graphs import shaping

__all__ = ["TWIN", "LegacyGraphs"]

_FRIENDLY = "CASE WHEN u.friendly_name IS NULL OR TRIM(u.friendly_name) = '' THEN u.username ELSE u.friendly_name END"

_PLAYS = """
SELECT h.id AS id, h.media_type AS media_type, h.platform AS platform, h.user_id AS user_id{bucket},
       SUM(CASE WHEN h.stopped > 0 THEN h.stopped - h.started - COALESCE(h.paused_counter, 0) ELSE 0 END) AS d
FROM session_history AS h
WHERE h.stopped >= ?{where}
GROUP BY {groups}h.{play}"""

_GRAPH = """
SELECT {label} AS label, {sums}{users}
FROM ({plays}) AS p
{joins}
GROUP BY {group}{order}"""

_MEDIA_SUMS = """SUM(CASE WHEN p.media_type = 'episode' AND m.live = 0 THEN {v} ELSE 0 END) AS tv_count,
       SUM(CASE WHEN p.media_type = 'movie' AND m.live = 0 THEN {v} ELSE 0 END) AS movie_count,
       SUM(CASE WHEN p.media_type = 'track' AND m.live = 0 THEN {v} ELSE 0 END) AS music_count,
       {live} AS live_count, {total} AS total"""

_STREAM_SUMS = """SUM(CASE WHEN i.transcode_decision = 'direct play' THEN {v} ELSE 0 END) AS dp_count,
       SUM(CASE WHEN i.transcode_decision = 'copy' THEN {v} ELSE 0 END) AS ds_count,
       SUM(CASE WHEN i.transcode_decision = 'transcode' THEN {v} ELSE 0 END) AS tc_count,
       {total} AS total"""

_WEEKDAY = ("CASE p.bucket " + " ".join(f"WHEN {n} THEN '{d}'" for n, d in enumerate(shaping.DAY_NAMES[:-1]))
            + f" ELSE '{shaping.DAY_NAMES[-1]}' END")

_STREAM_RESOLUTION = """CASE WHEN i.stream_video_full_resolution IS NULL THEN
         (CASE WHEN i.video_decision = 'transcode' THEN
            (CASE WHEN i.transcode_height <= 360 THEN 'SD' WHEN i.transcode_height <= 480 THEN '480'
                  WHEN i.transcode_height <= 576 THEN '576' WHEN i.transcode_height <= 720 THEN '720'
                  WHEN i.transcode_height <= 1080 THEN '1080' WHEN i.transcode_height <= 1440 THEN 'QHD'
                  WHEN i.transcode_height <= 2160 THEN '4k' ELSE 'unknown' END)
          ELSE i.video_full_resolution END)
       ELSE i.stream_video_full_resolution END"""

#: label → (SELECT expression, GROUP BY expression).
_LABELS = {
    "bucket": ("p.bucket", "p.bucket"),
    "weekday": (_WEEKDAY, "label"),
    "platform": ("p.platform", "p.platform"),
    "user": ("p.user_id", "p.user_id"),
    "source_resolution": ("i.video_full_resolution", "label"),
    "stream_resolution": (_STREAM_RESOLUTION, "label"),
}

_CONCURRENT = """
SELECT tz_strftime('%Y-%m-%d', h.started, ?) AS date_played, h.started AS started, h.stopped AS stopped,
       i.transcode_decision AS transcode_decision
FROM session_history AS h
JOIN session_history_media_info AS i ON h.id = i.id
WHERE h.stopped >= ?{where}"""

_LIBRARY_TYPES = "SELECT DISTINCT section_type FROM library_sections WHERE deleted_section = 0"


class LegacyGraphs:
    """The graphs page's charts on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def get_total_plays_per_day(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                grouping: Any = None) -> Any:
        """Plays (or time) per local day and library type, every day of the window."""
        return self._chart("get_total_plays_per_day", time_range, y_axis, user_id, grouping)

    def get_total_plays_per_dayofweek(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                      grouping: Any = None) -> Any:
        """Plays (or time) per local weekday and library type."""
        return self._chart("get_total_plays_per_dayofweek", time_range, y_axis, user_id, grouping)

    def get_total_plays_per_hourofday(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                      grouping: Any = None) -> Any:
        """Plays (or time) per local hour and library type."""
        return self._chart("get_total_plays_per_hourofday", time_range, y_axis, user_id, grouping)

    def get_total_plays_per_month(self, time_range: Any = "12", y_axis: Any = "plays", user_id: Any = None,
                                  grouping: Any = None) -> Any:
        """Plays (or time) per local month and library type, every month of the window."""
        return self._chart("get_total_plays_per_month", time_range, y_axis, user_id, grouping)

    def get_total_plays_by_top_10_platforms(self, time_range: Any = "30", y_axis: Any = "plays",
                                            user_id: Any = None, grouping: Any = None) -> Any:
        """Plays (or time) of the ten busiest platforms, by library type."""
        return self._chart("get_total_plays_by_top_10_platforms", time_range, y_axis, user_id, grouping)

    def get_total_plays_by_top_10_users(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                        grouping: Any = None) -> Any:
        """Plays (or time) of the ten busiest users, by library type."""
        return self._chart("get_total_plays_by_top_10_users", time_range, y_axis, user_id, grouping)

    def get_total_plays_per_stream_type(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                        grouping: Any = None) -> Any:
        """Plays (or time) per local day and transcode decision."""
        return self._chart("get_total_plays_per_stream_type", time_range, y_axis, user_id, grouping)

    def get_total_concurrent_streams_per_stream_type(self, time_range: Any = "30", user_id: Any = None) -> Any:
        """Peak concurrent streams per local day and transcode decision (peaks computed in Python)."""
        request = shaping.graph_request("get_total_concurrent_streams_per_stream_type", time_range, user_id=user_id)
        if request.fails:
            return None
        where, args = _user_filter(request)
        try:
            rows = self._db.select(_CONCURRENT.format(where=where),
                                   [context.local_tz_name(), request.since, *args])
        except TautulliDBError:
            return None
        return shaping.concurrent_graph(request, rows)

    def get_total_plays_by_source_resolution(self, time_range: Any = "30", y_axis: Any = "plays",
                                             user_id: Any = None, grouping: Any = None) -> Any:
        """Plays (or time) of the ten commonest source resolutions, by decision."""
        return self._chart("get_total_plays_by_source_resolution", time_range, y_axis, user_id, grouping)

    def get_total_plays_by_stream_resolution(self, time_range: Any = "30", y_axis: Any = "plays",
                                             user_id: Any = None, grouping: Any = None) -> Any:
        """Plays (or time) of the ten commonest stream resolutions, by decision."""
        return self._chart("get_total_plays_by_stream_resolution", time_range, y_axis, user_id, grouping)

    def get_stream_type_by_top_10_platforms(self, time_range: Any = "30", y_axis: Any = "plays",
                                            user_id: Any = None, grouping: Any = None) -> Any:
        """Plays (or time) of the ten busiest platforms, by transcode decision."""
        return self._chart("get_stream_type_by_top_10_platforms", time_range, y_axis, user_id, grouping)

    def get_stream_type_by_top_10_users(self, time_range: Any = "30", y_axis: Any = "plays", user_id: Any = None,
                                        grouping: Any = None) -> Any:
        """Plays (or time) of the ten busiest users, by transcode decision."""
        return self._chart("get_stream_type_by_top_10_users", time_range, y_axis, user_id, grouping)

    def _chart(self, name: str, time_range: Any, y_axis: Any, user_id: Any, grouping: Any) -> Any:
        spec = shaping.SPECS[name]
        request = shaping.graph_request(name, time_range, y_axis, user_id, grouping)
        if request.fails:
            return None
        query, args = _graph_query(spec, request)
        try:
            rows = self._db.select(query, args)
        except TautulliDBError:
            return None
        types = self._library_types() if spec.counts == "media" else ()
        if spec.ranked:
            return shaping.ranked_graph(name, rows, types)
        return shaping.bucket_graph(name, request, rows, types)

    def _library_types(self) -> list[str]:
        return [row["section_type"] for row in self._db.select(_LIBRARY_TYPES)]


def _user_filter(request: shaping.GraphRequest) -> tuple[str, list[Any]]:
    if request.user_ids is None:
        return "", []
    return f" AND h.user_id IN ({', '.join('?' for _ in request.user_ids)})", list(request.user_ids)


def _graph_query(spec: shaping.GraphSpec, request: shaping.GraphRequest) -> tuple[str, list[Any]]:
    """The chart's SQL and arguments."""
    bucket, bucket_args, groups = "", [], ""
    if spec.bucket == "%w":
        bucket, bucket_args, groups = ",\n       CAST(tz_strftime('%w', h.started, ?) AS INTEGER) AS bucket", [
            context.local_tz_name()], "bucket, "
    elif spec.bucket is not None:
        bucket, bucket_args, groups = ",\n       tz_strftime(?, h.started, ?) AS bucket", [
            spec.bucket, context.local_tz_name()], "bucket, "
    users, user_args = _user_filter(request)
    video = " AND h.media_type IN ('movie', 'episode')" if spec.video_only else ""
    plays = _PLAYS.format(bucket=bucket, where=video + users, groups=groups,
                          play="reference_id" if request.grouping else "id")
    value = "p.d" if request.duration else "1"
    total = "SUM(p.d)" if request.duration else "COUNT(p.id)"
    if spec.counts == "media":
        live = "SUM(CASE WHEN m.live = 1 THEN p.d ELSE 0 END)" if request.duration else "SUM(m.live)"
        sums = _MEDIA_SUMS.format(v=value, live=live, total=total)
        joins = "JOIN session_history_metadata AS m ON m.id = p.id"
    else:
        sums = _STREAM_SUMS.format(v=value, total=total)
        joins = "JOIN session_history_media_info AS i ON i.id = p.id"
    extra = ""
    if spec.label == "user":
        extra = f",\n       u.user_id AS user_id, u.username AS username, {_FRIENDLY} AS friendly_name"
        joins += "\nJOIN users AS u ON u.user_id = p.user_id"
    label, group = _LABELS[spec.label]
    order = ""
    if spec.ranked:
        tiebreak = ", p.platform ASC" if spec.platform_tiebreak and not request.duration else ""
        order = f"\nORDER BY total DESC{tiebreak}\nLIMIT 10"
    query = _GRAPH.format(label=label, sums=sums, users=extra, plays=plays, joins=joins, group=group, order=order)
    return query, [*bucket_args, request.since, *user_args]


TWIN = LegacyGraphs
