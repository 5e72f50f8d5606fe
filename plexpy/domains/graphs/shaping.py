"""Pure parts of the graphs domain: each chart's query spec, argument rules and the chart built from rows.

Every chart has the same query shape (see ``legacy``/``sqla``): an inner query folds each play's history rows
into one (optionally per local-time bucket), an outer query joins the play's metadata or stream info and sums
per label. :data:`SPECS` says, per chart, what varies; both twins render it, and the functions below turn the
rows into Tautulli's ``{categories, series}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from plexpy import common, context

__all__ = [
    "DAY_NAMES",
    "MEDIA_SERIES",
    "SPECS",
    "STREAM_SERIES",
    "GraphRequest",
    "GraphSpec",
    "bucket_graph",
    "concurrent_graph",
    "graph_request",
    "ranked_graph",
]

#: SQLite's ``%w`` weekday number → name (any other value, NULL included, is Saturday in Tautulli's CASE).
DAY_NAMES: tuple[str, ...] = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HOURS = tuple(f"{h:02d}" for h in range(24))
_INT64 = 2**63

#: Library-type series: (name, row column, library ``section_type`` that must exist for the series to show).
MEDIA_SERIES: tuple[tuple[str, str, str], ...] = (
    ("TV", "tv_count", "show"), ("Movies", "movie_count", "movie"), ("Music", "music_count", "artist"),
    ("Live TV", "live_count", "live"),
)
#: Stream-decision series: (name, row column, ``transcode_decision`` value).
STREAM_SERIES: tuple[tuple[str, str, str], ...] = (
    ("Direct Play", "dp_count", "direct play"), ("Direct Stream", "ds_count", "copy"),
    ("Transcode", "tc_count", "transcode"),
)


@dataclass(frozen=True, slots=True)
class GraphSpec:
    """What one chart's query groups and sums.

    Attributes:
        bucket: strftime format of the local-time bucket each play is also grouped by, or None.
        label: what the outer query groups by: ``bucket``, ``weekday`` (the bucket's day name),
            ``platform``, ``user``, ``source_resolution`` or ``stream_resolution``.
        counts: ``media`` (per library type, joins metadata) or ``stream`` (per decision, joins media info).
        video_only: only movies and episodes are counted.
        ranked: the ten largest totals, largest first.
        platform_tiebreak: with ``y_axis='plays'``, equal totals are ordered by platform name.
        default_range: the ``time_range`` used when the argument is 0 or not a number.
    """

    bucket: str | None
    label: str
    counts: str
    video_only: bool = False
    ranked: bool = False
    platform_tiebreak: bool = False
    default_range: int = 30


SPECS: Mapping[str, GraphSpec] = {
    "get_total_plays_per_day": GraphSpec("%Y-%m-%d", "bucket", "media"),
    "get_total_plays_per_dayofweek": GraphSpec("%w", "weekday", "media"),
    "get_total_plays_per_hourofday": GraphSpec("%H", "bucket", "media"),
    "get_total_plays_per_month": GraphSpec("%Y-%m", "bucket", "media", default_range=12),
    "get_total_plays_by_top_10_platforms": GraphSpec(None, "platform", "media", ranked=True,
                                                     platform_tiebreak=True),
    "get_total_plays_by_top_10_users": GraphSpec(None, "user", "media", ranked=True),
    "get_total_plays_per_stream_type": GraphSpec("%Y-%m-%d", "bucket", "stream"),
    "get_total_plays_by_source_resolution": GraphSpec(None, "source_resolution", "stream", video_only=True,
                                                      ranked=True),
    "get_total_plays_by_stream_resolution": GraphSpec(None, "stream_resolution", "stream", video_only=True,
                                                      ranked=True),
    "get_stream_type_by_top_10_platforms": GraphSpec(None, "platform", "stream", ranked=True),
    "get_stream_type_by_top_10_users": GraphSpec(None, "user", "stream", ranked=True),
}


@dataclass(frozen=True, slots=True)
class GraphRequest:
    """A chart's arguments after Tautulli's rules.

    Attributes:
        days: the window in days (months for the monthly chart).
        since: plays that stopped at or after this epoch second are counted.
        duration: sum watched seconds instead of counting plays (any ``y_axis`` but ``'plays'``).
        grouping: fold resumed segments into one play (``reference_id``).
        user_ids: only these users (a guest: only themselves), or None for everyone.
        fails: the user filter breaks Tautulli's SQL text, so the chart is None.
    """

    days: int
    since: int
    duration: bool
    grouping: bool
    user_ids: tuple[int | float, ...] | None
    fails: bool = False


def _cast_to_int(value: Any) -> int:
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


def _sql_integer(text: str) -> int | float:
    """An integer literal as SQLite reads it: past 64 bits it becomes a REAL."""
    number = int(text)
    return number if -_INT64 <= number < _INT64 else float(number)


def _user_filter(user_id: Any) -> tuple[tuple[int | float, ...] | None, bool]:
    """Tautulli's user condition: the guest alone, else a comma list of digit ids (else no filter)."""
    guest = context.get_session_user_id()
    if guest:
        if not (guest.isascii() and guest.isdigit()):
            return None, True
        return (_sql_integer(guest),), False
    if not user_id:
        return None, False
    parts = [p.strip() for p in str(user_id).split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        return None, False
    if not all(p.isascii() for p in parts):
        return None, True  # a non-ASCII digit passes Tautulli's check but not SQLite's parser
    return tuple(_sql_integer(p) for p in parts), False


def _month_start_utc(moment: int, months_back: int) -> int:
    """The UTC first-of-month, ``months_back`` months before ``moment`` (Tautulli's arrow arithmetic)."""
    now = datetime.fromtimestamp(moment, UTC)
    index = now.year * 12 + (now.month - 1) - months_back
    return int(datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC).timestamp())


def graph_request(name: str, time_range: Any, y_axis: Any = "plays", user_id: Any = None,
                  grouping: Any = None) -> GraphRequest:
    """Apply Tautulli's argument rules for chart ``name`` (any other name: the concurrent-streams chart)."""
    spec = SPECS.get(name)
    days = _cast_to_int(time_range) or (spec.default_range if spec else 30)
    now = context.now()
    monthly = spec is not None and spec.bucket == "%Y-%m"
    since = _month_start_utc(now, days) if monthly else now - days * 24 * 60 * 60
    user_ids, fails = _user_filter(user_id)
    return GraphRequest(
        days=days, since=since, duration=y_axis != "plays",
        grouping=bool(context.config("GROUP_HISTORY_TABLES") if grouping is None else grouping),
        user_ids=user_ids, fails=fails,
    )


def _today() -> date:
    return datetime.fromtimestamp(context.now(), ZoneInfo(context.local_tz_name())).date()


def _day_labels(days: int) -> tuple[list[str], list[str]]:
    today = _today()
    labels = [d.strftime("%Y-%m-%d") for d in sorted(today - timedelta(days=n) for n in range(days))]
    return labels, labels


def _month_labels(months: int) -> tuple[list[str], list[str]]:
    today = _today()
    found = [today]
    year, month = today.year, today.month
    for _ in range(months - 1):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        found.append(date(year, month, 1))
    found.sort()
    return [f"{d.year:04d}-{d.month:02d}" for d in found], [f"{_MONTHS[d.month - 1]} {d.year}" for d in found]


def _weekday_labels() -> tuple[list[str], list[str]]:
    names = list(DAY_NAMES[1:] + DAY_NAMES[:1]) if context.config("WEEK_START_MONDAY") else list(DAY_NAMES)
    return names, names


def _series(rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str, str]]) -> list[dict[str, Any]]:
    listed = list(rows)
    return [{"name": name, "data": [row[column] for row in listed]} for name, column, _ in columns]


