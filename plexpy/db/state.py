"""Whole-database state as data: dump every table in key order and compare with a recorded final state.

Values keep their storage class (``1``, ``1.0`` and ``'1'`` differ), ``sqlite_sequence`` is data, and rows are
ordered by primary key (or by every column for a table without one), as ``final_state.json`` records them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import column as sql_column
from sqlalchemy import inspect, select, table
from sqlalchemy.engine import Engine

__all__ = ["StateDifference", "compare_state", "dump_state"]

TableState = dict[str, Any]


def _order_columns(engine: Engine, name: str, columns: list[str]) -> list[str]:
    if name == "sqlite_sequence":
        return ["name"]
    primary = inspect(engine).get_pk_constraint(name).get("constrained_columns") or []
    return list(primary) or list(columns)


def dump_state(engine: Engine, tables: Iterable[str] | None = None) -> dict[str, TableState]:
    """Every (or the named) table as ``{"columns": [...], "rows": [[...], ...]}`` in key order."""
    inspector = inspect(engine)
    names = list(tables) if tables is not None else sorted(inspector.get_table_names())
    state: dict[str, TableState] = {}
    with engine.connect() as conn:
        for name in names:
            is_sequence = name == "sqlite_sequence"
            columns = ["name", "seq"] if is_sequence else [c["name"] for c in inspector.get_columns(name)]
            tbl = table(name, *(sql_column(c) for c in columns))
            order = _order_columns(engine, name, columns)
            stmt = select(*(tbl.c[c] for c in columns)).order_by(*(tbl.c[c] for c in order))
            rows = [list(r) for r in conn.execute(stmt)]
            state[name] = {"columns": columns, "rows": rows}
    return state


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


class StateDifference(str):
    """One human-readable difference between two database states."""

    __slots__ = ()


def _row_differences(
    name: str, columns: list[str], want: list[list[Any]], have: list[list[Any]]
) -> list[StateDifference]:
    keyed = bool(columns) and columns[0] in ("id", "name")
    if not keyed:
        pairs = list(zip(want, have, strict=False))
        out = [] if len(want) == len(have) else [
            StateDifference(f"{name}: {len(want)} rows expected, {len(have)} found")
        ]
    else:
        want_by = {row[0]: row for row in want}
        have_by = {row[0]: row for row in have}
        missing = [k for k in want_by if k not in have_by]
        extra = [k for k in have_by if k not in want_by]
        out = []
        if missing:
            out.append(StateDifference(f"{name}: {len(missing)} rows missing (keys {missing[:5]})"))
        if extra:
            out.append(StateDifference(f"{name}: {len(extra)} unexpected rows (keys {extra[:5]})"))
        pairs = [(want_by[k], have_by[k]) for k in want_by if k in have_by]
    for w, h in pairs:
        bad = [i for i, (a, b) in enumerate(zip(w, h, strict=True)) if not _same(a, b)]
        if bad:
            first = bad[0]
            more = f" (+{len(bad) - 1} more columns)" if len(bad) > 1 else ""
            out.append(StateDifference(f"{name}[key {w[0]!r}].{columns[first]}: {w[first]!r} != {h[first]!r}{more}"))
    return out


def compare_state(
    expected: Mapping[str, TableState], actual: Mapping[str, TableState], *, limit: int = 20
) -> list[StateDifference]:
    """Differences between a recorded state and a dumped one (tables, columns, rows by storage class)."""
    found: list[StateDifference] = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            found.append(StateDifference(f"{name}: table missing"))
            continue
        if name not in expected:
            found.append(StateDifference(f"{name}: unexpected table"))
            continue
        want, have = expected[name], actual[name]
        if list(want["columns"]) != list(have["columns"]):
            found.append(StateDifference(f"{name}: columns {want['columns']} != {have['columns']}"))
            continue
        found.extend(_row_differences(name, list(want["columns"]), want["rows"], have["rows"]))
        if len(found) >= limit:
            break
    return found[:limit]
