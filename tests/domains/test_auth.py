"""Login reads on both paths: token expiry against the frozen clock, guests, and the rate limit."""

from __future__ import annotations

import json

import pytest

from plexpy import context, webauth
from plexpy.users import Users

ANCHOR = 1768478400  # the sample's frozen clock (tests/domains/conftest.py)

AOIFE = 3308933
IP = "203.0.113.7"


def dt_request(**overrides) -> dict:
    body = {
        "draw": 2,
        "columns": [{"data": "timestamp", "searchable": False, "orderable": True},
                    {"data": "ip_address", "searchable": True, "orderable": True},
                    {"data": "os", "searchable": True, "orderable": True}],
        "order": [{"column": 0, "dir": "desc"}], "start": 0, "length": 500, "search": {"value": ""},
    }
    body.update(overrides)
    return {"json_data": json.dumps(body)}


@pytest.fixture
def logins(edit_db) -> None:
    rows = [
        (ANCHOR - 30, AOIFE, "aoifepike10", "guest", "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 "
         "Firefox/121.0", 1, "2026-02-01T00:00:00+00:00", "tok-future"),
        (ANCHOR - 20, AOIFE, "aoifepike10", "guest", "", 1, "2026-01-15T12:00:01", "tok-naive"),
        (ANCHOR - 10, AOIFE, "aoifepike10", "guest", "", 1, "2026-01-15T07:00:00-05:00", "tok-expired"),
    ]
    for stamp, user_id, user, group, agent, success, expiry, token in rows:
        edit_db("INSERT INTO user_login (timestamp, user_id, user, user_group, ip_address, host, user_agent, "
                "success, expiry, jwt_token) VALUES (?, ?, ?, ?, '192.0.2.222', 'h', ?, ?, ?, ?)",
                (stamp, user_id, user, group, agent, success, expiry, token))


def test_expiry_is_shown_only_while_valid(facade_mode: str, logins: None) -> None:
    page = Users().get_datatables_user_login(user_id=AOIFE, jwt_token="tok-naive", kwargs=dt_request())  # noqa: S106
    mine = {r["timestamp"]: r for r in page["data"][:3]}
    assert mine[ANCHOR - 30]["expiry"] == "2026-02-01 00:00:00" and mine[ANCHOR - 30]["current"] is False
    assert (mine[ANCHOR - 30]["os"], mine[ANCHOR - 30]["browser"]) == ("Linux", "Firefox 121.0")
    assert mine[ANCHOR - 20]["expiry"] == "2026-01-15 12:00:01" and mine[ANCHOR - 20]["current"] is True
    assert mine[ANCHOR - 10]["expiry"] is None and mine[ANCHOR - 10]["current"] is False  # 12:00 UTC: expired
    assert mine[ANCHOR - 10]["friendly_name"] == "aoifepike10"
    assert page["recordsTotal"] == 70 and page["recordsFiltered"] == len(page["data"])
    assert Users().get_user_login(jwt_token="tok-future")["timestamp"] == ANCHOR - 30  # noqa: S106
    assert Users().get_user_login(jwt_token=None) == {}


def test_a_guest_sees_only_their_own_logins(facade_mode: str, logins: None) -> None:
    empty = {"recordsFiltered": 0, "recordsTotal": 0, "draw": 0, "data": []}
    with context.call_context(session={"user_id": AOIFE, "user": "aoifepike10", "user_group": "guest"}):
        page = Users().get_datatables_user_login(user_id=AOIFE, kwargs=dt_request())
        assert {r["user_id"] for r in page["data"]} == {AOIFE} and len(page["data"]) >= 3
        assert Users().get_datatables_user_login(user_id=10781001, kwargs=dt_request()) == empty
        assert Users().get_datatables_user_login(kwargs=dt_request()) == empty  # Tautulli: no user id, no rows


def test_user_id_filters_compare_as_numbers(facade_mode: str, logins: None) -> None:
    as_text = Users().get_datatables_user_login(user_id=str(AOIFE), kwargs=dt_request())
    as_int = Users().get_datatables_user_login(user_id=AOIFE, kwargs=dt_request())
    assert as_text == as_int and len(as_int["data"]) >= 3
    assert Users().get_datatables_user_login(user_id="abc", kwargs=dt_request())["data"] == []
    assert Users().get_datatables_user_login(kwargs=dt_request(search={"value": "192.0.2.222"}))[
        "recordsFiltered"] == 3


def test_rate_limit(facade_mode: str, edit_db) -> None:
    def login(offset: int, success: int) -> None:
        edit_db("INSERT INTO user_login (timestamp, ip_address, success) VALUES (?, ?, ?)",
                (ANCHOR - offset, IP, success))

    assert webauth.check_rate_limit(IP) is None
    for offset in range(200, 110, -10):  # nine failures
        login(offset, 0)
    assert webauth.check_rate_limit(IP) is None
    login(100, 0)  # the tenth failure, 100 s ago: locked out for 300 - 100 s more
    assert webauth.check_rate_limit(IP) == 200
    with context.call_context(config={"HTTP_RATE_LIMIT_LOCKOUT_TIME": 50}):
        assert webauth.check_rate_limit(IP) == 0
    login(90, 1)  # a success forgets the failures before it
    assert webauth.check_rate_limit(IP) is None
    assert webauth.check_rate_limit(None) is None
