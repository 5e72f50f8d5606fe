from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.legacy_sql import wrap
from plexpy.datatables.params import page_bounds

ALIASES = ("row_id", "friendly_name", "plays", "last_seen")


def request(**overrides):
    base = {
        "draw": 3,
        "columns": [
            {"data": "friendly_name", "searchable": True, "orderable": True},
            {"data": "plays", "searchable": False, "orderable": True},
            {"data": "", "searchable": True, "orderable": True},
            {"data": "not_a_column", "searchable": True, "orderable": True},
        ],
        "order": [{"column": 1, "dir": "desc"}],
        "start": 0,
        "length": 25,
        "search": {"value": "", "regex": False},
    }
    base.update(overrides)
    return {"json_data": json.dumps(base)}


def test_named_order_uses_nocase_and_direction() -> None:
    resolved = resolve(request(), ALIASES)
    assert [(t.alias, t.nocase, t.descending) for t in resolved.order] == [("plays", True, True)]
    assert resolved.draw == 3


def test_unnamed_order_uses_the_query_column_at_that_index_ascending() -> None:
    resolved = resolve(request(order=[{"column": 2, "dir": "desc"}]), ALIASES)
    assert [(t.alias, t.nocase, t.descending) for t in resolved.order] == [("plays", False, False)]


def test_unknown_columns_are_ignored_for_order_and_search() -> None:
    resolved = resolve(request(order=[{"column": 3, "dir": "asc"}], search={"value": "ab"}), ALIASES)
    assert resolved.order == ()
    assert resolved.search_aliases == ("friendly_name", "plays")


@pytest.mark.parametrize(
    "kwargs",
    [
        None,
        {},
        {"json_data": "not json"},
        {"json_data": "[1, 2]"},
        request(order=[{"column": 99, "dir": "asc"}]),
        request(order=[{"column": "x", "dir": "asc"}]),
        request(order=[{"column": 0}]),
        request(start="0"),
        request(length=None),
        request(draw="abc"),
        request(search={"value": 5}),
        {"json_data": json.dumps({"draw": 1})},
    ],
)
def test_malformed_requests_are_refused(kwargs) -> None:
    with pytest.raises(DataTablesError):
        resolve(kwargs, ALIASES)


def test_paging_is_a_python_slice() -> None:
    resolved = resolve(request(start=0, length=-1), ALIASES)
    assert page_bounds(resolved, 10) == (0, 9)
    assert page_bounds(resolve(request(start=5, length=10), ALIASES), 8) == (5, 3)
    assert page_bounds(resolve(request(start=-3, length=2), ALIASES), 10) == (7, 2)


HOSTILE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["plays; DROP TABLE users", "plays) --", '"plays"', "friendly_name' OR '1'='1", "1=1"]),
)


@settings(max_examples=300, deadline=None)
@given(name=HOSTILE, search=st.text(max_size=30), column=st.integers(-5, 5), direction=HOSTILE)
def test_hostile_values_never_reach_sql_unbound(name: str, search: str, column: int, direction: str) -> None:
    columns = [{"data": name, "searchable": True, "orderable": True}, {"data": "plays", "searchable": True}]
    try:
        resolved = resolve(request(columns=columns, order=[{"column": column, "dir": direction}],
                                   search={"value": search}), ALIASES)
    except DataTablesError:
        return
    for term in resolved.order:
        assert term.alias in ALIASES
    assert set(resolved.search_aliases) <= set(ALIASES)
    sql, args = wrap("SELECT 1 AS row_id, 'x' AS friendly_name, 2 AS plays, 3 AS last_seen", resolved)
    rows = sqlite3.connect(":memory:").execute(sql, args).fetchall()
    assert len(rows) <= 1
    if search:
        assert all(a == f"%{search}%" for a in args)
