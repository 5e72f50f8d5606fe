"""Deep comparison with the first differing path, e.g. ``data[3].play_duration: 5400 != 5460``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shim.compare.normalize import FLOAT_CLOSE, INT_FLOAT, TIE_ORDER, UNORDERED_ROWS, canonical, numbers_equal

__all__ = ["Difference", "compare_results", "first_difference", "json_kind", "row_count", "row_list_key"]

_MAX_SHOWN = 120


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


@dataclass(frozen=True, slots=True)
class Difference:
    """Where two results first differ, and how many rows each side has."""

    path: str
    expected: Any
    actual: Any
    detail: str = ""
    expected_rows: int | None = None
    actual_rows: int | None = None

    def __str__(self) -> str:
        if self.detail:
            return f"{self.path}: {self.detail}"
        return f"{self.path}: {_short(self.expected)} != {_short(self.actual)}"


@dataclass(slots=True)
class _Walk:
    tolerances: Counter[str] = field(default_factory=Counter)

    def diff(self, expected: Any, actual: Any, path: str) -> Difference | None:
        if isinstance(expected, bool) or isinstance(actual, bool):
            if type(expected) is not type(actual) or expected != actual:
                return Difference(path or "$", expected, actual)
            return None
        if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
            if not numbers_equal(expected, actual):
                return Difference(path or "$", expected, actual)
            if type(expected) is not type(actual):
                self.tolerances[INT_FLOAT.name] += 1
            elif isinstance(expected, float) and expected != actual:
                self.tolerances[FLOAT_CLOSE.name] += 1
            return None
        if isinstance(expected, dict) and isinstance(actual, dict):
            missing = [k for k in expected if k not in actual]
            extra = [k for k in actual if k not in expected]
            if missing or extra:
                detail = (f"missing keys {sorted(missing)[:5]}" if missing else "") + (
                    ("; " if missing and extra else "") + (f"unexpected keys {sorted(extra)[:5]}" if extra else "")
                )
                return Difference(path or "$", expected, actual, detail=detail)
            for key in expected:
                found = self.diff(expected[key], actual[key], f"{path}.{key}" if path else str(key))
                if found:
                    return found
            return None
        if isinstance(expected, list) and isinstance(actual, list):
            for index, (e, a) in enumerate(zip(expected, actual, strict=False)):
                found = self.diff(e, a, f"{path}[{index}]")
                if found:
                    return found
            if len(expected) != len(actual):
                return Difference(
                    f"{path}" or "$", expected, actual, detail=f"length {len(expected)} != {len(actual)}",
                    expected_rows=len(expected), actual_rows=len(actual),
                )
            return None
        if type(expected) is not type(actual) or expected != actual:
            return Difference(path or "$", expected, actual)
        return None

    def multiset(self, expected: list[Any], actual: list[Any], path: str) -> Difference | None:
        self.tolerances[UNORDERED_ROWS.name] += 1
        if len(expected) != len(actual):
            return Difference(path or "$", expected, actual, detail=f"row count {len(expected)} != {len(actual)}",
                              expected_rows=len(expected), actual_rows=len(actual))
        return self.bag(expected, actual, path, 0)

    def tied(self, expected: list[Any], actual: list[Any], path: str, keys: Sequence[str]) -> Difference | None:
        """Rows in order, except that a run of rows tying on every sort key is compared as a multiset."""
        if len(expected) != len(actual):
            return Difference(path or "$", expected, actual, detail=f"row count {len(expected)} != {len(actual)}",
                              expected_rows=len(expected), actual_rows=len(actual))
        start = 0
        while start < len(expected):
            group = _sort_key(expected[start], keys)
            end = start + 1
            while end < len(expected) and group is not None and _sort_key(expected[end], keys) == group:
                end += 1
            if end - start == 1:
                found = self.diff(expected[start], actual[start], f"{path}[{start}]")
            else:
                found = self.bag(expected[start:end], actual[start:end], path, start)
                if found is None and any(_Walk().diff(e, a, "") for e, a in
                                         zip(expected[start:end], actual[start:end], strict=True)):
                    self.tolerances[TIE_ORDER.name] += 1
            if found:
                return found
            start = end
        return None

    def bag(self, expected: list[Any], actual: list[Any], path: str, offset: int) -> Difference | None:
        """Compare two equally long row lists as multisets (``offset``: index of their first row)."""
        left = Counter(canonical(r) for r in expected)
        right = Counter(canonical(r) for r in actual)
        if left == right:
            return None
        # Rows the canonical form could not pair: pair them with the full rules before calling it a mismatch.
        only_expected = [r for r in expected if left[canonical(r)] > right.get(canonical(r), 0)]
        only_actual = [r for r in actual if right[canonical(r)] > left.get(canonical(r), 0)]
        unmatched = list(only_actual)
        for row in only_expected:
            for index, candidate in enumerate(unmatched):
                if _Walk().diff(row, candidate, "") is None:
                    del unmatched[index]
                    break
            else:
                position = offset + expected.index(row)
                closest = unmatched[0] if unmatched else None
                inner = _Walk().diff(row, closest, f"{path}[{position}]") if closest is not None else None
                detail = f"row {_short(row)} has no equal in the other result"
                if inner is not None:
                    detail += f" (closest differs at {inner})"
                return Difference(f"{path}[{position}]", row, closest, detail=detail,
                                  expected_rows=len(expected), actual_rows=len(actual))
        return None


def _sort_key(row: Any, keys: Sequence[str]) -> tuple[str, ...] | None:
    if not isinstance(row, dict):
        return None
    return tuple(canonical(row.get(key)) for key in keys)


def json_kind(value: Any) -> str:
    """The JSON type of a normalised value: object, array, string, number, boolean or null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def row_count(result: Any) -> int | None:
    """How many rows a result has (its row list's length), or None when it has no row list."""
    key = row_list_key(result)
    if key is None:
        return None
    return len(result) if key == "" else len(result[key])


