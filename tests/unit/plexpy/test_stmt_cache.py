"""Statements built once per shape: same SQL, right answers for every bound value, bounded caches."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from plexpy.datatables.sqla_bound import bound_matches, matches_shape
from plexpy.db import stmt_cache
from plexpy.db.engine import build_engine, connect
from plexpy.db.schema import library_sections, session_history
from plexpy.db.sqlfuncs import affinity_equals
from plexpy.db.stmt_cache import affinity_shape, bound_affinity_equals, per_shape
from plexpy.domains.history import sqla as history_sqla
from plexpy.domains.libraries import sqla as libraries_sqla
from plexpy.domains.notifications import sqla as notifications_sqla
from plexpy.domains.users import sqla as users_sqla

h = session_history


@pytest.fixture
def engine(sample_db: Path):
    eng = build_engine(f"sqlite:///{sample_db}")
    yield eng
    eng.dispose()


def raw(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_a_builder_runs_once_per_shape() -> None:
    calls: list[tuple[Any, ...]] = []

    @per_shape(maxsize=4)
    def build(grouped: bool, windowed: bool) -> Any:
        calls.append((grouped, windowed))
        return select(h.c.id).where(h.c.user_id == bindparam("user_id"))

    first = build(True, False)
    assert build(True, False) is first
    assert build(False, False) is not first
    assert calls == [(True, False), (False, False)]
    name = f"{__name__}.test_a_builder_runs_once_per_shape.<locals>.build"
    assert stmt_cache.stats()[name] == stmt_cache.CacheStats(hits=1, misses=2, maxsize=4, size=2)


def test_a_cache_keeps_at_most_maxsize_shapes_and_forgets_the_oldest() -> None:
    calls: list[int] = []

    @per_shape(maxsize=2)
    def build(n: int) -> Any:
        calls.append(n)
        return select(h.c.id).limit(n)

    for n in (1, 2, 3):
        build(n)
    build(3)
    build(1)  # evicted by 3: built again
    assert calls == [1, 2, 3, 1]
    name = f"{__name__}.test_a_cache_keeps_at_most_maxsize_shapes_and_forgets_the_oldest.<locals>.build"
    assert stmt_cache.stats()[name].size == 2


def test_a_cache_must_hold_something() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        per_shape(maxsize=0)


def test_clear_all_forgets_every_statement() -> None:
    before = users_sqla._tokens_stmt()
    stmt_cache.clear_all()
    assert users_sqla._tokens_stmt() is not before


def test_one_cached_statement_answers_each_value_as_sqlite_does(engine, sample_db: Path) -> None:
    stmt = users_sqla._tokens_stmt()
    sql = str(stmt.compile(dialect=sqlite.dialect()))
    expected_sql = "SELECT users.allow_guest, users.user_token, users.server_token"
    assert sql.startswith(expected_sql)
    for user_id in (10781001, 3722597, 0, 999):
        with connect(engine) as conn:
            got = [tuple(r) for r in conn.execute(stmt, {"user_id": user_id})]
        want = raw(sample_db, "SELECT allow_guest, user_token, server_token FROM users "
                              "WHERE user_id = ? AND deleted_user = 0 ORDER BY id LIMIT 1", user_id)
        assert got == want
        assert str(users_sqla._tokens_stmt().compile(dialect=sqlite.dialect())) == sql


@pytest.mark.parametrize("value", [1, "1", " 1 ", "1.0", 1.5, "abc", "", None, "  ", "-2"])
@pytest.mark.parametrize("column", ["section_id", "server_id"])
def test_bound_affinity_equals_matches_affinity_equals(engine, value: Any, column: str) -> None:
    col = library_sections.c[column]
    kind, bound = affinity_shape(col, value)
    built = select(func.count()).select_from(library_sections).where(affinity_equals(col, value))
    cached = select(func.count()).select_from(library_sections).where(bound_affinity_equals(col, kind, "v"))
    with connect(engine) as conn:
        assert conn.execute(cached, {"v": bound}).scalar() == conn.execute(built).scalar()


@pytest.mark.parametrize("key", ["1119", 1119, "21122", " 1119", "1119.0", "x", "", None])
def test_bound_matches_answers_as_matches(engine, key: Any) -> None:
    from plexpy.datatables.sqla_sql import matches

    kind, bound = matches_shape(h.c.rating_key, key)
    built = select(func.count()).select_from(h).where(matches(h.c.rating_key, key))
    cached = select(func.count()).select_from(h).where(bound_matches(h.c.rating_key, kind, "k"))
    with connect(engine) as conn:
        assert conn.execute(cached, {"k": bound}).scalar() == conn.execute(built).scalar()


def test_cached_watch_time_statement_answers_per_user_and_window(engine, sample_db: Path) -> None:
    stmt = users_sqla._watch_time_stmt(True, True)
    for user_id, since in ((10781001, 0), (10781001, 1_767_000_000), (3722597, 0)):
        with connect(engine) as conn:
            got = conn.execute(stmt, {"user_id": user_id, "since": since}).one()
        want = raw(sample_db, "SELECT SUM(stopped - started) - SUM(COALESCE(paused_counter, 0)), "
                              "COUNT(DISTINCT reference_id) FROM session_history WHERE user_id = ? AND stopped >= ?",
                   user_id, since)[0]
        assert tuple(got) == want


@pytest.mark.parametrize("stmt", [
    users_sqla._tokens_stmt(),
    users_sqla._watch_time_stmt(False, True),
    users_sqla._user_details_stmts("username", True)[0],
    users_sqla._recently_watched_stmt(False),
    users_sqla._recently_watched_stmt(True),
    libraries_sqla._library_details_stmt(True, "int", "str"),
    libraries_sqla._recently_watched_stmt("str", False),
    libraries_sqla._recently_watched_stmt("str", True),
    history_sqla._watch_time_stmt(True, ("int", "str", "never", "float"), True),
    history_sqla._user_stats_stmt(False, "guid"),
    history_sqla._user_stats_stmt(False, "guid", True),
    notifications_sqla._notify_state_enabled_stmt("notifiers", "on_play", True, ("int", "str", "int", "str")),
], ids=lambda s: s.__class__.__name__)
def test_cached_statements_compile_for_postgresql_with_named_parameters(stmt: Any) -> None:
    compiled = stmt.compile(dialect=postgresql.dialect())
    assert compiled.params, "values are bound at execution, not baked into the statement"
    assert all(name in compiled.binds for name in compiled.params)


def test_read_each_shares_one_transaction_and_isolates_a_failure(engine, sample_db: Path, monkeypatch) -> None:
    from sqlalchemy import Column, Integer, MetaData, Table

    from plexpy.db import engine as engine_module
    from plexpy.db.engine import read_each

    missing = Table("no_such_table", MetaData(), Column("x", Integer))
    ok = users_sqla._tokens_stmt()
    checkouts: list[object] = []  # one connect() (a transaction) per attempt
    real_connect = engine_module.connect

    def counting(*args: Any, **kwargs: Any) -> Any:
        checkouts.append(args)
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(engine_module, "connect", counting)
    together = read_each(engine, "test.read_each", [(ok, {"user_id": 10781001}), (ok, {"user_id": 3722597})])
    assert len(checkouts) == 1
    assert [len(rows or []) for rows in together] == [1, 1]

    checkouts.clear()
    apart = read_each(engine, "test.read_each", [(ok, {"user_id": 10781001}), (select(missing), None),
                                                 (ok, {"user_id": 3722597})])
    assert apart[1] is None
    assert apart[0] == together[0] and apart[2] == together[1]
    assert len(checkouts) == 1 + 3  # the shared attempt, then one connection per statement
    want = raw(sample_db, "SELECT allow_guest, user_token, server_token FROM users WHERE user_id = ?", 3722597)
    assert [tuple(r.values()) for r in together[1] or []] == want


def _sql(clause: Any, dialect: Any) -> str:
    import re

    text = str(clause.compile(dialect=dialect))
    return re.sub(r"%\([^)]+\)s|:[A-Za-z_]\w*|\?|\$\d+", "?", text)


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
@pytest.mark.parametrize("value", [7, "7", "1.5", "abc", None])
@pytest.mark.parametrize("column", [library_sections.c.section_id, library_sections.c.server_id, h.c.rating_key])
def test_bound_clauses_compile_as_the_constructs_they_stand_for(dialect: Any, value: Any, column: Any) -> None:
    from plexpy.datatables.sqla_sql import matches

    kind, _ = affinity_shape(column, value)
    assert _sql(bound_affinity_equals(column, kind, "v"), dialect) == _sql(affinity_equals(column, value), dialect)
    key_kind, _ = matches_shape(column, value)
    assert _sql(bound_matches(column, key_kind, "k"), dialect) == _sql(matches(column, value), dialect)


def test_naming_a_bind_that_is_not_there_is_refused() -> None:
    from plexpy.datatables.sqla_sql import matches

    # A TEXT column turns the number into its text: nothing left to name, so nothing may be cached.
    with pytest.raises(ValueError, match="no bound int sentinel"):
        stmt_cache.named_bind(matches(library_sections.c.server_id, stmt_cache.SENTINELS["int"]),
                              stmt_cache.SENTINELS["int"], "k")


def test_turning_the_caches_off_builds_every_time() -> None:
    calls: list[int] = []

    @per_shape(maxsize=2)
    def build(n: int) -> Any:
        calls.append(n)
        return select(h.c.id).limit(n)

    previous = stmt_cache.set_enabled(False)
    try:
        assert build(1) is not build(1)
    finally:
        stmt_cache.set_enabled(previous)
    assert build(1) is build(1)
    assert calls == [1, 1, 1]


def test_an_argument_that_cannot_be_a_key_is_built_for_that_call_only() -> None:
    calls: list[Any] = []

    @per_shape(maxsize=2)
    def build(keys: Any) -> Any:
        calls.append(keys)
        return select(h.c.id).where(h.c.id.in_(list(keys)))

    assert build([1, 2]) is not build([1, 2])
    assert build(keys=(1, 2)) is build(keys=(1, 2))
    assert calls == [[1, 2], [1, 2], (1, 2)]


def test_every_cached_chart_compiles_for_both_dialects_with_its_values_bound() -> None:
    from plexpy.domains.graphs import shaping as graph_shaping
    from plexpy.domains.graphs import sqla as graphs_sqla

    for name in graph_shaping.SPECS:
        for filtered, grouped in ((False, False), (True, False), (False, True), (True, True)):
            stmt = graphs_sqla._chart_stmt(name, True, False, filtered, "UTC", grouped)
            for dialect in (sqlite.dialect(), postgresql.dialect()):
                compiled = stmt.compile(dialect=dialect)
                assert "since" in compiled.binds
                assert ("user_ids" in compiled.binds) is filtered
