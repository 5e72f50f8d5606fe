"""The raw SQL API on both paths: reads work, and a hostile list changes nothing and is refused."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from plexpy import runtime
from plexpy.database import MonitorDatabase
from plexpy.db.errors import QueryRefusedError, QueryTimeoutError, TautulliDBError
from plexpy.domains.api_sql import guard
from shim import deadline

#: Statements that must never change anything; each is refused before or while it is prepared.
HOSTILE = [
    "DELETE FROM users",
    "UPDATE users SET username = 'x'",
    "INSERT INTO users (user_id, username) VALUES (5, 'x')",
    "REPLACE INTO users (id) VALUES (1)",
    "DROP TABLE users",
    "CREATE TABLE evil (a)",
    "CREATE TEMP TRIGGER t AFTER INSERT ON users BEGIN DELETE FROM users; END",
    "ALTER TABLE users ADD COLUMN x",
    "ATTACH DATABASE '{tmp}/evil.db' AS evil",
    "DETACH DATABASE main",
    "PRAGMA writable_schema = 1",
    "PRAGMA writable_schema = ON",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA user_version = 7",
    "PRAGMA query_only = 0",
    "PRAGMA optimize",
    "SELECT load_extension('{tmp}/evil.so')",
    "SELECT 1; DELETE FROM users",
    "SELECT 1;DELETE FROM users;",
    "SELECT 1 /* a comment; */ ; DELETE FROM users",
    "SELECT 1 -- a comment\n; DELETE FROM users",
    "/* DELETE */ DELETE FROM users",
    "-- SELECT\nDELETE FROM users",
    "SELECT ';' ; DELETE FROM users",
    'SELECT "a;b" FROM users; DELETE FROM users',
    "SELECT a$b$ FROM users; DELETE FROM users; $b$",
    "WITH gone AS (SELECT 1) DELETE FROM users",
    "EXPLAIN DELETE FROM users",
    "VACUUM",
    "VACUUM INTO '{tmp}/copy.db'",
    "REINDEX",
    "ANALYZE",
    "BEGIN",
    "COMMIT",
    "SAVEPOINT s",
]


def snapshot(db: Path) -> tuple:
    """Every table's rows, the schema and the header pragmas, read on a connection of our own."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        rows = {name: sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"')))
                for _, name, _ in schema if _ == "table"}
        pragmas = [conn.execute(f"PRAGMA {p}").fetchone() for p in
                   ("user_version", "application_id", "journal_mode", "schema_version")]
        return schema, rows, pragmas
    finally:
        conn.close()


