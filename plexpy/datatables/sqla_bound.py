"""``matches`` for statements built once per shape: the comparison's kind now, its value at execution.

:func:`~plexpy.datatables.sqla_sql.matches` compares a column with a value as SQLite's affinity would, and
what it builds depends on the value (a number, text compared with the column's text, NULL). For a cached
statement (:mod:`plexpy.db.stmt_cache`) :func:`matches_shape` names that dependence (the *kind*, part of the
shape) and gives the value to bind; :func:`bound_matches` builds the clause with ``matches`` itself for a
sentinel of that kind and names its bind, so it compiles exactly as ``matches`` does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from plexpy.datatables.custom_where import sqlite_numeric, sqlite_text
from plexpy.datatables.sqla_sql import affinity_of, matches
from plexpy.db.stmt_cache import SENTINELS, named_bind

__all__ = ["bound_matches", "matches_shape"]


def matches_shape(expr: ColumnElement[Any], value: Any) -> tuple[Any, Any]:
    """(kind, value to bind) of ``matches(expr, value)``.

    The kind is ``"never"`` (NULL), the bound value's type name (``int``, ``float``, ``str``), or for a value
    of any other type ``("literal", value)``: that value is then part of the shape.
    """
    if value is None:
        return "never", None
    affinity = affinity_of(expr)
    if affinity == "integer":
        number = sqlite_numeric(value)
        bound = value if number is None else number  # text that is not a number compares as text
    elif affinity == "text":
        bound = sqlite_text(value)
    else:
        bound = value
    kind = type(bound).__name__
    return (kind, bound) if kind in SENTINELS else (("literal", value), None)


def bound_matches(expr: ColumnElement[Any], kind: Any, name: str) -> ColumnElement[bool]:
    """``matches(expr, :name)`` for a value of ``kind`` (from :func:`matches_shape`), bound at execution."""
    if kind == "never":
        return matches(expr, None)
    if isinstance(kind, tuple):
        return matches(expr, kind[1])
    return named_bind(matches(expr, SENTINELS[kind]), SENTINELS[kind], name)  # type: ignore[no-any-return]
