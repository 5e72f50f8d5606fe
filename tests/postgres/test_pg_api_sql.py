"""Tautulli's raw SQL API (``plexpy.database.MonitorDatabase``) on PostgreSQL: ``?`` arguments, SQLite-only SQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plexpy import bootstrap, config, runtime
from plexpy.database import MonitorDatabase
from plexpy.db.errors import QueryRefusedError, TautulliDBError
from plexpy.domains.api_sql.guard import sqlite_only

pytestmark = pytest.mark.postgresql


@pytest.fixture
def on_postgresql(pg_sample: str, tmp_path: Path) -> Iterator[None]:
    """A runtime whose sqlalchemy twins answer on a PostgreSQL copy of the sample."""
    settings = config.load(None, environ={}, overrides={
        "db_url": pg_sample, "data_dir": str(tmp_path), "backends": {"default": "sqlalchemy"},
    })
    rt = bootstrap.build(settings)
    with runtime.use(rt):
        yield
    rt.close()


@pytest.mark.parametrize("arg", [3308933, "3308933", " 3308933 ", 3308933.0, True])
def test_question_mark_arguments_meet_dynamic_columns(on_postgresql: None, arg: object) -> None:
    row = MonitorDatabase().select_single("SELECT user_id, username FROM users WHERE user_id = ?", [arg])
    if arg is True:
        assert row == {}  # SQLite binds True as 1: no user has id 1
    else:
        assert row == {"user_id": 3308933, "username": "aoifepike10"}


def test_question_mark_arguments_meet_bigint_and_text(on_postgresql: None) -> None:
    rows = MonitorDatabase().select(
        "SELECT id, media_type FROM session_history WHERE started > ? AND media_type = ? ORDER BY id LIMIT ?",
        [0, "movie", 2],
    )
    assert len(rows) == 2 and all(r["media_type"] == "movie" for r in rows)
    assert rows[0]["id"] < rows[1]["id"]


@pytest.mark.parametrize("query", [
    "PRAGMA table_info(session_history)",
    "SELECT name FROM sqlite_master WHERE type = 'table'",
    "select * from pragma_table_info('users')",
    "SELECT seq FROM sqlite_sequence",
])
def test_sqlite_only_sql_raises_a_clear_error(on_postgresql: None, query: str) -> None:
    with pytest.raises(TautulliDBError, match="not available on postgresql"):
        MonitorDatabase().select(query)


def test_writes_are_still_refused(on_postgresql: None) -> None:
    with pytest.raises(QueryRefusedError):
        MonitorDatabase().select("DELETE FROM users")
    assert MonitorDatabase().select_single("SELECT count(*) AS n FROM users")["n"] > 0


@pytest.mark.parametrize(("query", "reason"), [
    ("select 'sqlite_master' as name", None),
    ("select 1 -- sqlite_master", None),
    ("SELECT * FROM users", None),
    ("  pragma user_version", "PRAGMA"),
    ("select * from SQLITE_SCHEMA", "sqlite_schema"),
])
def test_sqlite_only_reads_code_not_strings(query: str, reason: str | None) -> None:
    found = sqlite_only(query)
    assert (found is None) if reason is None else (reason.lower() in (found or "").lower())


def test_tautulli_db_url_selects_postgresql_in_the_runtime(pg_sample: str, tmp_path: Path) -> None:
    settings = config.load(None, environ={
        "TAUTULLI_DB_URL": pg_sample, "TAUTULLI_DB_BACKEND_DEFAULT": "sqlalchemy", "TAUTULLI_DATA_DIR": str(tmp_path),
    })
    rt = bootstrap.build(settings)
    try:
        assert rt.engine.dialect.name == "postgresql" and rt.executor is None  # no legacy twin without SQLite
        with runtime.use(rt):
            row = MonitorDatabase().select_single("SELECT count(*) AS n FROM session_history WHERE user_id = ?",
                                                  ["3308933"])
    finally:
        rt.close()
    assert row["n"] > 0
