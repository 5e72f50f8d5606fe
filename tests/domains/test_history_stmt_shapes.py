"""The history table's statements are built once per shape: calls differing in values only reuse them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

from plexpy import bootstrap, config, context, runtime
from plexpy.datatables.custom_where import CustomWhereFailure, parse
from plexpy.datatables.sqla_sql import custom_where_clause, where_shape
from plexpy.db import stmt_cache
from plexpy.domains.history.sqla_shapes import history_shape, history_statement
from plexpy.domains.history.sqla_table import history_query, history_scope, live_scope
from shim.compare import compare_results, to_jsonable

ANCHOR = 1768478400  # the sample's frozen clock
WATCH = {"MOVIE_WATCHED_PERCENT": 85, "TV_WATCHED_PERCENT": 85, "MUSIC_WATCHED_PERCENT": 85, "WATCHED_MARKER": 3}
DATE = "strftime('%Y-%m-%d', datetime(started, 'unixepoch', 'localtime'))"
AOIFE, YUKI = 3308933, 1350028  # two users with plays in the sample


@pytest.fixture
def twins(sample_db: Path, tmp_path: Path) -> Iterator[tuple[object, object]]:
    """The history domain's legacy and sqlalchemy twins on a copy of the sample, with the caches emptied."""
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "timezone": "UTC",
        "backends": {"default": "sqlalchemy"},
    })
    rt = bootstrap.build(settings)
    stmt_cache.clear_all()
    with runtime.use(rt), context.call_context(now=ANCHOR, tz="UTC"):
        yield rt.twins["history"]
    rt.close()


def dt(start: int = 0, length: int = 10, search: str = "", order: list | None = None) -> dict[str, str]:
    body = {
        "draw": 2,
        "columns": [{"data": name, "searchable": True, "orderable": True}
                    for name in ("date", "friendly_name", "full_title", "player", "platform")],
        "order": [{"column": 0, "dir": "desc"}] if order is None else order,
        "start": start, "length": length, "search": {"value": search},
    }
    return {"json_data": json.dumps(body)}


def _misses() -> int:
    return sum(s.misses for s in stmt_cache.stats().values())


def _hits() -> int:
    return sum(s.hits for s in stmt_cache.stats().values())


def _same_answers(twins: tuple[object, object], call: dict) -> dict:
    legacy, sqla = twins
    with context.call_context(config=WATCH, session=context.session()):
        expected = to_jsonable(legacy.get_datatables_history(**call))
        got = to_jsonable(sqla.get_datatables_history(**call))
    assert compare_results(expected, got)[0] is None, call
    return got


# Each case: a first call (builds the statements), then calls differing from it in values only.
VALUE_ONLY = {
    "another user, newest plays first": [
        {"kwargs": dt(), "custom_where": [["session_history.user_id", str(AOIFE)]], "grouping": 1},
        {"kwargs": dt(), "custom_where": [["session_history.user_id", str(YUKI)]], "grouping": 1},
    ],
    "another user, general query": [
        {"kwargs": dt(order=[{"column": 1, "dir": "asc"}]), "custom_where": [["session_history.user_id", AOIFE]],
         "grouping": 0},
        {"kwargs": dt(order=[{"column": 1, "dir": "asc"}]), "custom_where": [["session_history.user_id", YUKI]],
         "grouping": 0},
    ],
    "another search value, grouped by date": [
        {"kwargs": dt(search="chrome"), "custom_where": [], "grouping": 1},
        {"kwargs": dt(search="plex"), "custom_where": [], "grouping": 1},
    ],
    "another search value, ungrouped by title": [
        {"kwargs": dt(search="the", order=[{"column": 2, "dir": "asc"}]), "custom_where": [], "grouping": 0},
        {"kwargs": dt(search="a", order=[{"column": 2, "dir": "asc"}]), "custom_where": [], "grouping": 0},
    ],
    "another page": [
        {"kwargs": dt(start=0), "custom_where": [["media_type_live", ["episode", "movie"]]], "grouping": 1},
        {"kwargs": dt(start=30), "custom_where": [["media_type_live", ["track", "episode"]]], "grouping": 1},
        {"kwargs": dt(start=10, length=5), "custom_where": [["media_type_live", ["movie", "movie"]]], "grouping": 1},
    ],
    "another day, with live sessions": [
        {"kwargs": dt(length=50), "custom_where": [[DATE + " >", "2025-12-01"]], "grouping": 1,
         "include_activity": 1},
        {"kwargs": dt(length=50), "custom_where": [[DATE + " >", "2025-11-20"]], "grouping": 1,
         "include_activity": 1},
    ],
}


@pytest.mark.parametrize("calls", VALUE_ONLY.values(), ids=VALUE_ONLY.keys())
def test_calls_differing_in_values_reuse_every_statement(twins, calls: list[dict]) -> None:
    pages = [_same_answers(twins, calls[0])]
    misses, hits = _misses(), _hits()
    assert misses > 0  # the first call built its statements
    for call in calls[1:]:
        pages.append(_same_answers(twins, call))
    assert _misses() == misses  # nothing built again
    assert _hits() > hits
    assert any(page["data"] for page in pages)
    assert len({json.dumps(page, sort_keys=True) for page in pages}) == len(pages)  # the values mattered


def test_a_value_of_another_kind_is_another_shape_and_still_answers_alike(twins) -> None:
    number = {"kwargs": dt(), "custom_where": [["session_history.user_id", str(AOIFE)]], "grouping": 0}
    text = {"kwargs": dt(), "custom_where": [["session_history.user_id", "aoife"]], "grouping": 0}  # compares as text
    assert _same_answers(twins, number)["data"]
    misses = _misses()
    assert _same_answers(twins, text)["recordsFiltered"] == 0
    assert _misses() > misses


