"""SQLite's text of values: ``CAST(x AS TEXT)`` and ``group_concat`` (with its window form on PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, ColumnElement, FunctionElement, Over
from sqlalchemy.sql.visitors import InternalTraversal

from plexpy.db.sqlfuncs.pg_values import _pg_text


class stored_text(ColumnElement[str]):
    """``CAST(x AS TEXT)``: SQLite's text of a value (``12`` → ``'12'``, ``''`` stays ``''``).

    PostgreSQL: a dynamic (``JSONB``) column's value as text with ``#>> '{}'`` (``CAST`` would give the JSON
    text, ``'"abc"'``); other values ``CAST(x AS text)``.
    """

    inherit_cache = True
    _traverse_internals = [("expr", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, expr: Any) -> None:
        self.expr = expr if isinstance(expr, ClauseElement) else literal(expr)
        self.type = String()

    @property
    def _from_objects(self) -> list[Any]:
        return list(self.expr._from_objects)


@compiles(stored_text, "sqlite")
def _stored_text_sqlite(element: stored_text, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.expr, **kw)} AS TEXT)"


@compiles(stored_text, "postgresql")
def _stored_text_pg(element: stored_text, compiler: Any, **kw: Any) -> str:
    return _pg_text(element.expr, compiler, **kw)


class group_concat(FunctionElement[str]):
    """SQLite's ``group_concat(x)`` (comma-joined text); ``string_agg`` over text on PostgreSQL.

    SQLite 3.40 has no ORDER BY inside an aggregate call: use it as a window function
    (``.over(partition_by=..., order_by=..., rows=(None, None))``) to fix the order on every backend.
    """

    type = String()
    inherit_cache = True
    name = "group_concat"


@compiles(group_concat, "sqlite")
def _group_concat_sqlite(element: group_concat, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)})"


@compiles(group_concat, "postgresql")
def _group_concat_pg(element: group_concat, compiler: Any, **kw: Any) -> str:
    (expr,) = list(element.clauses)
    return f"string_agg({_pg_text(expr, compiler, **kw)}, ',')"


@compiles(Over, "postgresql")
def _over_pg(element: Over[Any], compiler: Any, **kw: Any) -> str:
    text = str(compiler.visit_over(element, **kw))
    # SQLite's group_concat as a window function gives NULL, not '', when the joined text is empty (one ''
    # value); as an aggregate it gives ''.
    return f"NULLIF({text}, '')" if isinstance(element.element, group_concat) else text
