"""Shadow writes on one SQLite file: verified through a rolled-back trial, applied once, mismatches found."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from plexpy import bootstrap, config, context, runtime
from plexpy.domains.users import sqla as users_sqla
from plexpy.users import Users
from shim.observation import Outcome
from shim.testing import RecordingPublisher


@pytest.fixture
def shadow(sample_db: Path, tmp_path: Path):
    made = []

    def make(mode: str = "shadow") -> RecordingPublisher:
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "backends": {"default": mode},
            "report_dir": str(tmp_path / "reports")})
        recorder = RecordingPublisher()
        router = bootstrap.build_router(settings, publishers=[recorder])
        rt = bootstrap.build(settings, router=router)
        made.append(runtime.use(rt))
        made[-1].__enter__()
        made.append(rt)
        return recorder

    with context.call_context(now=1768478400, tz="UTC"):
        yield make
    for item in reversed(made):
        if hasattr(item, "__exit__"):
            item.__exit__(None, None, None)
        else:
            item.close()


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("mode", ["shadow", "reverse-shadow"])
def test_writes_are_verified_and_applied_once(shadow, sample_db: Path, mode: str) -> None:
    recorder = shadow(mode)
    history_before = count(sample_db, "SELECT COUNT(*) FROM session_history")
    sequence_before = count(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'users'")
    users = Users()
    users.set_config(user_id=3722597, friendly_name="Once", custom_thumb="", do_notify=0)
    assert users.delete(user_id=1078106) is True
    assert users.undelete(username="meiwolfe65") is True
    writes = [e for e in recorder.events if e.operation in ("set_config", "delete", "undelete")]
    assert [e.outcome for e in writes] == [Outcome.MATCH] * 3, [e.difference for e in writes]
    assert all(e.verification == "transaction" for e in writes)
    assert writes[1].changes["answering"]["rows"] > 100  # the purge touched three history tables
    user_rows = count(sample_db, "SELECT COUNT(*) FROM session_history WHERE user_id = 1078106")
    assert user_rows == 0
    assert count(sample_db, "SELECT COUNT(*) FROM session_history") < history_before
    assert count(sample_db, "SELECT COUNT(*) FROM users WHERE friendly_name = 'Once'") == 1
    assert count(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'users'") == sequence_before


def test_a_write_that_differs_is_a_mismatch_and_only_the_answer_is_kept(shadow, sample_db: Path,
                                                                         monkeypatch) -> None:
    recorder = shadow("shadow")
    original = users_sqla.upsert

    def drifting(conn, table, values, keys):
        return original(conn, table, {**values, "do_notify": 7}, keys)

    monkeypatch.setattr(users_sqla, "upsert", drifting)  # only the SQLAlchemy twin's write drifts
    Users().set_config(user_id=3722597, friendly_name="Legacy wins", custom_thumb="", do_notify=0)
    event = next(e for e in recorder.events if e.operation == "set_config")
    assert event.outcome is Outcome.MISMATCH
    assert event.difference.startswith("changes: users[rowid")
    assert "do_notify: 0 != 7" in event.difference
    assert count(sample_db, "SELECT do_notify FROM users WHERE user_id = 3722597") == 0


def test_a_failing_compared_write_leaves_only_the_answer(shadow, sample_db: Path, monkeypatch) -> None:
    recorder = shadow("shadow")

    def broken(self, **kwargs):
        raise RuntimeError("compared path exploded")

    monkeypatch.setattr(users_sqla.SqlaUsers, "undelete", broken)
    assert Users().undelete(username="meiwolfe65") is True
    event = next(e for e in recorder.events if e.operation == "undelete")
    assert event.outcome is Outcome.CANDIDATE_ERROR
    assert "compared path exploded" in event.compared_error
