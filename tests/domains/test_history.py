"""History reads on both paths: the edge cases the oracle records don't cover, and twin-for-twin parity."""

from __future__ import annotations

import json

import pytest

from plexpy import context, runtime
from plexpy.common import DEFAULT_USER_THUMB
from plexpy.datafactory import DataFactory
from plexpy.datatables.custom_where import CustomWhereError
from shim.compare import compare_results, to_jsonable

AOIFE = 3308933
YUKI = {"user_id": 1350028, "user": "yukiwebb88", "user_group": "guest"}
ROWAN = {"user_id": 3768901, "user": "Rowan (Kids)", "user_group": "guest"}
DATE = "strftime('%Y-%m-%d', datetime(started, 'unixepoch', 'localtime'))"
WATCH = {"MOVIE_WATCHED_PERCENT": 85, "TV_WATCHED_PERCENT": 85, "MUSIC_WATCHED_PERCENT": 85, "WATCHED_MARKER": 3}


def dt(start: int = 0, length: int = 25, search: str = "", order: list | None = None, columns: list | None = None):
    body = {
        "draw": 5,
        "columns": columns or [{"data": name, "searchable": True, "orderable": True}
                               for name in ("date", "friendly_name", "full_title", "player", "platform")],
        "order": [{"column": 0, "dir": "desc"}] if order is None else order,
        "start": start, "length": length, "search": {"value": search},
    }
    return {"json_data": json.dumps(body)}


def history(**kwargs):
    with context.call_context(config=WATCH, session=context.session()):
        return DataFactory().get_datatables_history(**kwargs)


def both_twins(op: str, **kwargs):
    """The legacy and the sqlalchemy twin's answers to one call, as JSON."""
    legacy, sqla = runtime.current().twins["history"]
    with context.call_context(config=WATCH, session=context.session()):
        return to_jsonable(getattr(legacy, op)(**kwargs)), to_jsonable(getattr(sqla, op)(**kwargs))


def add_play(edit_db, row_id: int, title: str, *, started: int = 1768400000, user_id: int = AOIFE) -> None:
    edit_db("INSERT INTO session_history (id, reference_id, started, stopped, user_id, user, media_type, "
            "section_id, rating_key, paused_counter, view_offset, player, platform) "
            "VALUES (?, ?, ?, ?, ?, 'aoifepike10', 'movie', 1, 777, 0, 600000, 'Web', 'Chrome')",
            (row_id, row_id, started, started + 600, user_id))
    edit_db("INSERT INTO session_history_metadata (id, rating_key, title, full_title, media_type, duration, live) "
            "VALUES (?, 777, ?, ?, 'movie', 1200000, 0)", (row_id, title, title))
    edit_db("INSERT INTO session_history_media_info (id, rating_key, transcode_decision, stream_container) "
            "VALUES (?, 777, 'direct play', 'mkv')", (row_id,))


def test_guest_sees_only_their_own_rows_and_a_user_filter_is_additive(facade_mode: str) -> None:
    with context.call_context(session=YUKI):
        own = history(kwargs=dt(length=-1), custom_where=[], grouping=0)
        both = history(kwargs=dt(length=-1), custom_where=[["session_history.user_id", [str(AOIFE)]]], grouping=0)
    assert own["recordsFiltered"] > 0 and {r["user_id"] for r in own["data"]} == {1350028}
    assert {r["user_id"] for r in both["data"]} == {1350028, AOIFE}
    # Every friendly name reads as the guest's user name.
    assert {r["friendly_name"] for r in both["data"]} == {"yukiwebb88"}
    caller = [["session_history.user_id", [str(AOIFE)]]]
    with context.call_context(session=YUKI):
        history(kwargs=dt(), custom_where=caller)
    assert caller == [["session_history.user_id", [str(AOIFE)]]], "the caller's list is not mutated"


