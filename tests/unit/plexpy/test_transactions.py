"""Write transactions on both executors: all or nothing, rollback scopes, bounded waits for the lock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from plexpy.db import engine as engine_mod
from plexpy.db.engine import build_engine, connect, transaction
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import metadata, users
from plexpy.db.sqlite_executor import SqliteExecutor


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    eng = build_engine(f"sqlite:///{path}")
    metadata.create_all(eng, tables=[users])
    eng.dispose()
    return path


def names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT username FROM users ORDER BY id")]
    finally:
        conn.close()


def test_executor_transaction_is_all_or_nothing(db_file: Path) -> None:
    db = SqliteExecutor(db_file)
    with db.transaction():
        db.action("INSERT INTO users (user_id, username) VALUES (1, 'a')")
        db.action("INSERT INTO users (user_id, username) VALUES (2, 'b')")
    assert names(db_file) == ["a", "b"]
    with pytest.raises(TautulliDBError), db.transaction():
        db.action("INSERT INTO users (user_id, username) VALUES (3, 'c')")
        db.action("INSERT INTO users (user_id, username) VALUES (1, 'duplicate id')")
    assert names(db_file) == ["a", "b"]
    with db.transaction(rollback=True):
        db.action("DELETE FROM users")
        assert db.select("SELECT COUNT(*) AS n FROM users") == [{"n": 0}]
    assert names(db_file) == ["a", "b"]
    with db.transaction():
        db.action("INSERT INTO users (user_id, username) VALUES (4, 'd')")
        with db.transaction(rollback=True):
            db.action("INSERT INTO users (user_id, username) VALUES (5, 'e')")
    assert names(db_file) == ["a", "b", "d"]
    db.close()


def test_last_insert_id_is_per_statement_and_zero_after_an_update(db_file: Path) -> None:
    db = SqliteExecutor(db_file)
    db.action("INSERT INTO users (user_id, username) VALUES (9, 'x')")
    assert db.last_insert_id() == 1
    assert db.upsert("users", {"username": "y"}, {"user_id": 9}) == "update"
    assert db.last_insert_id() == 0
    assert db.upsert("users", {"username": "z"}, {"user_id": 10}) == "insert"
    assert db.last_insert_id() == 2
    db.close()


def test_engine_transaction_pins_one_connection(db_file: Path) -> None:
    eng = build_engine(f"sqlite:///{db_file}")
    with transaction(eng):
        with connect(eng) as conn:
            conn.execute(insert(users).values(user_id=1, username="a"))
        with connect(eng) as conn:
            conn.execute(insert(users).values(user_id=2, username="b"))
    assert names(db_file) == ["a", "b"]
    with pytest.raises(TautulliDBError), transaction(eng), connect(eng) as conn:
        conn.execute(insert(users).values(user_id=3, username="c"))
        conn.execute(insert(users).values(user_id=1, username="dup"))
    assert names(db_file) == ["a", "b"]
    with transaction(eng, rollback=True), connect(eng) as conn:
        conn.execute(update(users).values(username="changed"))
        assert conn.execute(select(users.c.username)).scalars().all() == ["changed", "changed"]
    assert names(db_file) == ["a", "b"]
    with transaction(eng):
        with connect(eng) as conn:
            conn.execute(insert(users).values(user_id=4, username="d"))
        with transaction(eng, rollback=True), connect(eng) as conn:
            conn.execute(insert(users).values(user_id=5, username="e"))
    assert names(db_file) == ["a", "b", "d"]
    eng.dispose()


def test_a_held_write_lock_ends_in_an_error_not_a_lost_write(db_file: Path, monkeypatch) -> None:
    holder = sqlite3.connect(db_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr("plexpy.db.retry.ATTEMPTS", 2)
    db = SqliteExecutor(db_file, busy_timeout=0.05)
    eng = build_engine(f"sqlite:///{db_file}", busy_timeout=0.05)
    try:
        with pytest.raises(TautulliDBError, match="locked"):
            db.action("INSERT INTO users (user_id, username) VALUES (1, 'a')")
        with pytest.raises(TautulliDBError, match="locked"), transaction(eng):
            pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    db.action("INSERT INTO users (user_id, username) VALUES (1, 'a')")
    assert names(db_file) == ["a"]
    db.close()
    eng.dispose()
    assert engine_mod._pinned.get() is None


def test_an_int_the_driver_cannot_bind_is_a_database_error_on_both_paths(db_file: Path) -> None:
    """sqlite3 raises a bare OverflowError for ints beyond 64 bits; callers catch TautulliDBError."""
    too_big = 2**63
    executor = SqliteExecutor(db_file)
    with pytest.raises(TautulliDBError) as legacy:
        executor.select("SELECT * FROM users WHERE user_id = ?", [too_big])
    assert isinstance(legacy.value.__cause__, OverflowError)
    with pytest.raises(TautulliDBError):
        executor.action("UPDATE users SET username = 'x' WHERE user_id = ?", [too_big])

    engine = build_engine(f"sqlite:///{db_file}")
    with pytest.raises(TautulliDBError) as sqla, connect(engine, "test") as conn:
        conn.execute(select(users.c.id).where(users.c.user_id == too_big)).all()
    assert isinstance(sqla.value.__cause__, OverflowError)
    # the next statement on the same engine works
    with connect(engine, "test") as conn:
        assert conn.execute(select(users.c.id).where(users.c.user_id == 2**63 - 1)).all() == []
    engine.dispose()
