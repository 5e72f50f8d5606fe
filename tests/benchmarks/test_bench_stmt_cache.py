"""The fixed cost of one small read on each path: what a statement built once per shape saves.

One user's tokens (``Users.get_tokens``'s statement), four ways, on a copy of the bundled sample:

* ``raw``: sqlite3 with the SQL text (the floor; the legacy twin adds its executor around this);
* ``rebuilt``: the ``select()`` built for every call, as the twins did before ``plexpy.db.stmt_cache``;
* ``cached``: the statement built once (``per_shape``) with a ``bindparam()``, values passed at execution;
* ``transaction only``: ``connect()`` with nothing in it (checkout, BEGIN, COMMIT, checkin).

The recorded-calls benchmark (``test_bench_recorded_calls.py``) measures whole calls per domain.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from plexpy.db.engine import build_engine, connect
from plexpy.db.schema import users
from plexpy.domains.users.sqla import _tokens_stmt

pytestmark = pytest.mark.benchmark

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample" / "tautulli.db"
USER_ID = 10781001
SQL = ("SELECT allow_guest, user_token, server_token FROM users WHERE user_id = ? AND deleted_user = 0 "
       "ORDER BY id LIMIT 1")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("stmt_cache") / "tautulli.db"
    shutil.copy2(SAMPLE, target)
    return target


@pytest.fixture(scope="module")
def engine(db: Path) -> Iterator[Any]:
    eng = build_engine(f"sqlite:///{db}")
    yield eng
    eng.dispose()


def _rebuilt(user_id: int) -> Any:
    u = users
    return (select(u.c.allow_guest, u.c.user_token, u.c.server_token)
            .where(u.c.user_id == user_id, u.c.deleted_user == 0).order_by(u.c.id).limit(1))


def test_raw_sqlite(benchmark, db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    benchmark.group = "one small read"
    rows = benchmark(lambda: [dict(r) for r in conn.execute(SQL, (USER_ID,))])
    conn.close()
    assert len(rows) == 1


def test_statement_rebuilt_per_call(benchmark, engine: Any) -> None:
    def read() -> list[dict[str, Any]]:
        with connect(engine) as conn:
            return [dict(r) for r in conn.execute(_rebuilt(USER_ID)).mappings()]

    benchmark.group = "one small read"
    assert len(benchmark(read)) == 1


def test_statement_built_once(benchmark, engine: Any) -> None:
    def read() -> list[dict[str, Any]]:
        with connect(engine) as conn:
            return [dict(r) for r in conn.execute(_tokens_stmt(), {"user_id": USER_ID}).mappings()]

    benchmark.group = "one small read"
    assert len(benchmark(read)) == 1


def test_transaction_only(benchmark, engine: Any) -> None:
    def empty() -> None:
        with connect(engine):
            pass

    benchmark.group = "one small read"
    benchmark(empty)
