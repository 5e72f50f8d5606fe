"""Users writes on both paths: the recorded steps' effects, atomicity, and identical resulting rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from plexpy.db.engine import build_engine
from plexpy.db.state import dump_state
from plexpy.users import Users

HISTORY = ("session_history", "session_history_media_info", "session_history_metadata")


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_set_config_stores_null_for_a_friendly_name_equal_to_the_username(facade_mode: str, sample_db: Path) -> None:
    Users().set_config(user_id=3308933, friendly_name="aoifepike10", custom_thumb="", do_notify=1)
    Users().set_config(user_id="3722597", friendly_name="Renamed ✓", custom_thumb="https://x/a.png", do_notify=0)
    Users().set_config(user_id="not-a-number", friendly_name="x")
    assert rows(sample_db, "SELECT friendly_name FROM users WHERE user_id = 3308933") == [(None,)]
    assert rows(sample_db, "SELECT friendly_name, custom_avatar_url, do_notify FROM users WHERE user_id = 3722597") \
        == [("Renamed ✓", "https://x/a.png", 0)]
    assert rows(sample_db, "SELECT COUNT(*) FROM users WHERE friendly_name = 'x'") == [(0,)]


def test_delete_purges_three_tables_then_marks_the_user(facade_mode: str, sample_db: Path) -> None:
    before = rows(sample_db, "SELECT COUNT(*) FROM session_history WHERE user_id = 1078106")[0][0]
    assert before > 0
    assert Users().delete(user_id=1078106) is True
    for table in HISTORY:
        assert rows(sample_db, f"SELECT COUNT(*) FROM {table} WHERE id NOT IN (SELECT id FROM session_history)"
                    ) == [(0,)] or table == "session_history"
    assert rows(sample_db, "SELECT COUNT(*) FROM session_history WHERE user_id = 1078106") == [(0,)]
    assert rows(sample_db, "SELECT deleted_user, keep_history, do_notify FROM users WHERE user_id = 1078106") \
        == [(1, 0, 0)]
    assert Users().undelete(user_id=1078106) is True
    assert rows(sample_db, "SELECT deleted_user, keep_history, do_notify FROM users WHERE user_id = 1078106") \
        == [(0, 1, 1)]
    assert Users().undelete(username="nobody-at-all") is False
    assert Users().delete(user_id="abc") is False


def test_purge_only_by_row_ids_keeps_the_users(facade_mode: str, sample_db: Path) -> None:
    assert Users().delete(row_ids="12,57,abc", purge_only=True) is True
    assert rows(sample_db, "SELECT deleted_user FROM users WHERE id IN (12, 57)") == [(0,), (0,)]


def test_a_failing_purge_leaves_every_history_table_intact(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("CREATE TRIGGER refuse BEFORE DELETE ON session_history_metadata BEGIN SELECT RAISE(ABORT, 'no'); END")
    counts = [rows(sample_db, f"SELECT COUNT(*) FROM {t}")[0][0] for t in HISTORY]
    result = Users().delete(user_id=1078106)
    assert result is False
    assert [rows(sample_db, f"SELECT COUNT(*) FROM {t}")[0][0] for t in HISTORY] == counts
    assert rows(sample_db, "SELECT deleted_user FROM users WHERE user_id = 1078106") == [(1,)]


@pytest.fixture
def both_outcomes(tmp_path: Path, sample_db: Path):
    from plexpy import bootstrap, config, context, runtime

    def run(mode: str) -> dict:
        db = tmp_path / f"{mode}.db"
        db.write_bytes(sample_db.read_bytes())
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "backends": {"default": mode}})
        rt = bootstrap.build(settings)
        with runtime.use(rt), context.call_context(now=1768478400, tz="UTC"):
            users = Users()
            users.set_config(user_id=3722597, friendly_name="F", custom_thumb="t", do_notify=0)
            users.delete(user_id=1078106)
            users.delete(row_ids="12,57", purge_only=True)
            users.undelete(username="meiwolfe65")
        rt.close()
        engine = build_engine(f"sqlite:///{db}")
        state = dump_state(engine, ["users", *HISTORY, "sqlite_sequence"])
        engine.dispose()
        return state

    return run


def test_both_paths_leave_identical_rows(both_outcomes) -> None:
    assert both_outcomes("legacy") == both_outcomes("sqlalchemy")
