"""The graphs domain on SQLAlchemy Core: the same answers, with every SQLite quirk made explicit.

Each chart is built from its :data:`shaping.SPECS` entry, like the legacy twin. What the legacy queries leave
to SQLite is spelled out:

* **The play's row.** Folding a play's rows without MIN/MAX, SQLite takes the first row in scan order: with a
  user filter the scan follows ``(user_id, stopped)``, with only movies and episodes ``(media_type,
  stopped)``, otherwise ``id``; :func:`_plays` picks that row with ``row_number()``.
* **Local-time buckets** use ``sqlfuncs.local_strftime_keyed`` in the configured zone (never the process TZ).
* **Ties in the top-10 charts** keep the GROUP BY's order. When GROUP BY and ORDER BY have the same number
  of terms, SQLite gives each GROUP BY term the direction of the matching ORDER BY term, so a chart ordered by
  its total alone (DESC) lists equal totals by label descending (NULL last, bytewise); the platform chart by
  plays, ordered by total and platform, lists them by platform ascending.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, bindparam, case, cast, func, literal_column, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from plexpy import context
from plexpy.db import bare_columns
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import connect
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import (
    library_sections,
    session_history,
    session_history_media_info,
    session_history_metadata,
    users,
)
from plexpy.db.sqlfuncs import binary_collate, local_strftime_keyed, sqlite_sum
from plexpy.db.stmt_cache import per_shape
from plexpy.domains.graphs import shaping

__all__ = ["TWIN", "SqlaGraphs"]

h = session_history
m = session_history_metadata
i = session_history_media_info
u = users


class SqlaGraphs:
    """The graphs page's charts on a SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

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
        stmt = _concurrent_stmt(request.user_ids is not None, context.local_tz_name())
        try:
            with connect(self._engine, "graphs.get_total_concurrent_streams_per_stream_type") as conn:
                rows = _rows(conn, stmt, _values(request))
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
        try:
            with connect(self._engine, f"graphs.{name}") as conn:
                stmt = _chart_stmt(name, request.grouping, request.duration, request.user_ids is not None,
                                   context.local_tz_name(), bare_columns.grouped(conn))
                rows = _rows(conn, stmt, _values(request))
                types = self._library_types(conn) if spec.counts == "media" else []
        except TautulliDBError:
            return None
        if spec.ranked:
            return shaping.ranked_graph(name, rows, types)
        return shaping.bucket_graph(name, request, rows, types)

    def _library_types(self, conn: Connection) -> list[str]:
        return [row["section_type"] for row in _rows(conn, _library_types_stmt())]