def test_hostile_sql_changes_nothing(facade_mode: str, sample_db: Path, tmp_path: Path) -> None:
    before, files = snapshot(sample_db), sorted(p.name for p in tmp_path.iterdir())
    db = MonitorDatabase()
    for statement in HOSTILE:
        query = statement.replace("{tmp}", str(tmp_path))
        with pytest.raises(QueryRefusedError):
            db.select(query)
        with pytest.raises(QueryRefusedError):
            db.select_single(query)
    assert snapshot(sample_db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # nothing attached, vacuumed into or written
    assert db.select("SELECT COUNT(*) AS n FROM users") == [{"n": 61}]
    rt = runtime.current()
    if rt.executor is not None:
        assert rt.executor.connection().execute("PRAGMA query_only").fetchone() == (0,)
    with rt.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA query_only").scalar_one() == 0


def test_refusals_give_a_reason(facade_mode: str) -> None:
    db = MonitorDatabase()
    with pytest.raises(QueryRefusedError, match="only one statement"):
        db.select("SELECT 1; SELECT 2")
    with pytest.raises(QueryRefusedError, match="DELETE is not a read-only statement"):
        db.select("delete from users")
    with pytest.raises(QueryRefusedError, match="PRAGMA writable_schema may change"):
        db.select("PRAGMA writable_schema=1")
    with pytest.raises(QueryRefusedError, match="load_extension is not allowed"):
        db.select("SELECT load_extension('x')")
    with pytest.raises(QueryRefusedError, match="would change the database"):
        db.select("WITH x AS (SELECT 1) UPDATE users SET do_notify = 0")


def test_reads_with_placeholders_and_sqlite_results(facade_mode: str) -> None:
    db = MonitorDatabase()
    assert db.select("SELECT username FROM users WHERE user_id = ?", ["3308933"]) == [{"username": "aoifepike10"}]
    assert db.select_single("SELECT ?2 AS b, ?1 AS a, ? AS c", [1, 2, 3]) == {"b": 2, "a": 1, "c": 3}
    assert db.select_single("SELECT ':x' AS c, '?' AS q, 'a::b' AS d, ? AS p", ["v"]) == {
        "c": ":x", "q": "?", "d": "a::b", "p": "v"}
    assert db.select_single("SELECT 1 AS x, 2 AS x") == {"x": 2}  # a repeated name keeps the last value
    assert db.select("SELECT * FROM users WHERE 0") == []
    assert db.select_single("SELECT * FROM users WHERE 0") == {}
    assert db.select("  -- nothing to run\n") == [] and db.select_single(";") == {}
    assert db.select("PRAGMA table_info(version_info)")[0]["name"] == "key"
    assert db.select_single("PRAGMA integrity_check") == {"integrity_check": "ok"}
    assert db.select("SELECT COUNT(*) AS n FROM session_history WHERE user_id = ?", [3308933]) == [{"n": 460}]


def test_argument_errors(facade_mode: str) -> None:
    db = MonitorDatabase()
    with pytest.raises(TautulliDBError, match="1 placeholder"):
        db.select("SELECT ? AS a")
    with pytest.raises(TautulliDBError, match="named arguments"):
        db.select("SELECT :a AS a", {"a": 1})
    with pytest.raises(TautulliDBError):
        db.select("SELECT nope FROM nowhere")
    with pytest.raises(AttributeError):
        db.select(None)


def test_a_runaway_statement_is_stopped(facade_mode: str) -> None:
    started = time.monotonic()
    with deadline.within(0.3), pytest.raises(QueryTimeoutError):
        MonitorDatabase().select("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                 "SELECT COUNT(*) FROM c")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(("query", "statements"), [
    ("SELECT 1", 1), ("SELECT 1;", 1), ("  ;; ", 0), ("SELECT ';'", 1), ("SELECT 1; SELECT 2", 2),
    ("SELECT $$;$$", 1), ("SELECT $tag$ ; $tag$", 1), ("SELECT a$b$; SELECT 1; $b$", 3),
    ("SELECT [a;b]", 1), ("SELECT `a;b`", 1), ('SELECT "a"";b"', 1), ("SELECT 'it''s; fine'", 1),
    ("SELECT 1 /* ; */", 1), ("SELECT 1 -- ;", 1), ("SELECT E'\\'; DELETE FROM t; --'", 3),
])
def test_statement_counting(query: str, statements: int) -> None:
    if statements > 1:
        with pytest.raises(QueryRefusedError, match="only one statement"):
            guard.check_query(query)
    else:
        assert guard.check_query(query).empty is (statements == 0)


def test_placeholders_become_named_binds() -> None:
    checked = guard.check_query("SELECT ?, '?:x', ?3, ?", [1, 2, 3, 4])
    assert checked.named_sql == "SELECT  :p1 , '?\\:x',  :p3 ,  :p4 "
    assert dict(checked.named_args) == {"p1": 1, "p3": 3, "p4": 4}
    with pytest.raises(QueryRefusedError):
        guard.check_query("SELECT ?0", [1])


@pytest.mark.parametrize(("name", "argument", "allowed"), [
    ("table_info", "users", True), ("integrity_check", None, True), ("page_count", None, True),
    ("journal_mode", None, True), ("journal_mode", "DELETE", False), ("writable_schema", "1", False),
    ("optimize", None, False), ("wal_checkpoint", None, False), ("cache_size", "5", False),
])
def test_pragma_rules(name: str, argument: str | None, allowed: bool) -> None:
    assert guard.pragma_allowed(name, argument) is allowed


def test_a_statement_streaming_rows_forever_is_stopped(facade_mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "TIME_LIMIT_SECONDS", 0.5)
    monkeypatch.setattr(guard, "MAX_ROWS", 10**9)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError):
        MonitorDatabase().select("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c")
    assert time.monotonic() - started < 10


def test_a_huge_result_is_refused(facade_mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "MAX_ROWS", 100)
    assert len(MonitorDatabase().select("SELECT id FROM session_history LIMIT 100")) == 100
    with pytest.raises(QueryRefusedError, match="more than 100 rows"):
        MonitorDatabase().select("SELECT id FROM session_history")