def test_length_minus_one_drops_the_last_row_and_paging_past_the_end_is_empty(facade_mode: str) -> None:
    where = [["session_history.user_id", [str(AOIFE)]]]
    everything = history(kwargs=dt(length=10_000), custom_where=where, grouping=1)
    minus_one = history(kwargs=dt(length=-1), custom_where=where, grouping=1)
    assert len(minus_one["data"]) == len(everything["data"]) - 1 == everything["recordsFiltered"] - 1
    assert minus_one["data"] == everything["data"][:-1]
    assert history(kwargs=dt(start=100_000), custom_where=where)["data"] == []
    assert everything["recordsTotal"] > everything["recordsFiltered"]


def test_or_marked_filters_are_anded_for_the_total_duration(facade_mode: str) -> None:
    keys = ["21119", "21120"]
    chained = [["session_history_metadata.rating_key IN OR", keys],
               ["session_history_metadata.parent_rating_key IN OR", keys],
               ["session_history_metadata.grandparent_rating_key IN OR", keys]]
    page = history(kwargs=dt(), custom_where=[list(c) for c in chained], grouping=1)
    assert page["recordsFiltered"] > 0
    data = DataFactory()
    assert data.get_total_duration(custom_where=[list(c) for c in chained]) > 0  # ORed on its own
    anded = [[c[0].replace(" OR", ""), c[1]] for c in chained]
    assert data.get_total_duration(custom_where=anded) is None  # ANDed: no row matches all three
    assert page["total_duration"] == "0"


def test_total_duration_rules(facade_mode: str) -> None:
    data = DataFactory()
    assert data.get_total_duration(custom_where=[]) > 9_000_000
    assert data.get_total_duration(custom_where=[["session_history.user_id", ["0"]]]) is None
    assert data.get_total_duration(custom_where=[["session_history.user_id IN", []]]) is None  # SQL error
    assert data.get_total_duration(custom_where=[["users.username", "x"]]) is None  # no users in that query
    with pytest.raises(TypeError):
        data.get_total_duration()
    with pytest.raises(CustomWhereError):
        data.get_total_duration(custom_where=[["1=1 --", "x"]])
    with pytest.raises(CustomWhereError):
        data.get_total_duration(custom_where=[("session_history.user_id", "1")])


def test_failing_filters_and_requests_give_the_empty_table(facade_mode: str) -> None:
    empty = {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": [], "filter_duration": "0",
             "total_duration": "0"}
    assert history(kwargs=dt(), custom_where=[["session_history.user_id IN", []]]) == empty
    assert history(kwargs=dt(), custom_where=[["duration", 5]]) == empty  # ambiguous column
    assert history(kwargs=dt(), custom_where=[["play_duration", 5]]) == empty  # aggregate in WHERE
    assert history(kwargs={"json_data": "{oops"}) == empty
    assert history(kwargs=None) == empty
    with pytest.raises(TypeError):
        history(kwargs={"start": 0})
    with pytest.raises(CustomWhereError):
        history(kwargs=dt(), custom_where=[["session_history.user_id = 1 OR 1", "1"]])


def test_live_sessions_join_the_table_with_their_users_avatar(facade_mode: str) -> None:
    page = history(kwargs=dt(length=100), custom_where=[], grouping=1, include_activity=1)
    live = [r for r in page["data"] if r["state"]]
    assert len(live) == 8 and {r["session_key"] for r in live} >= {5098, 5100, 5105}
    yuki = next(r for r in live if r["user_id"] == 1350028)
    assert yuki["user_thumb"].startswith("https://plex.tv/users/51945d7c")
    assert yuki["row_id"] is None and yuki["group_ids"] is None and yuki["reference_id"] is None
    assert page["recordsFiltered"] == history(kwargs=dt(), grouping=1, include_activity=0)["recordsFiltered"] + 8
    # A live row's filters drop the table prefix; reference_id is NULL there, so no live row passes.
    filtered = history(kwargs=dt(length=100), custom_where=[["session_history.reference_id", ["1"]]],
                       include_activity=1)
    assert all(not r["state"] for r in filtered["data"])


def test_local_dates_follow_the_configured_zone(facade_mode: str) -> None:
    where = [[DATE, ["2025-11-29"]]]
    with context.call_context(tz="UTC"):
        utc = {r["row_id"] for r in history(kwargs=dt(length=-1), custom_where=where, grouping=0)["data"]}
    with context.call_context(tz="America/New_York"):
        nyc = {r["row_id"] for r in history(kwargs=dt(length=-1), custom_where=where, grouping=0)["data"]}
    assert utc and nyc and utc != nyc


