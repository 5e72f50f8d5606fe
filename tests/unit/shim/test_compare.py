"""The comparator's normalisation properties, with hypothesis; the first-difference path; tolerances."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shim.compare import (
    TOLERANCES,
    compare_results,
    first_difference,
    json_kind,
    row_count,
    to_jsonable,
)
from shim.judging import judge, snapshot
from shim.observation import Observation, Outcome

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64), st.text(max_size=12),
)
KEYS = st.text(min_size=1, max_size=8)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                     st.dictionaries(KEYS, inner, max_size=5)), max_leaves=25)
ROW = st.dictionaries(st.sampled_from(["id", "title", "plays", "started"]), SCALARS, min_size=1)
PYTHONIC = st.recursive(
    st.one_of(SCALARS, st.tuples(st.integers(), st.text(max_size=4))),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(st.one_of(KEYS, st.integers(0, 99)), inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(PYTHONIC)
def test_json_round_trip_is_idempotent_and_equal(value: Any) -> None:
    once = to_jsonable(value)
    assert to_jsonable(once) == once
    assert json.loads(json.dumps(once)) == once
    assert first_difference(once, to_jsonable(value)) is None


@settings(max_examples=150, deadline=None)
@given(JSON)
def test_a_value_equals_itself(value: Any) -> None:
    difference, tolerances = compare_results(value, json.loads(json.dumps(value)))
    assert difference is None
    assert not tolerances.get("int_float")


@settings(max_examples=150, deadline=None)
@given(st.integers(-(2**53), 2**53))
def test_int_and_float_of_equal_value_are_equal_and_counted(number: int) -> None:
    difference, tolerances = compare_results({"n": number}, {"n": float(number)})
    assert difference is None
    assert tolerances["int_float"] == 1


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=1e-300, max_value=1e300))
def test_floats_within_a_relative_1e_9_are_equal(number: float) -> None:
    assert first_difference([number], [number * (1 + 1e-11)]) is None
    assert first_difference([number], [number * (1 + 1e-6)]) is not None


def test_booleans_are_not_numbers_and_strings_are_not_numbers() -> None:
    assert str(first_difference([True], [1])) == "[0]: True != 1"
    assert str(first_difference({"a": "1"}, {"a": 1})) == "a: '1' != 1"


@settings(max_examples=150, deadline=None)
@given(st.lists(ROW, max_size=8), st.randoms(use_true_random=False))
def test_multiset_comparison_ignores_order(rows: list[dict[str, Any]], rnd: Any) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    difference, tolerances = compare_results(rows, shuffled, ordered=False)
    assert difference is None
    assert tolerances["unordered_rows"] == 1
    wrapped, _ = compare_results({"data": rows, "draw": 1}, {"data": shuffled, "draw": 1}, ordered=False)
    assert wrapped is None


@settings(max_examples=150, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=8), st.data())
def test_a_missing_or_changed_row_is_still_found_as_a_multiset(rows: list[dict[str, Any]], data: Any) -> None:
    index = data.draw(st.integers(0, len(rows) - 1))
    changed = [dict(r) for r in rows]
    changed[index] = {**changed[index], "plays": "changed!"}
    assume(json.dumps(changed[index], sort_keys=True) != json.dumps(rows[index], sort_keys=True))
    assert first_difference(rows, changed, ordered=False) is not None
    assert first_difference(rows, rows[:-1], ordered=False) is not None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(0, 9), min_size=3, max_size=3),
                min_size=1, max_size=6), st.data())
def test_first_difference_names_the_changed_leaf(rows: list[dict[str, int]], data: Any) -> None:
    row = data.draw(st.integers(0, len(rows) - 1))
    key = data.draw(st.sampled_from(sorted(rows[row])))
    changed = [dict(r) for r in rows]
    changed[row][key] = rows[row][key] + 100
    difference = first_difference({"data": rows}, {"data": changed})
    assert difference is not None
    assert difference.path == f"data[{row}].{key}"
    assert str(difference) == f"data[{row}].{key}: {rows[row][key]} != {rows[row][key] + 100}"


def test_lengths_and_keys_are_reported_with_counts() -> None:
    difference = first_difference([1, 2, 3], [1, 2])
    assert str(difference) == "$: length 3 != 2"
    assert (difference.expected_rows, difference.actual_rows) == (3, 2)
    assert "missing keys ['b']" in str(first_difference({"a": 1, "b": 2}, {"a": 1}))


def test_tie_groups_are_multisets_only_within_equal_sort_keys() -> None:
    rows = [{"id": 1, "n": 9}, {"id": 2, "n": 5}, {"id": 3, "n": 5}, {"id": 4, "n": 1}]
    swapped = [rows[0], rows[2], rows[1], rows[3]]
    difference, tolerances = compare_results(rows, swapped, tie_keys=["n"])
    assert difference is None and tolerances["tie_order"] == 1
    assert compare_results(rows, rows, tie_keys=["n"])[1].get("tie_order") is None
    across = [rows[1], rows[0], rows[2], rows[3]]
    assert first_difference(rows, across, tie_keys=["n"]) is not None
    assert first_difference(rows, swapped) is not None, "without tie keys the order is strict"


def test_normalisation_of_python_types() -> None:
    value = {1: (1, 2), "s": {3}, "d": decimal.Decimal("2.50"), "t": dt.date(2026, 1, 15), "b": b"x"}
    assert to_jsonable(value) == {"1": [1, 2], "s": [3], "d": 2.5, "t": "2026-01-15", "b": "x"}


def test_json_kind_and_row_count() -> None:
    assert [json_kind(v) for v in (None, True, 1, 1.5, "x", [], {})] == [
        "null", "boolean", "number", "number", "string", "array", "object"]
    assert row_count([1, 2]) == 2 and row_count({"data": [1]}) == 1 and row_count({"a": 1}) is None


def test_every_tolerance_has_a_name_and_a_description() -> None:
    assert set(TOLERANCES) == {"int_float", "float_close", "unordered_rows", "tie_order", "error_signature"}
    assert all(t.name == name and len(t.description) > 20 for name, t in TOLERANCES.items())


def test_judge_classifies_each_outcome() -> None:
    ok = Observation("legacy", [1])
    assert judge(ok, Observation("sqlalchemy", [1])).outcome is Outcome.MATCH
    assert judge(ok, Observation("sqlalchemy", [2])).outcome is Outcome.MISMATCH
    assert judge(ok, Observation("sqlalchemy", {"a": 1})).outcome is Outcome.WRONG_TYPE
    assert judge(ok, Observation("sqlalchemy", error=KeyError("x"))).outcome is Outcome.CANDIDATE_ERROR
    assert judge(ok, Observation("sqlalchemy", timed_out=True)).outcome is Outcome.TIMED_OUT
    frozen = snapshot(Observation("legacy", [(1, 2)]))
    assert frozen.value == [[1, 2]]
    assert judge(frozen, Observation("sqlalchemy", [(1, 2)])).outcome is Outcome.MATCH