def row_list_key(result: Any) -> str | None:
    """Where a result's row list is: ``""`` for a top-level list, ``"data"`` for a DataTables dict, else None."""
    if isinstance(result, list):
        return ""
    if isinstance(result, dict) and isinstance(result.get("data"), list):
        return "data"
    return None


def compare_results(
    expected: Any, actual: Any, *, ordered: bool = True, tie_keys: Sequence[str] | None = None
) -> tuple[Difference | None, Counter[str]]:
    """Compare two JSON-normalised results; return the first difference (or None) and tolerances applied.

    With ``ordered=False`` the row list (the top-level list, or ``data`` of a DataTables dict) is compared as
    a multiset; lists nested inside rows are always compared in order. With ``tie_keys`` (the ORDER BY
    columns) an ordered row list is compared in order except within runs of rows that tie on every key,
    which are compared as multisets (the ``tie_order`` tolerance, counted once per reordered run).
    """
    walk = _Walk()
    key = row_list_key(expected)
    tied = bool(ordered and tie_keys)
    if (ordered and not tied) or key is None or row_list_key(actual) != key:
        return walk.diff(expected, actual, ""), walk.tolerances

    def rows(left: list[Any], right: list[Any], path: str) -> Difference | None:
        return walk.tied(left, right, path, tuple(tie_keys or ())) if tied else walk.multiset(left, right, path)

    if key == "":
        return rows(expected, actual, ""), walk.tolerances
    rest_expected = {k: v for k, v in expected.items() if k != key}
    rest_actual = {k: v for k, v in actual.items() if k != key}
    found = walk.diff(rest_expected, rest_actual, "")
    if found is None:
        found = rows(expected[key], actual[key], key)
    return found, walk.tolerances


def first_difference(
    expected: Any, actual: Any, *, ordered: bool = True, tie_keys: Sequence[str] | None = None
) -> Difference | None:
    """The first difference between two normalised results, or None when they are equal."""
    return compare_results(expected, actual, ordered=ordered, tie_keys=tie_keys)[0]