def test_search_is_ascii_case_insensitive_with_raw_wildcards(facade_mode: str, edit_db) -> None:
    add_play(edit_db, 90001, "Émile's 100% Ab_c\\Dé")
    add_play(edit_db, 90002, "émile's 1000 Abxc/Dé")

    def titles(search: str) -> set[str]:
        return {r["full_title"] for r in history(kwargs=dt(length=100, search=search))["data"]}

    assert titles("'S 100%") == {"Émile's 100% Ab_c\\Dé", "émile's 1000 Abxc/Dé"}  # % is a wildcard
    assert titles("ab_c") == {"Émile's 100% Ab_c\\Dé", "émile's 1000 Abxc/Dé"}  # so is _
    assert titles("c\\d") == {"Émile's 100% Ab_c\\Dé"}  # backslash is an ordinary character
    assert titles("ÉMILE") == {"Émile's 100% Ab_c\\Dé"}  # no folding outside ASCII
    assert titles("dé") == {"Émile's 100% Ab_c\\Dé", "émile's 1000 Abxc/Dé"}  # ASCII d folds, é matches é
    assert titles("DÉ") == set()


def test_grouped_rows_take_the_segment_with_the_highest_percent(facade_mode: str, edit_db) -> None:
    add_play(edit_db, 90011, "Split Play", started=1768300000)
    add_play(edit_db, 90012, "Split Play", started=1768301000)
    edit_db("UPDATE session_history SET reference_id = 90011, view_offset = 1100000, player = 'TV' WHERE id = 90012")
    page = history(kwargs=dt(length=100, search="Split Play"), grouping=1)
    (row,) = page["data"]
    assert (row["row_id"], row["player"], row["group_ids"], row["group_count"]) == (90012, "TV", "90011,90012", 2)
    assert (row["started"], row["date"], row["percent_complete"], row["watched_status"]) == (
        1768300000, 1768301000, 92, 1)
    assert row["play_duration"] == 1200 and page["filter_duration"] == "20 mins"


def test_the_two_twins_agree_on_the_history_table(facade_mode: str) -> None:
    requests = [
        {"kwargs": dt(order=[{"column": 1, "dir": "asc"}]), "custom_where": [], "grouping": 1},
        {"kwargs": dt(order=[], search="a"), "custom_where": [["media_type_live", ["episode", "track"]]],
         "grouping": 0},
        {"kwargs": dt(order=[{"column": 3, "dir": "desc"}, {"column": 2, "dir": "asc"}]),
         "custom_where": [["session_history_media_info.transcode_decision", ["direct play", "copy"]]],
         "grouping": 1},
        {"kwargs": dt(length=50), "custom_where": [[DATE + " >", "2025-12-01"]], "grouping": 1,
         "include_activity": 1},
    ]
    for request in requests:
        legacy, sqla = both_twins("get_datatables_history", **request)
        assert compare_results(legacy, sqla)[0] is None, request
        assert legacy["data"], request


def test_stream_details(facade_mode: str, edit_db) -> None:
    data = DataFactory()
    assert data.get_stream_details(row_id=987654321) == {}
    assert data.get_stream_details() is None
    details = data.get_stream_details(row_id=4133)
    assert details["current_session"] == "" and details["pre_tautulli"] == ""
    assert all(value != 0 and value is not None for value in details.values())
    edit_db("UPDATE session_history_media_info SET stream_container = '', transcode_container = 'ts', "
            "width = 640 WHERE id = 4133")
    old = data.get_stream_details(row_id=4133)
    assert (old["pre_tautulli"], old["stream_container"], old["video_width"]) == (1, "ts", 640)
    with context.call_context(session=YUKI):
        assert data.get_stream_details(row_id=4133) == {}  # someone else's play


