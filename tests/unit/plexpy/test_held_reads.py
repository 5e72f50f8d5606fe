"""Each thread's held SQLite connection (plexpy.db.held_reads) behind ``plexpy.db.engine.connect``."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, select, text

from plexpy.db import held_reads
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import build_engine, connect, transaction
from plexpy.db.errors import TautulliDBError

box = Table("box", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer))
_VALUE = select(box.c.n).where(box.c.id == bindparam("id"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "held.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE box (id INTEGER PRIMARY KEY, n INTEGER)")
        conn.execute("INSERT INTO box VALUES (1, 10)")
    conn.close()
    return path


@pytest.fixture
def engine(db: Path):
    built = build_engine(f"sqlite:///{db}")
    yield built
    built.dispose()


def _driver(conn) -> object:
    return conn.connection.dbapi_connection


def _read(engine) -> tuple[object, int]:
    with connect(engine, "test.read") as conn:
        return _driver(conn), fetch_dicts(conn, _VALUE, {"id": 1})[0]["n"]


def test_a_thread_reuses_its_connection_and_sees_every_commit(engine, db: Path) -> None:
    first, value = _read(engine)
    assert value == 10
    with sqlite3.connect(db) as other:  # a writer elsewhere: the idle held connection must not read stale data
        other.execute("UPDATE box SET n = 11 WHERE id = 1")
    other.close()
    second, value = _read(engine)
    assert second is first
    assert value == 11
    assert held_reads.held_count(engine) == 1
    assert engine.pool.checkedout() == 1


def test_a_read_nested_in_a_read_and_a_write_get_connections_of_their_own(engine) -> None:
    with connect(engine, "test.outer") as outer:
        with connect(engine, "test.inner") as inner:
            assert _driver(inner) is not _driver(outer)
        with transaction(engine, "test.write") as writer:
            assert _driver(writer) is not _driver(outer)
            writer.execute(box.update().values(n=12))
        assert fetch_dicts(outer, _VALUE, {"id": 1}) == [{"n": 12}]
    assert held_reads.held_count(engine) == 1


def test_a_failed_read_leaves_the_held_connection_usable(engine) -> None:
    held, _ = _read(engine)
    missing = Table("missing", MetaData(), Column("x", Integer))
    with pytest.raises(TautulliDBError), connect(engine, "test.fail") as conn:
        fetch_dicts(conn, select(missing.c.x))
    again, value = _read(engine)
    assert again is held and value == 10


def test_a_connection_left_inside_a_driver_transaction_is_given_back(engine, db: Path) -> None:
    held, _ = _read(engine)
    with connect(engine, "test.begin") as conn:
        driver = _driver(conn)
        driver.execute("BEGIN")  # type: ignore[attr-defined]  # behind SQLAlchemy's back: a read snapshot
        driver.execute("SELECT n FROM box").fetchall()  # type: ignore[attr-defined]
    assert held.in_transaction is False  # type: ignore[attr-defined]  # rolled back, as the pool resets it
    assert held_reads.held_count(engine) == 0
    with sqlite3.connect(db) as other:
        other.execute("UPDATE box SET n = 13 WHERE id = 1")
    other.close()
    assert _read(engine)[1] == 13  # no stale snapshot survives


def test_disposing_of_the_engine_closes_idle_held_connections(engine) -> None:
    held, _ = _read(engine)
    engine.dispose()
    assert held_reads.held_count(engine) == 0
    with pytest.raises(sqlite3.ProgrammingError):
        held.execute("SELECT 1")  # type: ignore[attr-defined]
    fresh, value = _read(engine)
    assert fresh is not held and value == 10


def test_a_connection_in_use_during_dispose_is_closed_when_its_read_ends(engine) -> None:
    with connect(engine, "test.read") as conn:
        held = _driver(conn)
        engine.dispose()
        assert fetch_dicts(conn, _VALUE, {"id": 1}) == [{"n": 10}]  # the read in progress finishes
    with pytest.raises(sqlite3.ProgrammingError):
        held.execute("SELECT 1")  # type: ignore[attr-defined]
    assert _read(engine)[1] == 10


def test_threads_hold_at_most_the_limit_and_ended_threads_make_room(engine) -> None:
    limit = engine.pool.size() // 2
    release, started = threading.Event(), threading.Barrier(limit + 2)
    held: list[bool] = []

    def reader() -> None:
        _read(engine)
        held.append(True)
        started.wait()
        release.wait()

    threads = [threading.Thread(target=reader) for _ in range(limit + 1)]
    for thread in threads:
        thread.start()
    started.wait()
    assert held_reads.held_count(engine) == limit  # the thread beyond the limit checked one out and back
    assert engine.pool.checkedout() == limit
    release.set()
    for thread in threads:
        thread.join()
    assert _read(engine)[1] == 10  # the ended threads' connections made room for this one
    assert held_reads.held_count(engine) == 1
    assert engine.pool.checkedout() == 1


def test_release_gives_back_this_threads_connection(engine) -> None:
    _read(engine)
    held_reads.release(engine)
    assert held_reads.held_count(engine) == 0
    assert engine.pool.checkedout() == 0


def test_memory_engines_hold_nothing() -> None:
    built = build_engine("sqlite://")
    with connect(built, "test.memory") as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    assert held_reads.held_count(built) == 0
    built.dispose()
