"""Activity reads on both paths: unknown keys, guests, duplicate session rows, and twin-for-twin parity."""

from __future__ import annotations

from plexpy import context, runtime
from plexpy.activity_processor import ActivityProcessor
from plexpy.datafactory import DataFactory
from shim.compare import to_jsonable

YUKI = {"user_id": 1350028, "user": "yukiwebb88", "user_group": "guest"}


def test_sessions_by_user_and_by_ip(facade_mode: str, edit_db) -> None:
    activity = ActivityProcessor()
    assert len(activity.get_sessions()) == 8
    assert activity.get_sessions(user_id="x") == activity.get_sessions()  # not a number: every session
    assert activity.get_sessions(user_id=424242) == []
    edit_db("INSERT INTO sessions (session_key, user_id, ip_address, state) VALUES (9001, 1350028, '192.0.2.245', "
            "'buffering')")
    edit_db("INSERT INTO sessions (session_key, user_id, ip_address, state) VALUES (9002, 1350028, '10.0.0.1', "
            "'paused')")
    rows = activity.get_sessions(user_id="1350028")
    assert sorted(r["session_key"] for r in rows) == [5098, 9001, 9002]
    per_ip = activity.get_sessions(user_id=1350028, ip_address=True)
    assert sorted((r["ip_address"], r["session_key"]) for r in per_ip) == [("10.0.0.1", 9002), ("192.0.2.245", 5098)]
    assert set(per_ip[0]) == set(rows[0])  # every column of the table


def test_lookups_by_key_and_id(facade_mode: str, edit_db) -> None:
    activity = ActivityProcessor()
    assert activity.get_session_by_key(session_key="5098")["user"] == "yukiwebb88"
    assert activity.get_session_by_key(session_key="abc") is None
    assert activity.get_session_by_id(session_id="") is None
    edit_db("INSERT INTO sessions (session_key, session_id, user, buffer_count) VALUES (5098, 'dup', 'second', 3)")
    assert activity.get_session_by_key(session_key=5098)["user"] == "yukiwebb88"  # the first row
    assert activity.get_session_buffer_count(session_key=5098) == 0
    assert activity.get_session_buffer_count(session_key=424242) == 0
    assert activity.get_session_buffer_count(session_key="x") is None
    assert activity.get_session_buffer_trigger_time(session_key=424242) is None
    assert activity.get_session_by_id(session_id="dup")["buffer_count"] == 3


def test_initial_stream_threshold(facade_mode: str) -> None:
    activity = ActivityProcessor()
    machine = "9f16c8fc3e39b097e64cbe06"
    with context.call_context(config={"NOTIFY_CONTINUED_SESSION_THRESHOLD": 15}):
        assert activity.is_initial_stream(user_id=1350028, machine_id=machine, media_type="episode",
                                          started=1768432065 + 14) == 0
        assert activity.is_initial_stream(user_id="1350028", machine_id=machine, media_type="episode",
                                          started=1768432065 + 15) == 1
        assert activity.is_initial_stream(user_id=1, machine_id="none", media_type="movie", started=15) == 1


def test_session_ip_and_stream_details(facade_mode: str, edit_db) -> None:
    data = DataFactory()
    assert data.get_session_ip(session_key=5098) == "192.0.2.245"
    assert data.get_session_ip(session_key="5098") == "192.0.2.245"
    assert data.get_session_ip(session_key="5098.0") == "N/A"
    assert data.get_session_ip() == "N/A"
    edit_db("INSERT INTO sessions (session_key, user_id, ip_address) VALUES (5098, 1350028, '10.9.9.9')")
    assert data.get_session_ip(session_key=5098) == "10.9.9.9"  # the last row
    details = data.get_stream_details(session_key=5100)
    assert details["current_session"] == 1 and details["media_type"] == "movie"
    assert data.get_stream_details(session_key=424242) == {}
    with context.call_context(session=YUKI):
        assert data.get_session_ip(session_key=5100) == "N/A"  # another user's stream
        assert data.get_stream_details(session_key=5100) == {}
        assert data.get_stream_details(session_key=5098)["current_session"] == 1


def test_the_two_twins_agree(facade_mode: str) -> None:
    legacy, sqla = runtime.current().twins["activity"]
    calls = [
        ("get_sessions", {}), ("get_sessions", {"user_id": 7620961, "ip_address": True}),
        ("get_session_by_key", {"session_key": "5105"}), ("get_session_by_id", {"session_id": "nope"}),
        ("get_session_buffer_count", {"session_key": 5100}), ("get_session_ip", {"session_key": 5106}),
        ("get_stream_details", {"session_key": 5106}), ("get_stream_details", {}),
    ]
    for op, kwargs in calls:
        left, right = to_jsonable(getattr(legacy, op)(**kwargs)), to_jsonable(getattr(sqla, op)(**kwargs))
        if op == "get_sessions":
            left, right = sorted(left, key=str), sorted(right, key=str)
        assert left == right, op