def test_metadata_details(facade_mode: str) -> None:
    data = DataFactory()
    movie = data.get_metadata_details(rating_key="1119")
    assert movie["library_name"] == "Movies" and movie["section_id"] == 1 and isinstance(movie["actors"], list)
    assert movie["media_info"][0]["container"]
    assert data.get_metadata_details(guid="PLEX://MOVIE/9E264B98BB01382652B771E9?x=1")["rating_key"] == 1119
    assert data.get_metadata_details(rating_key="nope") == []
    assert data.get_metadata_details() == []
    with context.call_context(session=ROWAN):
        assert data.get_metadata_details(rating_key=1119) == []  # NC-17 is outside the guest's filters
    with context.call_context(session=YUKI):
        assert data.get_metadata_details(rating_key=1119)["rating_key"] == 1119


def test_item_stats(facade_mode: str) -> None:
    data = DataFactory()
    assert data.get_watch_time_stats() == []
    assert data.get_watch_time_stats(rating_key="abc") == []
    collection = data.get_watch_time_stats(rating_key=1119, media_type="collection", query_days="7,0")
    assert collection == [{"query_days": 7, "total_time": 0, "total_plays": 0},
                          {"query_days": 0, "total_time": 0, "total_plays": 0}]  # Plex is offline: no items
    assert data.get_user_stats(rating_key=1119, media_type="playlist") == []
    stats = data.get_user_stats(rating_key=21119, grouping=1)
    assert stats[0]["user_id"] == AOIFE and stats[0]["total_plays"] >= stats[-1]["total_plays"]
    with context.call_context(session=YUKI):
        masked = data.get_user_stats(rating_key=21119, grouping=1)
    assert {r["username"] for r in masked if r["user_id"] != 1350028} == {"Plex User"}
    assert all(r["user_thumb"] == DEFAULT_USER_THUMB for r in masked if r["user_id"] == "")
    with context.call_context(session=ROWAN):
        assert data.get_watch_time_stats(rating_key=40079, query_days="0")[0]["total_plays"] > 0  # Music: shared
        assert data.get_watch_time_stats(rating_key=880007) == []  # Live TV is not shared with this guest
        assert data.get_watch_time_stats(rating_key=987654321, query_days="1") == []  # no row: no library


def test_search_keys_and_devices(facade_mode: str) -> None:
    data = DataFactory()
    assert data.get_search_query(rating_key="") is None
    assert data.get_search_query(rating_key=1119) is None  # compared as text, as Tautulli does
    assert data.get_search_query(rating_key="21119")["media_type"] == "show"
    assert data.get_rating_keys_list(rating_key="987654321", media_type="show") == {}
    assert data.get_rating_keys_list(rating_key="1119", media_type="movie") == {0: {"rating_key": 1119}}
    with pytest.raises(ValueError, match="invalid literal"):
        data.get_rating_keys_list(rating_key="x", media_type="movie")
    assert data.get_user_devices(user_id="") == []
    assert sorted(data.get_user_devices(user_id=str(AOIFE))) == sorted(data.get_user_devices(user_id=AOIFE))
    assert set(data.get_user_devices(user_id=10493885, history_only=False)) > set(
        data.get_user_devices(user_id=10493885))


@pytest.mark.parametrize("sections", [(9, 1), (1, 9)])
def test_item_stats_judge_a_guest_by_the_section_of_the_items_first_row(facade_mode: str, edit_db,
                                                                        sections: tuple[int, int]) -> None:
    """An item played in a library the guest does not share (9) and in one they do (1): the first row by id
    decides, on both twins, whether the guest sees the stats."""
    for row_id, section in zip((5000, 5001), sections, strict=True):
        add_play(edit_db, row_id, "Two Libraries")
        edit_db("UPDATE session_history SET section_id = ? WHERE id = ?", (section, row_id))
    for op, kwargs in (("get_watch_time_stats", {"rating_key": 777, "query_days": "0"}),
                       ("get_user_stats", {"rating_key": 777})):
        with context.call_context(session=ROWAN):
            legacy, sqla = both_twins(op, **kwargs)
        assert sqla == legacy, op
        assert (legacy == []) == (sections[0] == 9), (op, legacy)