def _media_series(series: list[dict[str, Any]], library_types: Iterable[str]) -> list[dict[str, Any]]:
    present = set(library_types)
    return [s for s, (_, _, kind) in zip(series, MEDIA_SERIES, strict=True) if kind in present]


def bucket_graph(name: str, request: GraphRequest, rows: Iterable[Mapping[str, Any]],
                 library_types: Iterable[str]) -> dict[str, Any]:
    """A chart over local-time buckets, every bucket of the window present (0 where nothing played)."""
    spec = SPECS[name]
    if spec.bucket == "%Y-%m-%d":
        keys, categories = _day_labels(request.days)
    elif spec.bucket == "%Y-%m":
        keys, categories = _month_labels(request.days)
    elif spec.label == "weekday":
        keys, categories = _weekday_labels()
    else:
        keys, categories = list(_HOURS), list(_HOURS)
    by_label = {row["label"]: row for row in rows}
    columns = MEDIA_SERIES if spec.counts == "media" else STREAM_SERIES
    filled = [{column: by_label.get(key, {}).get(column, 0) for _, column, _ in columns} for key in keys]
    series = _series(filled, columns)
    if spec.counts == "stream":
        return {"categories": categories, "series": series}
    series = _media_series(series, library_types)
    if name == "get_total_plays_per_day" and series:
        totals = [sum(values) for values in zip(*(s["data"] for s in series), strict=True)]
        series.append({"name": "Total", "data": totals})
    return {"categories": categories, "series": series}


def ranked_graph(name: str, rows: Iterable[Mapping[str, Any]], library_types: Iterable[str]) -> dict[str, Any]:
    """A top-10 chart: one category per platform, user or resolution, in the query's order."""
    spec = SPECS[name]
    listed = list(rows)
    if spec.label == "platform":
        categories = [common.platform_display(row["label"]) for row in listed]
    elif spec.label == "user":
        guest = context.get_session_user_id()
        categories = [
            (row["username"] if str(row["user_id"]) == guest else "Plex User") if guest else row["friendly_name"]
            for row in listed
        ]
    else:
        categories = [row["label"] for row in listed]
    if spec.counts == "stream":
        return {"categories": categories, "series": _series(listed, STREAM_SERIES)}
    return {"categories": categories, "series": _media_series(_series(listed, MEDIA_SERIES), library_types)}


def _peak(rows: Iterable[Mapping[str, Any]]) -> int:
    """The most streams overlapping at once (starts and stops sorted as strings, as Tautulli does)."""
    events = []
    for row in rows:
        events.append((f"{row['started']}B", 1))
        events.append((f"{row['stopped']}A", -1))
    events.sort(key=itemgetter(0))
    streams = best = 0
    for _, step in events:
        if step == -1 and streams >= best:
            best = streams
        streams += step
    return best


def _grouped(rows: list[Mapping[str, Any]], *keys: str) -> dict[Any, list[Mapping[str, Any]]]:
    key = itemgetter(*keys)
    return {k: list(g) for k, g in groupby(sorted(rows, key=key), key)}


def concurrent_graph(request: GraphRequest, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Peak concurrent streams per local day: per decision, and over all streams."""
    listed = list(rows)
    by_decision = _grouped(listed, "date_played", "transcode_decision")
    by_day = _grouped(listed, "date_played")
    days, categories = _day_labels(request.days)
    series = [
        {"name": name, "data": [_peak(by_decision.get((day, decision), [])) for day in days]}
        for name, _, decision in STREAM_SERIES
    ]
    series.append({"name": "Max. Concurrent Streams", "data": [_peak(by_day.get(day, [])) for day in days]})
    return {"categories": categories, "series": series}
