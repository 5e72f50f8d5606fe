"""Tautulli's ``refresh_users``: plex.tv's users stored on both paths, from recorded plex.tv answers."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from plexpy import bootstrap, config, context, runtime, users
from plexpy.plex import RecordedPlex
from shim.observation import Outcome
from shim.testing import RecordingPublisher

NOW = 1768478400
SERVER = "srv-test"
OWNER = ('<user id="1111" username="owner" title="owner" thumb="https://plex.tv/users/o/avatar" '
         'email="owner@example.com" home="1" restricted="0" authToken="tok-owner"/>')
FRIENDS = ('<MediaContainer>'
           '<User id="3722597" username="friend" title="Friend Title" thumb="https://plex.tv/users/f/avatar" '
           'email="friend@example.com" home="0" allowSync="1" restricted="0" filterAll="" filterMovies="label=x"/>'
           '<User id="555" username="" title="Managed Kid" thumb="https://plex.tv/users/k/avatar" '
           'email="" home="1" allowSync="0" restricted="1"/>'
           '</MediaContainer>')
SHARED = ('<MediaContainer><SharedServer userID="3722597" accessToken="tok-friend">'
          '<Section key="1" shared="1"/><Section key="2" shared="0"/><Section key="3" shared="1"/>'
          '</SharedServer></MediaContainer>')


def plextv(owner: str = OWNER) -> RecordedPlex:
    return RecordedPlex([
        {"url": "https://plex.tv/users/account", "status": 200, "body": owner},
        {"url": "https://plex.tv/api/users", "status": 200, "body": FRIENDS},
        {"url": f"https://plex.tv/api/servers/{SERVER}/shared_servers", "status": 200, "body": SHARED},
    ])


@pytest.fixture
def install(sample_db: Path, tmp_path: Path) -> Iterator[Callable[..., RecordingPublisher]]:
    with ExitStack() as stack:

        def make(mode: str, *, plex: RecordedPlex | None = None, server: str = SERVER) -> RecordingPublisher:
            settings = config.load(None, environ={}, overrides={
                "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "timezone": "UTC",
                "backends": {"default": mode}, "report_dir": str(tmp_path / "reports")})
            recorder = RecordingPublisher()
            rt = bootstrap.build(settings, router=bootstrap.build_router(settings, publishers=[recorder]))
            stack.callback(rt.close)
            stack.enter_context(runtime.use(rt))
            stack.enter_context(context.call_context(now=NOW, tz="UTC", plex=plex,
                                                     config={"PMS_IDENTIFIER": server}))
            return recorder

        yield make


def user_rows(db: Path) -> dict[int, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {row["user_id"]: dict(row) for row in conn.execute("SELECT * FROM users")}
    finally:
        conn.close()


def section_ids(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        ids = conn.execute("SELECT section_id FROM library_sections WHERE deleted_section = 0 ORDER BY rowid")
        return ";".join(str(r[0]) for r in ids)
    finally:
        conn.close()


@pytest.mark.parametrize("mode", ["legacy", "sqlalchemy"])
def test_the_refresh_stores_plex_tv_users_as_tautulli_does(install, sample_db: Path, mode: str) -> None:
    before = user_rows(sample_db)
    assert 3722597 in before and 1111 not in before and 555 not in before
    install(mode, plex=plextv())
    assert users.refresh_users() is True
    after = user_rows(sample_db)
    owner, friend, kid = after[1111], after[3722597], after[555]
    # the owner: an admin with the server token, every library shared, title equal to the user name dropped
    assert (owner["is_admin"], owner["is_active"], owner["server_token"]) == (1, 1, "tok-owner")
    assert owner["shared_libraries"] == section_ids(sample_db)
    assert owner["title"] is None and owner["custom_avatar_url"] == "https://plex.tv/users/o/avatar"
    assert owner["is_home_user"] == 1  # '1' from the XML, stored with INTEGER affinity
    # an existing friend: updated in place, only the shared sections
    assert friend["id"] == before[3722597]["id"]
    assert (friend["shared_libraries"], friend["server_token"], friend["is_active"]) == ("1;3", "tok-friend", 1)
    assert friend["title"] == "Friend Title" and friend["filter_movies"] == "label=x"
    # a managed user: no user name (the title stands in), nothing shared, so inactive
    assert (kid["username"], kid["title"], kid["is_active"]) == ("Managed Kid", "Managed Kid", 0)
    # everyone else not shared with is now inactive; nobody was removed
    others = [uid for uid in before if uid not in (0, 3722597)]
    assert others and all(after[uid]["is_active"] == 0 for uid in others)
    assert set(before) <= set(after)


def test_a_custom_avatar_is_kept(install, sample_db: Path) -> None:
    conn = sqlite3.connect(sample_db)
    with conn:
        conn.execute("UPDATE users SET thumb = 'old', custom_avatar_url = 'mine' WHERE user_id = 3722597")
    conn.close()
    install("legacy", plex=plextv())
    assert users.refresh_users() is True
    friend = user_rows(sample_db)[3722597]
    assert (friend["thumb"], friend["custom_avatar_url"]) == ("https://plex.tv/users/f/avatar", "mine")


@pytest.mark.parametrize("mode", ["shadow", "reverse-shadow"])
def test_the_refresh_is_verified_in_shadow(install, mode: str) -> None:
    recorder = install(mode, plex=plextv())
    assert users.refresh_users() is True
    event = next(e for e in recorder.events if e.operation == "store_refreshed_users")
    assert event.outcome is Outcome.MATCH, event.difference
    assert event.verification == "transaction"
    assert event.changes["answering"]["tables"]["users"] > 3


@pytest.mark.parametrize(("server", "expected"), [(SERVER, False), ("", None)])
def test_offline_or_without_a_server_nothing_changes(install, sample_db: Path, server: str, expected) -> None:
    before = user_rows(sample_db)
    install("sqlalchemy", server=server)  # no recorded answers: plex.tv is unreachable
    assert users.refresh_users() is expected
    assert user_rows(sample_db) == before