def test_one_statement_object_serves_two_users() -> None:
    with context.call_context(now=ANCHOR, tz="UTC"):
        first, first_values = history_shape(parse([["session_history.user_id", AOIFE]]), 0)
        second, second_values = history_shape(parse([["session_history.user_id", "1350028"]]), 0)
        assert history_statement(first, True, False) is history_statement(second, True, False)
        assert (first_values, second_values) == ({"cw0": AOIFE}, {"cw0": YUKI})
        _, live_values = history_shape(parse([["session_history.user_id", AOIFE]]), 1)
        assert live_values == {"cw0": AOIFE, "lw0": AOIFE, "now": ANCHOR}


def _literal_sql(clause) -> str:
    return str(clause.compile(dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}))


FILTERS = [
    [["session_history.user_id", "42"], ["session_history.user_id", "x42"]],
    [["session_history.user_id IN", ["7", None, 8, "1.5", "abc"]]],
    [["session_history_metadata.title LIKE", "%o'k%"], ["session_history.platform", 12]],
    [["session_history.started >", "1700000000"], ["session_history.started <", 1.7e9]],
    [["row_id", "99"], ["media_type_live", ["movie", 3]], ["session_history.player", None]],
    [[DATE, ["2025-12-01", "2025-12-02"]], ["session_history.section_id OR", b"\x01"], ["user", "yuki"]],
]


@pytest.mark.parametrize("raw", FILTERS)
@pytest.mark.parametrize("scope", [history_scope, live_scope], ids=["history", "live"])
def test_a_shape_with_its_values_is_the_filter_itself(raw: list, scope) -> None:
    where = parse(raw)
    if scope is live_scope:
        where = where.unqualified()
    shape, values = where_shape(where, scope(), "cw")
    shaped = custom_where_clause(shape, scope(), "cw")
    assert values  # every filter here binds something
    assert _literal_sql(select(1).where(shaped).params(values)) == _literal_sql(
        select(1).where(custom_where_clause(where, scope())))


def test_every_bound_name_of_a_history_statement_gets_a_value() -> None:
    with context.call_context(now=ANCHOR, tz="UTC"):
        shape, values = history_shape(parse(FILTERS[1] + FILTERS[4]), 1)
        stmt = history_statement(shape, True, True)
        named = {b.key for b in visitors.iterate(stmt) if isinstance(b, BindParameter) and not b.unique}
        assert named == set(values)
        compiled = stmt.compile(dialect=sqlite_dialect.dialect())
        direct = history_query(parse(FILTERS[1] + FILTERS[4]), True, True).compile(dialect=sqlite_dialect.dialect())
        assert compiled.string == direct.string


_TARGETS = ["session_history.user_id", "session_history.platform", "session_history_metadata.title", "row_id",
            "media_type_live", "user", "session_history.started", DATE]
_VALUES = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False),
                    st.sampled_from(["12", " 7 ", "1.5", "1e3", "abc", "", "0x10", "9223372036854775808"]),
                    st.text(max_size=4), st.binary(max_size=2))
_ENTRIES = st.lists(st.tuples(st.sampled_from(_TARGETS), st.sampled_from(["", " IN", " LIKE", " <", " >"]),
                              st.booleans(), st.one_of(_VALUES, st.lists(_VALUES, min_size=1, max_size=3))),
                    min_size=1, max_size=4)


def _positional(clause, values: dict | None = None) -> tuple[str, list]:
    compiled = select(1).where(clause).compile(dialect=sqlite_dialect.dialect())
    params = compiled.construct_params(values)
    return compiled.string, [params[name] for name in compiled.positiontup]


@settings(max_examples=150, deadline=None)
@given(entries=_ENTRIES)
def test_any_filter_runs_the_same_sql_and_values_through_its_shape(entries: list) -> None:
    raw = [[f"{target}{operator}{' OR' if or_next else ''}", value] for target, operator, or_next, value in entries]
    try:
        where = parse(raw)
        shape, values = where_shape(where, history_scope(), "cw")
    except CustomWhereFailure:
        assume(False)
    direct = _positional(custom_where_clause(where, history_scope()))
    assert _positional(custom_where_clause(shape, history_scope(), "cw"), values) == direct


LOOKUPS = {
    "get_rating_keys_list": [{"rating_key": "21119", "media_type": "show"},
                             {"rating_key": "40344", "media_type": "artist"},
                             {"rating_key": "40565", "media_type": "album"}],
    "get_search_query": [{"rating_key": "21122"}, {"rating_key": "40565"}],
    "get_user_devices": [{"user_id": AOIFE, "history_only": False}, {"user_id": 10493885, "history_only": False}],
}


@pytest.mark.parametrize(("op", "calls"), LOOKUPS.items(), ids=LOOKUPS.keys())
def test_small_lookups_differing_in_keys_reuse_their_statements(twins, op: str, calls: list[dict]) -> None:
    legacy, sqla = twins

    def both(call: dict) -> object:
        expected, got = to_jsonable(getattr(legacy, op)(**call)), to_jsonable(getattr(sqla, op)(**call))
        assert compare_results(expected, got)[0] is None, call
        return got

    answers = [both(calls[0])]
    misses = _misses()
    answers += [both(call) for call in calls[1:]]
    assert _misses() == misses
    assert all(answers) and len({json.dumps(a, sort_keys=True) for a in answers}) == len(answers)
