"""Graphs on both twins: local-time buckets across DST, ties, library types, guests and hostile input.

Each test runs both twins on a private copy of the sample whose history is replaced by a few hand-made
plays, and asserts that the twins agree and on the actual chart.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plexpy import bootstrap, config, context, runtime
from plexpy.graphs import Graphs
from shim.compare import to_jsonable

ANCHOR = 1768478400  # 2026-01-15 12:00:00 UTC, the sample's clock
DST_MONDAY = 1741608000  # 2025-03-10 12:00 UTC; New York moved to EDT on Sunday 2025-03-09 at 07:00 UTC
AOIFE, MEI, YUKI = 3308933, 3722597, 1350028
GUEST = {"user_id": YUKI, "user": "yukiwebb88", "user_group": "guest"}


class Both:
    """Both twins of graphs on one database, called with the same arguments."""

    def __init__(self, legacy: Any, sqla: Any, db: Path) -> None:
        self.twins = (legacy, sqla)
        self.db = db

    def call(self, method: str, **kwargs: Any) -> Any:
        results = [to_jsonable(getattr(twin, method)(**kwargs)) for twin in self.twins]
        assert results[0] == results[1], f"{method}{kwargs}: the twins differ"
        return results[0]

    def sql(self, statement: str, args: tuple[Any, ...] = ()) -> None:
        conn = sqlite3.connect(self.db)
        with conn:
            conn.execute(statement, args)
        conn.close()

    def play(self, pid: int, started: int, *, stopped: int | None = None, user_id: int = AOIFE,
             media_type: str = "movie", platform: str = "Roku", decision: str = "direct play", live: int = 0) -> None:
        """Add one history row (with metadata and stream info)."""
        stop = started + 600 if stopped is None else stopped
        self.sql("INSERT INTO session_history (id, reference_id, started, stopped, user_id, user, media_type, "
                 "section_id, platform, paused_counter) VALUES (?, ?, ?, ?, ?, 'someone', ?, 1, ?, 0)",
                 (pid, pid, started, stop, user_id, media_type, platform))
        self.sql("INSERT INTO session_history_metadata (id, media_type, live) VALUES (?, ?, ?)",
                 (pid, media_type, live))
        self.sql("INSERT INTO session_history_media_info (id, transcode_decision, video_full_resolution) "
                 "VALUES (?, ?, '1080')", (pid, decision))


@pytest.fixture
def both(sample_db: Path, tmp_path: Path) -> Iterator[Both]:
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "timezone": "UTC",
        "backends": {"default": "legacy"},
    })
    rt = bootstrap.build(settings)
    pair = Both(rt.twin("graphs", "legacy"), rt.twin("graphs", "sqla"), sample_db)
    for table in ("session_history", "session_history_metadata", "session_history_media_info"):
        pair.sql(f"DELETE FROM {table}")
    with runtime.use(rt), context.call_context(now=ANCHOR, tz="UTC"):
        yield pair
    rt.close()


def series(chart: dict[str, Any]) -> dict[str, list[Any]]:
    return {s["name"]: s["data"] for s in chart["series"]}


@pytest.fixture
def dst_plays(both: Both) -> Both:
    """Three movies around New York's spring-forward night."""
    both.play(1, 1741501800)  # 06:30 UTC = 01:30 EST, Sunday 9 March
    both.play(2, 1741505400)  # 07:30 UTC = 03:30 EDT, Sunday 9 March
    both.play(3, 1741577400)  # 03:30 UTC Monday = 23:30 EDT, Sunday 9 March
    return both


@pytest.mark.parametrize(("zone", "days", "hours"), [
    ("America/New_York", [0, 3, 0], {"01": 1, "03": 1, "23": 1}),
    ("UTC", [0, 2, 1], {"03": 1, "06": 1, "07": 1}),
])
def test_buckets_follow_the_configured_zone_across_dst(dst_plays: Both, zone: str, days: list[int],
                                                       hours: dict[str, int]) -> None:
    with context.call_context(now=DST_MONDAY, tz=zone):
        per_day = dst_plays.call("get_total_plays_per_day", time_range="3")
        per_hour = dst_plays.call("get_total_plays_per_hourofday", time_range="3")
    assert per_day["categories"] == ["2025-03-08", "2025-03-09", "2025-03-10"]
    assert series(per_day)["Movies"] == days and series(per_day)["Total"] == days
    assert {h: n for h, n in zip(per_hour["categories"], series(per_hour)["Movies"], strict=True) if n} == hours


def test_weekdays_and_week_start(dst_plays: Both) -> None:
    with context.call_context(now=DST_MONDAY, tz="America/New_York", config={"WEEK_START_MONDAY": 1}):
        chart = dst_plays.call("get_total_plays_per_dayofweek", time_range="7", y_axis="duration")
    assert chart["categories"][0] == "Monday" and chart["categories"][-1] == "Sunday"
    assert series(chart)["Movies"] == [0, 0, 0, 0, 0, 0, 1800]
    with context.call_context(now=DST_MONDAY, tz="UTC", config={"WEEK_START_MONDAY": 0}):
        chart = dst_plays.call("get_total_plays_per_dayofweek", time_range="7")
    assert chart["categories"][:2] == ["Sunday", "Monday"] and series(chart)["Movies"][:2] == [2, 1]


def test_months_are_labelled_and_filled(dst_plays: Both) -> None:
    with context.call_context(now=DST_MONDAY, tz="America/New_York"):
        chart = dst_plays.call("get_total_plays_per_month", time_range="3")
        fallback = dst_plays.call("get_total_plays_per_month", time_range="abc")
    assert chart["categories"] == ["Jan 2025", "Feb 2025", "Mar 2025"]
    assert series(chart)["Movies"] == [0, 0, 3] and "Total" not in series(chart)
    assert len(fallback["categories"]) == 12 and fallback["categories"][0] == "Apr 2024"


