"""SELECTs run on the SQLite driver once compiled: the same rows and keys as SQLAlchemy's execution, or its path."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Float,
    Integer,
    String,
    TypeDecorator,
    bindparam,
    case,
    cast,
    event,
    func,
    literal,
    null,
    select,
    union_all,
)

from plexpy.db import compiled_rows
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import build_engine, connect, read_each
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import session_history, users
from plexpy.db.sqlfuncs import sqlite_sum

h = session_history
u = users


@pytest.fixture
def engine(sample_db: Path):
    eng = build_engine(f"sqlite:///{sample_db}")
    yield eng
    eng.dispose()


def _through_sqlalchemy(engine: Any, stmt: Any, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    with connect(engine) as conn:
        return [dict(r) for r in conn.execute(stmt, params).mappings()]


def _fetched(engine: Any, stmt: Any, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    with connect(engine) as conn:
        return fetch_dicts(conn, stmt, params)


STATEMENTS = {
    "named parameter": (select(u.c.user_id, u.c.username).where(u.c.user_id == bindparam("uid")), {"uid": 3722597}),
    "literals": (select(h.c.id, h.c.user).where(h.c.stopped > 1_700_000_000, h.c.media_type == "episode")
                 .order_by(h.c.id.desc()).limit(7), None),
    "labels and aggregates": (
        select(h.c.user_id, func.count().label("plays"), func.max(h.c.started).label("last"),
               cast(func.avg(h.c.stopped - h.c.started), Float()).label("mean"))
        .group_by(h.c.user_id).order_by(h.c.user_id), None),
    "case and NULL": (select(case((h.c.paused_counter > 0, "paused"), else_=null()).label("state"),
                             literal("x", String()).label("tag"), literal(3, Integer()).label("three"))
                      .order_by(h.c.id).limit(20), None),
    "union": (union_all(select(u.c.user_id.label("k")).where(u.c.user_id < bindparam("lo")),
                        select(h.c.id.label("k")).where(h.c.id < 5)), {"lo": 5_000_000}),
    "unlabelled function": (select(func.count(), func.min(h.c.id)), None),
    "no rows": (select(u.c.user_id).where(u.c.user_id == -1), None),
}


@pytest.mark.parametrize("name", list(STATEMENTS))
def test_rows_and_keys_equal_sqlalchemy_execution(engine, name: str, monkeypatch) -> None:
    stmt, params = STATEMENTS[name]
    want = _through_sqlalchemy(engine, stmt, params)
    monkeypatch.setattr(compiled_rows, "_through_sqlalchemy", lambda *a: pytest.fail("not on the driver"))
    got = _fetched(engine, stmt, params)
    assert got == want
    assert [list(r) for r in got] == [list(r) for r in want]  # key order too
    if name != "no rows":
        assert got, "the statement should find rows in the sample"


def test_each_call_binds_its_own_literals(engine) -> None:
    """Two statements with one cache key and different literal values: each answers with its own."""
    def by_user(user_id: int) -> Any:
        return select(func.count()).select_from(h).where(h.c.user_id == user_id)

    counts = {uid: _fetched(engine, by_user(uid))[0] for uid in (3722597, 3308933, -1)}
    for uid, got in counts.items():
        with sqlite3.connect(engine.url.database) as raw:
            want = raw.execute("SELECT count(*) FROM session_history WHERE user_id = ?", (uid,)).fetchone()[0]
        assert list(got.values()) == [want]
    assert list(counts[-1].values()) == [0]


def test_a_reused_statement_binds_each_calls_values_and_its_own_literals(engine, monkeypatch) -> None:
    """One statement object run with other named values (the per-shape cache's case), literals kept, resolved once."""
    stmt = (select(func.count().label("n")).select_from(h)
            .where(h.c.user_id == bindparam("uid"), h.c.stopped > 1_600_000_000, h.c.media_type != "photo"))
    resolved = []
    real = compiled_rows._bound
    monkeypatch.setattr(compiled_rows, "_bound", lambda *a: resolved.append(1) or real(*a))
    for uid in (3722597, 3308933, -1):
        with sqlite3.connect(engine.url.database) as raw:
            want = raw.execute("SELECT count(*) FROM session_history WHERE user_id = ? AND stopped > 1600000000 "
                               "AND media_type != 'photo'", (uid,)).fetchone()[0]
        assert _fetched(engine, stmt, {"uid": uid}) == [{"n": want}]
    assert len(resolved) == 3, "the values came from the statement's resolved binds"
    twin = (select(func.count().label("n")).select_from(h)  # same cache key, other literals: its own values
            .where(h.c.user_id == bindparam("uid"), h.c.stopped > 2_000_000_000, h.c.media_type != "photo"))
    assert _fetched(engine, twin, {"uid": 3722597}) == [{"n": 0}]


def test_a_reused_statement_is_compiled_and_keyed_once(engine, monkeypatch) -> None:
    """Seen again, a statement object needs no cache key; other objects of its shape still bind their own."""
    from sqlalchemy.sql.elements import ClauseElement

    keyed: list[object] = []
    real = ClauseElement._compile_w_cache

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        keyed.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ClauseElement, "_compile_w_cache", spy)
    stmt = (select(u.c.user_id).where(u.c.user_id.in_(bindparam("ids", expanding=True)), u.c.is_active == 1)
            .order_by(u.c.user_id))
    with sqlite3.connect(engine.url.database) as raw:
        active = {r[0] for r in raw.execute("SELECT user_id FROM users WHERE is_active = 1")}
    for ids in ([3722597, 3308933], [10781001], []):
        assert _fetched(engine, stmt, {"ids": ids}) == [{"user_id": i} for i in sorted(set(ids) & active)]
    assert keyed == [stmt], "keyed on first use only"
    other = (select(u.c.user_id).where(u.c.user_id.in_(bindparam("ids", expanding=True)), u.c.is_active == 0)
             .order_by(u.c.user_id))  # the same cache key with another literal: its own value
    with sqlite3.connect(engine.url.database) as raw:
        inactive = [r[0] for r in raw.execute("SELECT user_id FROM users WHERE is_active = 0 ORDER BY user_id")]
    assert _fetched(engine, other, {"ids": inactive}) == [{"user_id": i} for i in inactive]
    assert _fetched(engine, other, {"ids": inactive}) == [{"user_id": i} for i in inactive]
    assert keyed == [stmt, other, other], "an object answered from another's compiled form is keyed each time"
    assert len(inactive) == 3 and {3722597, 3308933, 10781001} <= active


