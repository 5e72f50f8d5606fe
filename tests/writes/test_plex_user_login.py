"""Tautulli's ``webauth.plex_user_login``: who the plex.tv token is, and its server token stored on both paths."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from plexpy import bootstrap, config, context, runtime, webauth
from plexpy.plex import RecordedPlex
from shim.observation import Outcome
from shim.testing import RecordingPublisher

NOW = 1768478400
SERVER = "srv-test"
GUEST = 3722597
USER_TOKEN = "user-token"  # what plex.tv handed the browser (never checked offline)
ADMIN = 10781001


def plextv(user_id: int) -> RecordedPlex:
    return RecordedPlex([
        {"url": "https://plex.tv/users/account", "status": 200,
         "body": f'<user id="{user_id}" username="someone" authToken="user-token"/>'},
        {"url": "https://plex.tv/api/resources", "status": 200,
         "body": ('<MediaContainer><Device clientIdentifier="other" provides="server" accessToken="wrong"/>'
                  f'<Device clientIdentifier="{SERVER}" provides="server,client" accessToken="srv-token"/>'
                  '</MediaContainer>')},
    ])


@pytest.fixture
def install(sample_db: Path, tmp_path: Path) -> Iterator[Callable[..., RecordingPublisher]]:
    conn = sqlite3.connect(sample_db)
    with conn:
        conn.execute("UPDATE users SET allow_guest = 1 WHERE user_id = ?", [GUEST])
    conn.close()
    with ExitStack() as stack:

        def make(mode: str, user_id: int, **overlay: Any) -> RecordingPublisher:
            settings = config.load(None, environ={}, overrides={
                "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "timezone": "UTC",
                "backends": {"default": mode}, "report_dir": str(tmp_path / "reports")})
            recorder = RecordingPublisher()
            rt = bootstrap.build(settings, router=bootstrap.build_router(settings, publishers=[recorder]))
            stack.callback(rt.close)
            stack.enter_context(runtime.use(rt))
            stack.enter_context(context.call_context(now=NOW, tz="UTC", plex=plextv(user_id), config={
                "PMS_IDENTIFIER": SERVER, "ALLOW_GUEST_ACCESS": 1, **overlay}))
            return recorder

        yield make


def server_token(db: Path, user_id: int) -> Any:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT server_token FROM users WHERE user_id = ?", [user_id]).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("mode", ["legacy", "sqlalchemy"])
def test_a_guest_logs_in_and_its_server_token_is_stored(install, sample_db: Path, mode: str) -> None:
    install(mode, GUEST)
    details, group = webauth.plex_user_login(token=USER_TOKEN)
    assert (details["user_id"], group) == (GUEST, "guest")
    assert server_token(sample_db, GUEST) == "srv-token"


def test_the_login_is_verified_in_shadow(install, sample_db: Path) -> None:
    recorder = install("shadow", GUEST)
    assert webauth.plex_user_login(token=USER_TOKEN)[1] == "guest"
    event = next(e for e in recorder.events if e.operation == "set_server_token")
    assert event.outcome is Outcome.MATCH, event.difference
    assert event.verification == "transaction"
    assert server_token(sample_db, GUEST) == "srv-token"


def test_the_admin_logs_in_without_a_write(install, sample_db: Path) -> None:
    before = server_token(sample_db, ADMIN)
    install("legacy", ADMIN)
    details, group = webauth.plex_user_login(token=USER_TOKEN)
    assert (details["user_id"], group) == (ADMIN, "admin")
    assert server_token(sample_db, ADMIN) == before


@pytest.mark.parametrize(("user_id", "overlay"), [
    (GUEST, {"ALLOW_GUEST_ACCESS": 0}),  # guests are not allowed
    (99999999, {}),  # not a user of this server
    (10493885, {}),  # a deleted user
])
def test_a_refused_login_changes_nothing(install, sample_db: Path, user_id: int, overlay: dict) -> None:
    before = server_token(sample_db, GUEST)
    install("sqlalchemy", user_id, **overlay)
    assert webauth.plex_user_login(token=USER_TOKEN) is None
    assert server_token(sample_db, GUEST) == before


def test_no_token_is_no_login(install) -> None:
    install("legacy", GUEST)
    assert webauth.plex_user_login() is None
