"""Auth writes on both paths: login rows merged by second, token revocation, the log purge, atomicity."""

# ruff: noqa: S106 - the tokens here are test data, not secrets

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from plexpy import context
from plexpy.db.engine import build_engine
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.db.state import dump_state
from plexpy.domains.auth import legacy, sqla
from plexpy.users import Users
from shim.observation import Outcome

ANCHOR = 1768478400
LOGIN = "SELECT timestamp, user_id, typeof(user_id), user, success, expiry, jwt_token FROM user_login WHERE id > 67"


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_logins_of_one_second_and_user_merge(facade_mode: str, sample_db: Path) -> None:
    users = Users()
    assert users.set_user_login(user_id=5, user="a", ip_address="10.0.0.1", success=0) is None
    assert users.set_user_login(user_id="5", user="a", success=1, jwt_token="t1",
                                expiry=datetime(2026, 2, 14, 12, tzinfo=UTC)) is None
    users.set_user_login(user_id=6, user="b")
    users.set_user_login(user=None)  # no user id: NULL never matches, so each is a new row
    users.set_user_login(user="guess")
    users.set_user_login(user_id="abc", user="refused")
    with context.call_context(now=ANCHOR + 1):
        users.set_user_login(user_id=5, user="a later")
    assert rows(sample_db, LOGIN + " ORDER BY id") == [
        (ANCHOR, 5, "integer", "a", 1, "2026-02-14T12:00:00+00:00", "t1"),
        (ANCHOR, 6, "integer", "b", 0, None, None),
        (ANCHOR, None, "null", None, 0, None, None),
        (ANCHOR, None, "null", "guess", 0, None, None),
        (ANCHOR + 1, 5, "integer", "a later", 0, None, None),
    ]
    assert rows(sample_db, "SELECT ip_address FROM user_login WHERE id = 68") == [(None,)]  # merged: every value


def test_clear_tokens_by_token_or_row_ids(facade_mode: str, sample_db: Path) -> None:
    users = Users()
    token = rows(sample_db, "SELECT jwt_token FROM user_login WHERE id = 29")[0][0]
    assert users.clear_user_login_token(jwt_token=token) is True
    assert users.clear_user_login_token(row_ids="4,9,abc") is True
    assert rows(sample_db, "SELECT id FROM user_login WHERE id IN (4, 9, 29) AND jwt_token IS NULL") == [
        (4,), (9,), (29,)]
    tokens = rows(sample_db, "SELECT COUNT(jwt_token) FROM user_login")
    assert users.clear_user_login_token() is True
    assert users.clear_user_login_token(jwt_token="unknown") is True
    with pytest.raises(AttributeError):
        users.clear_user_login_token(row_ids=[30])
    assert rows(sample_db, "SELECT COUNT(jwt_token) FROM user_login") == tokens


def test_delete_login_log_empties_the_table_and_keeps_the_sequence(facade_mode: str, sample_db: Path) -> None:
    assert Users().delete_login_log() is True
    assert rows(sample_db, "SELECT COUNT(*) FROM user_login") == [(0,)]
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'user_login'") == [(67,)]
    Users().set_user_login(user_id=1, user="next")
    assert rows(sample_db, "SELECT id FROM user_login") == [(68,)]


def test_failures_answer_false_and_change_nothing(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("CREATE TRIGGER refuse_delete BEFORE DELETE ON user_login BEGIN SELECT RAISE(ABORT, 'no'); END")
    edit_db("CREATE TRIGGER refuse_update BEFORE UPDATE ON user_login BEGIN SELECT RAISE(ABORT, 'no'); END")
    before = rows(sample_db, "SELECT * FROM user_login")
    assert Users().delete_login_log() is False
    assert Users().clear_user_login_token(row_ids="4,9") is False
    assert Users().set_user_login(user_id=3, user="x") is None  # an insert: the triggers allow it
    assert Users().set_user_login(user_id=3, user="y") is None  # the same second: an update, refused and logged
    assert rows(sample_db, "SELECT * FROM user_login WHERE id <= 67") == before
    assert rows(sample_db, "SELECT user FROM user_login WHERE id > 67") == [("x",)]


@pytest.mark.parametrize("side", ["legacy", "sqla"])
def test_a_locked_database_raises_instead_of_answering_a_default(side: str, sample_db: Path, monkeypatch) -> None:
    monkeypatch.setattr("plexpy.db.retry.ATTEMPTS", 2)
    executor = SqliteExecutor(sample_db, busy_timeout=0.05)
    engine = build_engine(f"sqlite:///{sample_db}", busy_timeout=0.05)
    twin = legacy.TWIN(executor) if side == "legacy" else sqla.TWIN(engine)
    holder = sqlite3.connect(sample_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with context.call_context(now=ANCHOR, tz="UTC"):
            for write in (lambda: twin.set_user_login(user_id=1), lambda: twin.clear_user_login_token("t"),
                          twin.delete_login_log):
                with pytest.raises(TautulliDBError, match="locked"):
                    write()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        executor.close()
        engine.dispose()


def test_both_paths_leave_identical_rows(tmp_path: Path, sample_db: Path) -> None:
    from plexpy import bootstrap, config, runtime

    def run(mode: str) -> dict:
        db = tmp_path / f"{mode}.db"
        db.write_bytes(sample_db.read_bytes())
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "backends": {"default": mode}})
        rt = bootstrap.build(settings)
        with runtime.use(rt), context.call_context(now=ANCHOR, tz="UTC"):
            users = Users()
            users.set_user_login(user_id="3308933", user="u ✓", user_group="guest", success=True, jwt_token="j")
            users.set_user_login(user_id=3308933, user="again", expiry="2026-02-01T00:00:00")
            users.set_user_login(ip_address="203.0.113.9")
            users.clear_user_login_token(jwt_token="j")
            users.clear_user_login_token(row_ids="1,2,3")
        rt.close()
        engine = build_engine(f"sqlite:///{db}")
        state = dump_state(engine, ["user_login", "sqlite_sequence"])
        engine.dispose()
        return state

    legacy_state = run("legacy")
    assert legacy_state == run("sqlalchemy")
    assert legacy_state["user_login"]["rows"][-2][1:5] == [ANCHOR, 3308933, "again", None]


@pytest.mark.parametrize("mode", ["shadow", "reverse-shadow"])
def test_shadowed_writes_match_and_apply_once(shadowed, sample_db: Path, mode: str) -> None:
    recorder = shadowed(mode)
    users = Users()
    users.set_user_login(user_id=5, user="once")
    assert users.clear_user_login_token(row_ids="4") is True
    assert users.delete_login_log() is True
    assert [e.outcome for e in recorder.events] == [Outcome.MATCH] * 3, [e.difference for e in recorder.events]
    assert rows(sample_db, "SELECT COUNT(*) FROM user_login") == [(0,)]
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'user_login'") == [(68,)]


@pytest.mark.parametrize("backend", ["legacy", "sqlalchemy"])
def test_the_recorded_steps_pass(backend: str) -> None:
    from plexpy.commands.replay_writes import replay_writes

    sample = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
    result = replay_writes(sample / "writes.jsonl", sample / "tautulli.db", backend=backend)
    targets = ("plexpy.users:Users.set_user_login", "plexpy.users:Users.clear_user_login_token",
               "plexpy.users:Users.delete_login_log")
    ours = [s for s in result.steps if s.target in targets]
    assert len(ours) == 5, [s.id for s in ours]
    assert [f"{s.id}: {s.difference}" for s in ours if not s.passed] == []
