"""Users reads on both paths: the edge cases the oracle records don't cover."""

from __future__ import annotations

import json

from plexpy import context
from plexpy.common import DEFAULT_USER_THUMB
from plexpy.users import Users

AOIFE = 3308933


def dt_request(**overrides) -> dict:
    body = {
        "draw": 7,
        "columns": [{"data": "friendly_name", "searchable": True, "orderable": True},
                    {"data": "plays", "searchable": False, "orderable": True},
                    {"data": "user_id", "searchable": True, "orderable": True}],
        "order": [{"column": 2, "dir": "asc"}], "start": 0, "length": 100, "search": {"value": ""},
    }
    body.update(overrides)
    return {"json_data": json.dumps(body)}


def test_unknown_user_details_with_last_seen_is_a_dict_of_nulls(facade_mode: str) -> None:
    details = Users().get_user_details(user_id=999999999, include_last_seen=True)
    assert details["row_id"] is None and details["username"] is None and details["last_seen"] is None
    assert details["user_thumb"] == DEFAULT_USER_THUMB and details["shared_libraries"] == ()
    assert Users().get_user_details(user_id=999999999) == {}


def test_unknown_user_falls_back_to_local_when_plex_tv_is_unreachable(facade_mode: str) -> None:
    details = Users().get_details(user_id=424242)
    assert details["username"] == "Local" and details["user_id"] == 0 and details["is_admin"] == ""
    assert Users().get_details() == details


def test_user_name_lookup_folds_ascii_case_only(facade_mode: str, edit_db) -> None:
    edit_db("INSERT INTO users (user_id, username, email) VALUES (?, ?, ?)", (77, "Émile", "e@x.org"))
    assert Users().get_user_details(user="émile") == {}
    assert Users().get_user_details(user="Émile")["user_id"] == 77
    assert Users().get_user_details(user="AOIFEPIKE10")["user_id"] == AOIFE
    assert Users().get_user_details(email="E@X.ORG")["user_id"] == 77


def test_user_without_history_has_zero_plays_and_duration(facade_mode: str, edit_db) -> None:
    edit_db("INSERT INTO users (user_id, username) VALUES (?, ?)", (78, "quiet"))
    page = Users().get_datatables_list(kwargs=dt_request())
    row = next(r for r in page["data"] if r["user_id"] == 78)
    assert (row["plays"], row["duration"], row["last_seen"], row["history_row_id"]) == (0, 0, None, None)
    assert row["friendly_name"] == "quiet" and row["user_thumb"] == DEFAULT_USER_THUMB
    assert page["draw"] == 7 and page["recordsFiltered"] == len(page["data"])


def test_hostile_datatables_requests(facade_mode: str) -> None:
    users = Users()
    injected = dt_request(columns=[{"data": "plays; DROP TABLE users", "searchable": True, "orderable": True}],
                          order=[{"column": 0, "dir": "desc; DELETE FROM users"}], search={"value": "' OR 1=1 --"})
    everyone = users.get_datatables_list(kwargs=dt_request())["recordsFiltered"]
    # The unknown column name is ignored for order and search (Tautulli's leniency): nothing is filtered.
    assert users.get_datatables_list(kwargs=injected)["recordsFiltered"] == everyone > 50
    assert users.get_datatables_list(kwargs=dt_request(order=[{"column": 42, "dir": "asc"}]))["data"] == []
    assert users.get_datatables_list(kwargs={"json_data": "{not json"}) == {
        "recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": []}
    assert len(users.get_users(include_deleted=True)) >= 60  # nothing was dropped


def test_search_treats_percent_and_underscore_as_wildcards(facade_mode: str) -> None:
    page = Users().get_datatables_list(kwargs=dt_request(search={"value": "aoif_"}))
    names = {r["friendly_name"] for r in page["data"]}
    assert "aoifepike10" in names
    assert all("aoif" in n.lower() for n in names)


def test_guest_sees_only_themselves(facade_mode: str) -> None:
    with context.call_context(session={"user_id": AOIFE, "user": "aoifepike10", "user_group": "guest"}):
        names = Users().get_user_names()
        assert names == [{"user_id": AOIFE, "friendly_name": "aoifepike10"}]
        page = Users().get_datatables_list(kwargs=dt_request())
        assert [r["user_id"] for r in page["data"]] == [AOIFE]
        assert Users().get_watch_time_stats(user_id=10781001) == []
        assert Users().get_player_stats(user_id=10781001) == []
        assert Users().get_datatables_unique_ips(user_id=10781001, kwargs=dt_request())["data"] == []


def test_stats_and_recently_watched_arguments(facade_mode: str) -> None:
    users = Users()
    stats = users.get_watch_time_stats(user_id=AOIFE, query_days="7,x,-1")
    assert [s["query_days"] for s in stats] == [7, 0, -1]
    assert stats[1]["total_plays"] == stats[2]["total_plays"] > stats[0]["total_plays"]
    assert users.get_watch_time_stats(user_id="abc") == []
    assert len(users.get_recently_watched(user_id=AOIFE, limit="x")) == 10
    assert len(users.get_recently_watched(user_id=AOIFE, limit="3")) == 3
    players = users.get_player_stats(user_id=AOIFE)
    assert [p["result_id"] for p in players] == list(range(len(players)))
    assert players == sorted(players, key=lambda p: (-p["total_plays"], -p["total_time"]))


def test_filters_tokens_and_ids(facade_mode: str, edit_db) -> None:
    edit_db("UPDATE users SET filter_movies = ? WHERE user_id = ?", ("contentRating=G,PG|label=kids|other=1", AOIFE))
    filters = Users().get_filters(user_id=AOIFE)
    assert filters["filter_movies"] == {"content_rating": ["G", "PG"], "labels": ["kids"]} or filters[
        "filter_movies"] == {"content_rating": ("G", "PG"), "labels": ("kids",)}
    assert Users().get_filters(user_id=0) == {}
    assert Users().get_tokens(user_id=123) == {"allow_guest": 0, "user_token": "", "server_token": ""}
    assert Users().get_user_id(user="aoifepike10") == AOIFE
    assert Users().get_user_id(user="nobody") is None
