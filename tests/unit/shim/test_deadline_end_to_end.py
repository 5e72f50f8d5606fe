"""The candidate timeout is really enforced: the router's deadline interrupts a running SQLite statement in
both executors, the caller gets the answering path's result and the event says ``candidate.timed_out``.

(Not database-free: the deadline is only real if a real statement is interrupted.)
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from plexpy.db.engine import build_engine, connect
from plexpy.db.errors import QueryTimeoutError
from plexpy.db.sqlite_executor import SqliteExecutor
from shim import deadline
from shim.modes import Mode
from shim.observation import Outcome
from shim.operation import Operation
from shim.router import Paths

OP = Operation(domain="d", name="slow")
ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c"
STREAMING = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 400000) SELECT x FROM c"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "slow.db"
    sqlite3.connect(path).close()
    return path


@pytest.fixture
def executor(database: Path):
    ex = SqliteExecutor(database)
    yield ex
    ex.close()


@pytest.fixture
def engine(database: Path):
    eng = build_engine(f"sqlite:///{database}")
    yield eng
    eng.dispose()


def _legacy_slow(executor: SqliteExecutor) -> Any:
    return lambda **_: executor.select(ENDLESS)


def _sqla_slow(engine: Any) -> Any:
    def run(**_: Any) -> Any:
        with connect(engine, "slow") as conn:
            return conn.exec_driver_sql(ENDLESS).all()

    return run


@pytest.mark.parametrize("threaded", [False, True], ids=["inline", "off-thread"])
@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.REVERSE_SHADOW])
def test_deadline_interrupts_the_compared_statement(make_router, publisher, executor, engine, mode,
                                                    threaded) -> None:
    quick = [{"n": 1}]
    if mode is Mode.SHADOW:
        paths = Paths(legacy=lambda **_: quick, sqlalchemy=_sqla_slow(engine))
    else:
        paths = Paths(legacy=_legacy_slow(executor), sqlalchemy=lambda **_: quick)
    router = make_router(mode, threaded=threaded, timeout=0.3)
    started = time.monotonic()
    assert router.call(OP, paths, {}) is quick
    assert time.monotonic() - started < (0.25 if threaded else 2.0)
    assert router.drain(3)
    event = publisher.wait_for(1)[0]
    assert event.outcome is Outcome.TIMED_OUT
    assert "QueryTimeoutError" in event.compared_error and "interrupted" in event.compared_error
    assert 0.3e9 <= event.compared_ns < 2.0e9, "the statement stopped at the deadline, not at its end"


def test_the_engine_interrupts_while_rows_are_fetched(engine) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError), deadline.within(0.05), connect(engine, "slow") as conn:
        conn.exec_driver_sql(STREAMING).all()
    assert time.monotonic() - started < 0.5


def test_the_legacy_executor_interrupts_while_rows_are_fetched(executor) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError), deadline.within(0.05):
        executor.select(STREAMING)
    assert time.monotonic() - started < 0.5