def test_a_reused_statement_missing_a_value_raises_as_sqlalchemy_does(engine) -> None:
    stmt = select(u.c.user_id).where(u.c.user_id == bindparam("uid"))
    assert _fetched(engine, stmt, {"uid": 3722597})
    with pytest.raises(Exception, match="A value is required for bind parameter 'uid'"):
        _fetched(engine, stmt, {})


class _Shouting(TypeDecorator[str]):
    """A type with both processors: binds are lower-cased, results upper-cased."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else str(value).lower()

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else str(value).upper()


def test_expanding_lists_and_bind_processors_run_on_the_driver_as_sqlalchemy_binds_them(engine, monkeypatch) -> None:
    stmt = (select(u.c.user_id, u.c.username).where(u.c.user_id.in_(bindparam("ids", expanding=True)))
            .where(u.c.username != bindparam("name", type_=_Shouting())).order_by(u.c.user_id))
    params = {"ids": [3722597, 3308933, 10781001], "name": "NOBODY"}
    want = _through_sqlalchemy(engine, stmt, params)

    def refuse(*_args: Any) -> None:
        raise AssertionError("answered through SQLAlchemy's execution, not the driver")

    monkeypatch.setattr(compiled_rows, "_through_sqlalchemy", refuse)
    got = _fetched(engine, stmt, params)
    assert got == want and len(got) == 3
    assert _fetched(engine, stmt, {"ids": [], "name": "x"}) == []  # an empty list matches nothing, as in SQLAlchemy


def test_result_processors_go_through_sqlalchemy_so_values_are_processed(engine) -> None:
    stmt = select(cast(u.c.username, _Shouting()).label("loud")).where(u.c.user_id == 3722597)
    got = _fetched(engine, stmt)
    assert got == _through_sqlalchemy(engine, stmt)
    assert got[0]["loud"] == got[0]["loud"].upper() and got[0]["loud"]


def test_integer_sums_need_no_processing_on_sqlite(engine, monkeypatch) -> None:
    """``sqlite_sum``'s type turns PostgreSQL's Decimal into int; SQLite gives int already: driver path."""
    stmt = select(sqlite_sum(h.c.stopped - h.c.started).label("total"))
    want = _through_sqlalchemy(engine, stmt)
    monkeypatch.setattr(compiled_rows, "_through_sqlalchemy", lambda *a: pytest.fail("not on the driver"))
    got = _fetched(engine, stmt)
    assert got == want and isinstance(got[0]["total"], int)


def test_an_instrumented_engine_sees_every_statement(engine) -> None:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    stmt, params = STATEMENTS["named parameter"]
    _fetched(engine, stmt, params)
    assert len(seen) == 1 and "FROM users" in seen[0]


def test_a_driver_error_becomes_tautullidberror_without_values(engine) -> None:
    stmt = select(u.c.user_id).where(u.c.username == bindparam("name"))
    with pytest.raises(TautulliDBError) as caught, connect(engine, "test.bad_value") as conn:
        fetch_dicts(conn, stmt, {"name": object()})  # the driver cannot bind it
    assert "test.bad_value" in str(caught.value)
    assert "object at" not in str(caught.value)


def test_switched_off_every_statement_goes_through_sqlalchemy(engine) -> None:
    seen: list[str] = []
    stmt, params = STATEMENTS["literals"]
    previous = compiled_rows.set_enabled(False)
    try:
        with connect(engine) as conn:
            event.listen(conn, "before_cursor_execute", lambda *a: seen.append(a[2]))
            rows = fetch_dicts(conn, stmt, params)
    finally:
        compiled_rows.set_enabled(previous)
    assert len(seen) == 1 and rows == _fetched(engine, stmt, params)


def test_reads_outside_a_write_begin_no_transaction_and_writes_still_commit(engine, sample_db: Path) -> None:
    """On SQLite a read needs no BEGIN (autocommit SELECT, as the legacy twin reads); a write through
    ``connect`` still begins on its first statement and commits when the block ends."""
    begins: list[object] = []
    event.listen(engine, "begin", begins.append)
    assert read_each(engine, "test.read", [STATEMENTS["named parameter"]])[0]
    assert begins == []
    with connect(engine, "test.write") as conn:
        conn.execute(u.update().where(u.c.user_id == 3722597).values(friendly_name="Renamed"))
    assert len(begins) == 1
    with sqlite3.connect(sample_db) as raw:
        assert raw.execute("SELECT friendly_name FROM users WHERE user_id = 3722597").fetchone() == ("Renamed",)
    with pytest.raises(RuntimeError), connect(engine, "test.write") as conn:
        conn.execute(u.update().where(u.c.user_id == 3722597).values(friendly_name="Lost"))
        raise RuntimeError("the block fails: its write is rolled back")
    with sqlite3.connect(sample_db) as raw:
        assert raw.execute("SELECT friendly_name FROM users WHERE user_id = 3722597").fetchone() == ("Renamed",)