def _rows(conn: Connection, stmt: Any, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Plain dict rows (integer sums as ``int``, as SQLite returns them)."""
    if conn.dialect.name == "sqlite":  # no Decimal sums to turn back
        return fetch_dicts(conn, stmt, params)
    result = conn.execute(stmt, params)
    keys = tuple(result.keys())
    return [dict(zip(keys, map(_plain, row), strict=True)) for row in result]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):  # PostgreSQL sums of bigint
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _user_filter(request: shaping.GraphRequest) -> list[ColumnElement[bool]]:
    return [] if request.user_ids is None else [h.c.user_id.in_(bindparam("user_ids", expanding=True))]


def _values(request: shaping.GraphRequest) -> dict[str, Any]:
    """The values a cached chart statement binds: the window start and the users."""
    values: dict[str, Any] = {"since": request.since}
    if request.user_ids is not None:
        values["user_ids"] = list(request.user_ids)
    return values


def _shape_request(grouping: bool, duration: bool, filtered: bool) -> shaping.GraphRequest:
    """A request standing for every request of one shape: its values are ``bindparam()`` placeholders."""
    return shaping.GraphRequest(days=0, since=bindparam("since"), duration=duration,  # type: ignore[arg-type]
                                grouping=grouping, user_ids=() if filtered else None)


# Statements built once per shape (plexpy.db.stmt_cache): the chart, its flags, whether users are filtered,
# and the zone (the local-time constructs carry it); the window start and the users are bound at execution.


@per_shape(maxsize=128)
def _chart_stmt(name: str, grouping: bool, duration: bool, filtered: bool, _zone: str, grouped: bool) -> Any:
    return _graph_query(shaping.SPECS[name], _shape_request(grouping, duration, filtered), grouped=grouped)


@per_shape(maxsize=8)
def _concurrent_stmt(filtered: bool, _zone: str) -> Any:
    request = _shape_request(False, False, filtered)
    return (
        select(
            local_strftime_keyed("%Y-%m-%d", h.c.started).label("date_played"), h.c.started, h.c.stopped,
            i.c.transcode_decision,
        )
        .select_from(h.join(i, h.c.id == i.c.id))
        .where(h.c.stopped >= request.since, *_user_filter(request))
    )


@per_shape(maxsize=1)
def _library_types_stmt() -> Any:
    return select(library_sections.c.section_type).where(library_sections.c.deleted_section == 0).distinct()


def _watched_seconds() -> ColumnElement[Any]:
    return case((h.c.stopped > 0, h.c.stopped - h.c.started - func.coalesce(h.c.paused_counter, 0)), else_=0)


def _bucket(spec: shaping.GraphSpec) -> Any:
    bucket: Any = local_strftime_keyed(spec.bucket or "", h.c.started)
    return (cast(bucket, Integer) if spec.label == "weekday" else bucket).label("bucket")


def _plays(spec: shaping.GraphSpec, request: shaping.GraphRequest, *, grouped: bool = False) -> Subquery:
    """One row per play (and local-time bucket): its first history row in SQLite's scan order.

    ``grouped`` (SQLite): a GROUP BY of the history rows, whose bare columns SQLite takes from that row, as
    Tautulli's query does. Otherwise the bucket is computed once per history row in an inner query (a
    local-time conversion is the costly part), then window functions pick each play's row and sum its
    watched seconds: the same rule spelled out.
    """
    key = h.c.reference_id if request.grouping else h.c.id
    where: list[Any] = [h.c.stopped >= request.since]  # the legacy query's order: window, media types, users
    if spec.video_only:
        # constants written into the SQL: an expanding IN would re-render the statement on every call
        where.append(h.c.media_type.in_([literal_column("'movie'"), literal_column("'episode'")]))
    where.extend(_user_filter(request))
    if grouped:
        bucket = [_bucket(spec)] if spec.bucket is not None else []
        return (
            select(h.c.id, h.c.media_type, h.c.platform, h.c.user_id, *bucket,
                   sqlite_sum(_watched_seconds()).label("d"))
            .where(*where)
            .group_by(*(b.name for b in bucket), key)  # by its label: the local-time conversion runs once
            .subquery("p")
        )
    columns: list[Any] = [h.c.id, h.c.media_type, h.c.platform, h.c.user_id, h.c.stopped,
                          key.label("play_key"), _watched_seconds().label("watched")]
    if spec.bucket is not None:
        columns.append(_bucket(spec))
    rows = select(*columns).where(*where).subquery("history_rows")
    partition = [rows.c.bucket, rows.c.play_key] if spec.bucket is not None else [rows.c.play_key]
    if request.user_ids is not None:
        scan = [rows.c.user_id, rows.c.stopped, rows.c.id]
    elif spec.video_only:
        scan = [binary_collate(rows.c.media_type), rows.c.stopped, rows.c.id]
    else:
        scan = [rows.c.id]
    kept = [rows.c.id, rows.c.media_type, rows.c.platform, rows.c.user_id]
    if spec.bucket is not None:
        kept.append(rows.c.bucket)
    ranked = (
        select(
            *kept, sqlite_sum(rows.c.watched).over(partition_by=partition).label("d"),
            func.row_number().over(partition_by=partition, order_by=scan).label("pick"),
        )
        .subquery("ranked")
    )
    return select(*(c for c in ranked.c if c.key != "pick")).where(ranked.c.pick == 1).subquery("p")


def _stream_resolution() -> ColumnElement[Any]:
    height = i.c.transcode_height
    transcoded = case(
        (height <= 360, "SD"), (height <= 480, "480"), (height <= 576, "576"), (height <= 720, "720"),
        (height <= 1080, "1080"), (height <= 1440, "QHD"), (height <= 2160, "4k"), else_="unknown",
    )
    derived = case((i.c.video_decision == "transcode", transcoded), else_=i.c.video_full_resolution)
    return case((i.c.stream_video_full_resolution.is_(None), derived), else_=i.c.stream_video_full_resolution)


def _label(spec: shaping.GraphSpec, p: Subquery) -> ColumnElement[Any]:
    if spec.label == "bucket":
        return p.c.bucket
    if spec.label == "weekday":
        names = shaping.DAY_NAMES
        return case(*((p.c.bucket == n, names[n]) for n in range(len(names) - 1)), else_=names[-1])
    if spec.label == "platform":
        return p.c.platform
    if spec.label == "user":
        return p.c.user_id
    if spec.label == "source_resolution":
        return i.c.video_full_resolution
    return _stream_resolution()


def _graph_query(spec: shaping.GraphSpec, request: shaping.GraphRequest, *, grouped: bool = False) -> Any:
    """The chart's statement (``grouped``: plays folded by :func:`_plays`' GROUP BY form)."""
    p = _plays(spec, request, grouped=grouped)
    value: Any = p.c.d if request.duration else 1
    total = sqlite_sum(p.c.d) if request.duration else func.count(p.c.id)
    if spec.counts == "media":
        def by_type(media_type: str) -> Any:
            return sqlite_sum(case(((p.c.media_type == media_type) & (m.c.live == 0), value), else_=0))
        live = sqlite_sum(case((m.c.live == 1, p.c.d), else_=0)) if request.duration else sqlite_sum(m.c.live)
        sums = [by_type("episode").label("tv_count"), by_type("movie").label("movie_count"),
                by_type("track").label("music_count"), live.label("live_count")]
        joined: Any = p.join(m, m.c.id == p.c.id)
    else:
        sums = [sqlite_sum(case((i.c.transcode_decision == decision, value), else_=0)).label(column)
                for _, column, decision in shaping.STREAM_SERIES]
        joined = p.join(i, i.c.id == p.c.id)
    label = _label(spec, p)
    extra: list[Any] = []
    if spec.label == "user":
        blank = u.c.friendly_name.is_(None) | (func.trim(u.c.friendly_name) == "")
        extra = [u.c.user_id, u.c.username, case((blank, u.c.username), else_=u.c.friendly_name).label("friendly_name")]
        joined = joined.join(u, u.c.user_id == p.c.user_id)
    # The user columns depend on the user id alone; listing them keeps PostgreSQL's GROUP BY rules satisfied.
    stmt = select(label.label("label"), *sums, total.label("total"), *extra).select_from(joined)
    stmt = stmt.group_by(label, *extra)
    if spec.ranked and spec.platform_tiebreak and not request.duration:
        stmt = stmt.order_by(total.desc().nulls_last(), binary_collate(label).asc().nulls_first())
    elif spec.ranked:
        # One ORDER BY term for one GROUP BY term: SQLite sorts the groups in the ORDER BY's direction
        # (DESC), so equal totals come out by label *descending*.
        stmt = stmt.order_by(total.desc().nulls_last(), binary_collate(label).desc().nulls_last())
    return stmt.limit(10) if spec.ranked else stmt


TWIN = SqlaGraphs