def test_absent_library_types_have_no_series(dst_plays: Both) -> None:
    dst_plays.sql("UPDATE library_sections SET deleted_section = 1 WHERE section_type IN ('artist', 'live')")
    with context.call_context(now=DST_MONDAY):
        chart = dst_plays.call("get_total_plays_per_day", time_range="2")
        stream = dst_plays.call("get_total_plays_per_stream_type", time_range="2")
    assert [s["name"] for s in chart["series"]] == ["TV", "Movies", "Total"]
    assert [s["name"] for s in stream["series"]] == ["Direct Play", "Direct Stream", "Transcode"]
    assert series(stream)["Direct Play"] == [2, 1]


def test_top_ten_ties_follow_sqlites_group_order(both: Both) -> None:
    for pid, platform in enumerate(["webOS", "Roku", "Android"], start=1):
        both.play(pid, ANCHOR - 1000 * pid, platform=platform)
    by_plays = both.call("get_total_plays_by_top_10_platforms", time_range="1")
    by_time = both.call("get_total_plays_by_top_10_platforms", time_range="1", y_axis="duration")
    by_stream = both.call("get_stream_type_by_top_10_platforms", time_range="1")
    assert by_plays["categories"] == ["Android", "Roku", "webOS"]  # ORDER BY total, platform
    assert by_time["categories"] == ["webOS", "Roku", "Android"]  # one ORDER BY term: groups sorted DESC
    assert by_stream["categories"] == ["webOS", "Roku", "Android"]
    assert series(by_time)["Movies"] == [600, 600, 600]


def test_guests_see_only_themselves_and_plex_users(both: Both) -> None:
    both.play(1, ANCHOR - 100, user_id=YUKI)
    both.play(2, ANCHOR - 200, user_id=MEI)
    both.play(3, ANCHOR - 300, user_id=MEI)
    admin = both.call("get_total_plays_by_top_10_users", time_range="1")
    assert admin["categories"] == ["Cousin meiwolfe65", "yukiwebb88"] and series(admin)["Movies"] == [2, 1]
    with context.call_context(session=GUEST):
        guest = both.call("get_total_plays_by_top_10_users", time_range="1", user_id=str(MEI))
        streams = both.call("get_stream_type_by_top_10_users", time_range="1")
    assert guest["categories"] == ["yukiwebb88"] and series(guest)["Movies"] == [1]
    assert streams["categories"] == ["yukiwebb88"]


def test_user_id_lists(both: Both) -> None:
    both.play(1, ANCHOR - 100, user_id=AOIFE)
    both.play(2, ANCHOR - 200, user_id=MEI)

    def movies(user_id: Any) -> Any:
        chart = both.call("get_total_plays_per_hourofday", time_range="1", user_id=user_id)
        return None if chart is None else sum(series(chart)["Movies"])

    assert movies(None) == movies("") == movies("1; DROP TABLE users") == movies([AOIFE]) == 2
    assert movies(f"{AOIFE}, {MEI}") == 2 and movies(AOIFE) == 1 and movies(f" {MEI} ") == 1
    assert movies(",") == 0  # every item is digits (there are none): Tautulli's IN () matches nothing
    assert movies("99999999999999999999999") == 0
    assert movies("٣") is None  # a digit to Python, not to SQLite: Tautulli's query failed


def test_concurrent_streams_peak_per_local_day(both: Both) -> None:
    both.play(1, ANCHOR - 4000, stopped=ANCHOR - 1000)
    both.play(2, ANCHOR - 3000, stopped=ANCHOR - 2000, decision="transcode")
    both.play(3, ANCHOR - 1000, stopped=ANCHOR - 500, decision="transcode")  # starts as play 1 stops
    chart = both.call("get_total_concurrent_streams_per_stream_type", time_range="2")
    assert chart["categories"] == ["2026-01-14", "2026-01-15"]
    assert series(chart) == {"Direct Play": [0, 1], "Direct Stream": [0, 0], "Transcode": [0, 1],
                             "Max. Concurrent Streams": [0, 2]}
    assert both.call("get_total_concurrent_streams_per_stream_type", time_range="2", user_id=str(MEI)) == {
        "categories": ["2026-01-14", "2026-01-15"],
        "series": [{"name": n, "data": [0, 0]} for n in ("Direct Play", "Direct Stream", "Transcode",
                                                          "Max. Concurrent Streams")]}


def test_grouping_folds_segments_into_one_play(both: Both) -> None:
    both.play(1, ANCHOR - 4000, platform="Roku")
    both.play(2, ANCHOR - 3000, platform="Android")
    both.sql("UPDATE session_history SET reference_id = 1")
    grouped = both.call("get_total_plays_by_top_10_platforms", time_range="1", grouping=1)
    assert grouped["categories"] == ["Roku"] and series(grouped)["Movies"] == [1]
    assert both.call("get_total_plays_by_top_10_platforms", time_range="1", grouping=0)["categories"] == [
        "Android", "Roku"]
    with context.call_context(config={"GROUP_HISTORY_TABLES": 0}):
        assert sum(series(both.call("get_total_plays_per_day", time_range="1"))["Movies"]) == 2


def test_facade_routes_by_the_graphs_flag(facade_mode: str) -> None:
    chart = Graphs().get_total_plays_per_day(time_range="7")
    assert len(chart["categories"]) == 7 and chart["series"][-1]["name"] == "Total"
