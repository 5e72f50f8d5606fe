"""Home stats on both twins: what the oracle records don't cover (ties, the play's row, guests, bad input).

Each test runs both twins on a private copy of the sample and asserts they agree *and* on the actual values;
several tests replace the history with a few hand-made plays so the SQLite rule at stake is visible.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plexpy import bootstrap, config, context, runtime
from plexpy.datafactory import DataFactory
from shim.compare import to_jsonable

ANCHOR = 1768478400  # 2026-01-15 12:00:00 UTC, the sample's clock
AOIFE, MEI, YUKI = 3308933, 3722597, 1350028
GUEST = {"user_id": YUKI, "user": "yukiwebb88", "user_group": "guest"}


class Both:
    """Both twins of home_stats on one database, called with the same arguments."""

    def __init__(self, legacy: Any, sqla: Any, db: Path) -> None:
        self.twins = (legacy, sqla)
        self.db = db

    def call(self, method: str, **kwargs: Any) -> Any:
        results = [to_jsonable(getattr(twin, method)(**kwargs)) for twin in self.twins]
        assert results[0] == results[1], f"{method}{kwargs}: the twins differ"
        return results[0]

    def raises(self, method: str, **kwargs: Any) -> list[type[BaseException]]:
        found = []
        for twin in self.twins:
            with pytest.raises(Exception) as info:  # the type is compared across twins below
                getattr(twin, method)(**kwargs)
            found.append(info.type)
        assert found[0] is found[1]
        return found

    def sql(self, statement: str, args: tuple[Any, ...] = ()) -> None:
        conn = sqlite3.connect(self.db)
        with conn:
            conn.execute(statement, args)
        conn.close()


@pytest.fixture
def both(sample_db: Path, tmp_path: Path) -> Iterator[Both]:
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "timezone": "UTC",
        "backends": {"default": "legacy"},
    })
    rt = bootstrap.build(settings)
    with runtime.use(rt), context.call_context(now=ANCHOR, tz="UTC"):
        yield Both(rt.twin("home_stats", "legacy"), rt.twin("home_stats", "sqla"), sample_db)
    rt.close()


@pytest.fixture
def plays(both: Both) -> Both:
    """The sample with its history replaced by nothing: tests add hand-made plays."""
    for table in ("session_history", "session_history_metadata", "session_history_media_info"):
        both.sql(f"DELETE FROM {table}")
    return both


def add_play(both: Both, pid: int, *, started: int, stopped: int | None = None, ref: int | None = None,
             user_id: int = AOIFE, media_type: str = "movie", section_id: int = 1, platform: str = "Roku",
             title: str = "Alpha", year: int | None = 2000, show: str = "", decision: str = "direct play") -> None:
    """One history row (and its metadata and stream info) of a movie, episode (of ``show``) or track."""
    stop = started + 600 if stopped is None else stopped
    both.sql("INSERT INTO session_history (id, reference_id, started, stopped, user_id, user, media_type, "
             "section_id, platform, player, paused_counter, rating_key, view_offset) "
             "VALUES (?, ?, ?, ?, ?, 'someone', ?, ?, ?, 'Player', 0, ?, 0)",
             (pid, pid if ref is None else ref, started, stop, user_id, media_type, section_id, platform, 1000 + pid))
    both.sql("INSERT INTO session_history_metadata (id, full_title, title, year, grandparent_title, original_title, "
             "media_type, live, duration, labels) VALUES (?, ?, ?, ?, ?, '', ?, 0, 1000, '')",
             (pid, title, title, year, show, media_type))
    both.sql("INSERT INTO session_history_media_info (id, transcode_decision) VALUES (?, ?)", (pid, decision))


def titles(card: dict[str, Any]) -> list[str]:
    return [row["title"] for row in card["rows"]]


def test_ties_follow_sqlites_group_order(plays: Both) -> None:
    add_play(plays, 1, started=ANCHOR - 2000, title="Gamma")
    add_play(plays, 2, started=ANCHOR - 1000, title="Alpha")
    add_play(plays, 3, started=ANCHOR - 1000, title="Beta", user_id=MEI)
    for show, pid in (("Show B", 4), ("Show A", 5)):
        add_play(plays, pid, started=ANCHOR - 500, media_type="episode", section_id=2, title="ep", show=show)
    # Two GROUP BY terms and two ORDER BY terms: SQLite sorts the groups descending, so the tie is Beta, Alpha.
    assert titles(plays.call("get_home_stats", stat_id="top_movies")) == ["Beta", "Alpha", "Gamma"]
    # Three ORDER BY terms: ascending group order breaks the tie.
    assert titles(plays.call("get_home_stats", stat_id="popular_movies")) == ["Alpha", "Beta", "Gamma"]
    assert titles(plays.call("get_home_stats", stat_id="top_tv")) == ["Show A", "Show B"]


def test_a_plays_row_is_its_first_row_in_sqlites_scan_order(plays: Both) -> None:
    # One play of two segments: id 10 stopped last, id 11 (a later id) stopped first.
    add_play(plays, 10, started=ANCHOR - 900, stopped=ANCHOR - 100, platform="Roku")
    add_play(plays, 11, ref=10, started=ANCHOR - 3000, stopped=ANCHOR - 2000, platform="Android")
    movie = plays.call("get_home_stats", stat_id="top_movies", grouping=1)
    # The media-type index is ordered by stopped: the play shows segment 11 (and its start).
    assert (movie["rows"][0]["row_id"], movie["rows"][0]["last_play"]) == (11, ANCHOR - 3000)
    assert movie["rows"][0]["total_plays"] == 1 and movie["rows"][0]["total_duration"] == 1800
    # Without a filter the scan follows the reference_id index (then id): segment 10.
    library = plays.call("get_home_stats", stat_id="top_libraries", grouping=1)
    assert library["rows"][0]["row_id"] == 10
    assert [r["platform"] for r in plays.call("get_home_stats", stat_id="top_platforms")["rows"]] == ["Roku"]
    ungrouped = plays.call("get_home_stats", stat_id="top_movies", grouping=0)
    assert ungrouped["rows"][0]["total_plays"] == 2


def test_a_library_listed_on_two_servers_counts_each_play_twice(plays: Both) -> None:
    add_play(plays, 1, started=ANCHOR - 100)
    plays.sql("INSERT INTO library_sections (server_id, section_id, section_name, section_type, deleted_section) "
              "VALUES ('elsewhere', 1, 'Films', 'movie', 0)")
    row = plays.call("get_home_stats", stat_id="top_libraries")["rows"][0]
    assert (row["section_id"], row["total_plays"], row["section_name"]) == (1, 2, "Movies")


def test_last_watched_ties_come_newest_id_first(plays: Both) -> None:
    for pid in (21, 22, 23):
        add_play(plays, pid, started=ANCHOR - 100, title=f"M{pid}")
    plays.sql("UPDATE session_history SET view_offset = 1000")
    with context.call_context(config={"WATCHED_MARKER": 0}):
        assert [r["row_id"] for r in plays.call("get_home_stats", stat_id="last_watched")["rows"]] == [23, 22, 21]
    plays.sql("UPDATE session_history_metadata SET duration = 0")  # SQLite divides by zero to NULL: not watched
    with context.call_context(config={"WATCHED_MARKER": 0}):
        assert plays.call("get_home_stats", stat_id="last_watched")["rows"] == []


def test_empty_history_gives_empty_cards(plays: Both) -> None:
    cards = plays.call("get_home_stats", stats_cards=["top_movies", "top_users", "most_concurrent", "last_watched"])
    assert [(c["stat_id"], c["rows"]) for c in cards] == [
        ("top_movies", []), ("top_users", []), ("most_concurrent", []), ("last_watched", [])]
    assert cards[0]["stat_type"] == "total_plays" and "stat_type" not in cards[2]


def test_most_concurrent_peaks_over_string_sorted_times(plays: Both) -> None:
    add_play(plays, 1, started=ANCHOR - 1000, stopped=ANCHOR - 500)
    add_play(plays, 2, started=ANCHOR - 500, stopped=ANCHOR - 100, decision="transcode")
    add_play(plays, 3, started=ANCHOR - 400, stopped=ANCHOR - 300, decision="transcode")
    rows = plays.call("get_home_stats", stat_id="most_concurrent", user_id=AOIFE, section_id=9)["rows"]
    # A stop at the second another stream starts does not overlap it ('…A' sorts before '…B');
    # section and user filters are ignored by this card.
    assert rows == [
        {"title": "Concurrent Streams", "count": 2, "started": str(ANCHOR - 400), "stopped": str(ANCHOR - 300)},
        {"title": "Concurrent Transcodes", "count": 2, "started": str(ANCHOR - 400), "stopped": str(ANCHOR - 300)},
        {"title": "Concurrent Direct Plays", "count": 1, "started": str(ANCHOR - 1000), "stopped": str(ANCHOR - 500)},
    ]


def test_before_or_after_answers_none_and_bad_dates_raise(both: Both) -> None:
    assert both.call("get_home_stats", stat_id="top_movies", before="2025-12-06") is None
    assert both.call("get_home_stats", after="2025-12-06", before="2025-12-07") is None
    assert both.call("get_home_stats", stat_id="not_a_card", before="2025-12-06") == []
    assert both.raises("get_home_stats", stat_id="top_tv", after="06/12/2025") == [ValueError, ValueError]
    assert both.raises("get_home_stats", stat_id="top_tv", before=20251206) == [TypeError, TypeError]


def test_arguments_follow_tautullis_rules(both: Both) -> None:
    assert both.call("get_home_stats", stat_id="nope") == []
    assert both.call("get_home_stats", stats_cards=[]) == []
    assert both.call("get_home_stats", stats_cards="top_movies") == []  # a string is iterated by character
    everything = both.call("get_home_stats", stat_id="top_tv", time_range=1000, stats_count=-1)
    assert len(everything["rows"]) > 25
    assert both.call("get_home_stats", stat_id="top_tv", time_range=1000, stats_count=25)["rows"] == \
        everything["rows"][:25]
    assert both.call("get_home_stats", stat_id="top_tv", time_range=1000, stats_start=-5, stats_count=3)["rows"] == \
        everything["rows"][:3]
    assert both.call("get_home_stats", stat_id="top_tv", time_range="x")["rows"] == []  # no window at all
    by_text = both.call("get_home_stats", stat_id="top_movies", time_range=365, section_id=" 1 ", user_id=str(AOIFE))
    assert by_text == both.call("get_home_stats", stat_id="top_movies", time_range=365, section_id=1, user_id=AOIFE)
    assert by_text["rows"] and all(r["section_id"] == 1 for r in by_text["rows"])
    assert both.call("get_home_stats", stat_id="top_movies", section_id="abc")["rows"] == []
    assert both.call("get_home_stats", stat_id="top_movies", section_id=[1]) is None
    assert both.call("get_home_stats", stat_id="top_movies", stats_count=2**70) is None


def test_configured_cards_and_duplicates(both: Both) -> None:
    cards = ["top_users", "x", "top_users", "top_platforms"]
    with context.call_context(config={"HOME_STATS_CARDS": cards}):
        found = both.call("get_home_stats", time_range=30, stats_type="duration")
    assert [c["stat_id"] for c in found] == ["top_users", "top_users", "top_platforms"]
    totals = [r["total_duration"] for r in found[0]["rows"]]
    assert totals == sorted(totals, reverse=True) and found[0]["stat_type"] == "total_duration"
    assert all(r["platform_name"] for r in found[2]["rows"])


def test_a_null_platform_fails_as_in_tautulli(both: Both) -> None:
    both.sql("UPDATE session_history SET platform = NULL WHERE user_id = ?", (AOIFE,))
    assert both.raises("get_home_stats", stat_id="top_platforms", time_range=365) == [AttributeError, AttributeError]


def test_guests_see_other_users_and_foreign_items_masked(both: Both) -> None:
    with context.call_context(session=GUEST):
        users = both.call("get_home_stats", stat_id="top_users", time_range=365)["rows"]
        recent = both.call("get_home_stats", stat_id="last_watched", time_range=365, stats_count=50)["rows"]
    mine = [r for r in users if r["user_id"] == YUKI]
    assert mine and mine[0]["friendly_name"] == "yukiwebb88" and mine[0]["user"] != "Plex User"
    others = [r for r in users if r["user_id"] != YUKI]
    assert others and all(r["user"] == "Plex User" and r["user_id"] == "" for r in others)
    assert all(r["title"] == "Plex Media" for r in users)  # top_users rows carry no section: always masked
    assert any(r["title"] != "Plex Media" for r in recent)


def test_library_stats_id_lists(both: Both) -> None:
    cards = both.call("get_library_stats", library_cards=["1", "2", "3", "999999"])
    assert sorted(cards) == ["artist", "live", "movie", "show"]
    assert [c["section_id"] for c in cards["movie"]] == [1]
    conn = sqlite3.connect(both.db)
    newest = conn.execute("SELECT id, started FROM session_history WHERE section_id = 1 "
                          "ORDER BY started DESC, id LIMIT 1").fetchone()
    conn.close()
    assert cards["movie"][0]["row_id"] == newest[0]  # ``id`` twice in Tautulli's SELECT: the history id wins
    assert both.call("get_library_stats", library_cards="12") == both.call("get_library_stats",
                                                                          library_cards=["1", "2"])
    assert both.call("get_library_stats", library_cards=["1,2"]) == both.call("get_library_stats",
                                                                              library_cards=["1", "2"])
    assert both.call("get_library_stats") == {}
    assert both.call("get_library_stats", library_cards=["1; DROP TABLE users"]) is None
    assert both.call("get_library_stats", library_cards=[1, 2]) is None


def test_library_stats_for_a_guest_use_their_libraries(both: Both) -> None:
    both.sql("UPDATE users SET shared_libraries = '2' WHERE user_id = ?", (YUKI,))
    with context.call_context(session=GUEST):
        cards = both.call("get_library_stats", library_cards=["1", "3"])
    assert list(cards) == ["show"] and cards["show"][0]["title"] != "Plex Media"


def test_sqlalchemy_helpers_build_queries_with_constructs_not_text() -> None:
    root = Path(__file__).resolve().parents[2] / "plexpy" / "domains"
    helpers = sorted(root.glob("home_stats/_sqla_*.py")) + sorted(root.glob("graphs/_sqla_*.py"))
    assert helpers, "the card helpers of the sqlalchemy twin"
    for path in helpers:
        source = path.read_text(encoding="utf-8")
        assert "text(" not in source and "exec_driver_sql" not in source, path.name
        assert "sqlite3" not in source and "sqlite_executor" not in source, path.name


def test_facade_routes_by_the_home_stats_flag(facade_mode: str) -> None:
    card = DataFactory().get_home_stats(stat_id="top_movies", time_range=30, stats_count=3)
    assert card["stat_id"] == "top_movies" and len(card["rows"]) == 3
