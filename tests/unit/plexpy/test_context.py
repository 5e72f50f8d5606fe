from __future__ import annotations

import sqlite3
import threading

import pytest

from plexpy import context
from plexpy.db.localtime import tz_strftime
from plexpy.plex import PlexUnavailableError, RecordedPlex


def test_frozen_clock_and_guest_are_per_call() -> None:
    context.set_base_config({"GROUP_HISTORY_TABLES": 1})
    with context.call_context(now=1768478400, tz="America/New_York",
                              session={"user_id": 42, "user": "kim", "user_group": "guest"},
                              config={"GROUP_HISTORY_TABLES": 0}):
        assert context.now() == 1768478400
        assert context.local_tz_name() == "America/New_York"
        assert context.get_session_user_id() == "42"
        assert context.get_session_user() == "kim"
        assert context.allow_session_user(42) and not context.allow_session_user(7)
        assert context.config("GROUP_HISTORY_TABLES") == 0
        rows = context.friendly_name_to_username([{"friendly_name": "Someone"}])
        assert rows == [{"friendly_name": "kim"}]
    assert context.get_session_user_id() is None
    assert context.config("GROUP_HISTORY_TABLES") == 1


def test_context_is_copied_into_threads_only_explicitly() -> None:
    import contextvars

    seen = {}
    with context.call_context(now=100, session={"user_id": 5, "user": "a", "user_group": "guest"}):
        ctx = contextvars.copy_context()
        thread = threading.Thread(target=lambda: ctx.run(lambda: seen.update(now=context.now(),
                                                                             guest=context.get_session_user_id())))
        thread.start()
        thread.join()
    assert seen == {"now": 100, "guest": "5"}


def test_admin_session_and_non_guest_groups() -> None:
    with context.call_context(session={"user_id": 5, "user": "a", "user_group": "admin"}):
        assert context.get_session_user_id() is None


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone"), context.call_context(tz="Nowhere/Land"):
        pass


def test_localtime_follows_the_zone_across_dst() -> None:
    # 2025-03-09 07:30 UTC is 03:30 EDT (after the spring-forward jump); 06:30 UTC is 01:30 EST.
    assert tz_strftime("%Y-%m-%d %H", 1741505400, "America/New_York") == "2025-03-09 03"
    assert tz_strftime("%Y-%m-%d %H", 1741501800, "America/New_York") == "2025-03-09 01"
    assert tz_strftime("%Y-%m-%d", 1768478400, "UTC") == "2026-01-15"
    assert tz_strftime("%w", 1768478400, "UTC") == "4"
    assert tz_strftime("%Y", None, "UTC") is None
    assert tz_strftime("%Y", "", "UTC") is None


def test_localtime_matches_sqlite_in_utc() -> None:
    conn = sqlite3.connect(":memory:")
    for epoch in (0, 86399, 1768478400, 1741505400):
        expected = conn.execute("SELECT strftime('%Y-%m-%d %H:%M:%S', ?, 'unixepoch')", [epoch]).fetchone()[0]
        assert tz_strftime("%Y-%m-%d %H:%M:%S", epoch, "UTC") == expected


def test_recorded_plex_serves_only_recorded_paths() -> None:
    plex = RecordedPlex([{"url": "https://plex.tv/users/account", "status": 404, "body": ""}])
    assert plex.get("/users/account").status == 404
    with pytest.raises(PlexUnavailableError):
        plex.get("/api/users")
    with pytest.raises(PlexUnavailableError):
        context.plex().get("/anything")
