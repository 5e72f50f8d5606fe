"""SQLite's text comparison: ``NOCASE``/``BINARY`` collations, ASCII-only ``LIKE`` and ``upper``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Integer, Numeric

from plexpy.db.sqlfuncs.aggregates import SqliteNumber
from plexpy.db.sqlfuncs.pg_values import _LOWER, _UPPER, _dynamic, _pg_sort_key, _pg_text


class nocase(ColumnElement[Any]):
    """A sort key with SQLite's ``COLLATE NOCASE``: ASCII-only case folding."""

    inherit_cache = True
    _traverse_internals = [("expr", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, expr: Any) -> None:
        self.expr = expr
        self.type = getattr(expr, "type", String())


@compiles(nocase, "sqlite")
def _nocase_sqlite(element: nocase, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.expr, **kw)} COLLATE NOCASE"


@compiles(nocase, "postgresql")
def _nocase_pg(element: nocase, compiler: Any, **kw: Any) -> str:
    if _dynamic(element.expr):
        return _pg_sort_key(element.expr, compiler, fold=True, **kw)
    if isinstance(element.type, (Integer, Numeric, SqliteNumber)):  # NOCASE changes only how text compares
        return str(compiler.process(element.expr, **kw))
    return f"translate({_pg_text(element.expr, compiler, **kw)}, '{_UPPER}', '{_LOWER}') COLLATE \"C\""


class ascii_like(ColumnElement[bool]):
    """SQLite's ``LIKE``: ASCII case-insensitive, works on numbers through their text, no escape char.

    PostgreSQL: both sides folded with ``translate`` (ASCII only), compared bytewise, with no escape character
    (a backslash is a literal character, as in SQLite without ``ESCAPE``).
    """

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's API
        ("expr", InternalTraversal.dp_clauseelement), ("pattern", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, expr: Any, pattern: Any) -> None:
        from sqlalchemy import Boolean  # noqa: PLC0415 - local to keep the import list short

        self.expr = expr if isinstance(expr, ClauseElement) else literal(expr)
        self.pattern = pattern if isinstance(pattern, ClauseElement) else literal(pattern, String())
        self.type = Boolean()


@compiles(ascii_like, "sqlite")
def _ascii_like_sqlite(element: ascii_like, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.expr, **kw)} LIKE {compiler.process(element.pattern, **kw)})"


@compiles(ascii_like, "postgresql")
def _ascii_like_pg(element: ascii_like, compiler: Any, **kw: Any) -> str:
    left = f"translate({_pg_text(element.expr, compiler, **kw)}, '{_UPPER}', '{_LOWER}')"
    right = f"translate({_pg_text(element.pattern, compiler, **kw)}, '{_UPPER}', '{_LOWER}')"
    return f"({left} COLLATE \"C\" LIKE {right} ESCAPE '')"


class nocase_equals(ColumnElement[bool]):
    """``a = b COLLATE NOCASE``: equality with ASCII-only case folding (``É`` still differs from ``é``)."""

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's API
        ("expr", InternalTraversal.dp_clauseelement), ("value", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, expr: Any, value: Any) -> None:
        from sqlalchemy import Boolean  # noqa: PLC0415 - local to keep the import list short

        self.expr = expr if isinstance(expr, ClauseElement) else literal(expr)
        self.value = value if isinstance(value, ClauseElement) else literal(value, String())
        self.type = Boolean()


@compiles(nocase_equals, "sqlite")
def _nocase_equals_sqlite(element: nocase_equals, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.expr, **kw)} = {compiler.process(element.value, **kw)} COLLATE NOCASE)"


@compiles(nocase_equals, "postgresql")
def _nocase_equals_pg(element: nocase_equals, compiler: Any, **kw: Any) -> str:
    left = f"translate({_pg_text(element.expr, compiler, **kw)}, '{_UPPER}', '{_LOWER}')"
    right = f"translate({_pg_text(element.value, compiler, **kw)}, '{_UPPER}', '{_LOWER}')"
    return f"({left} = {right} COLLATE \"C\")"


class ascii_upper(ColumnElement[str]):
    """SQLite's ``upper(x)``: folds ASCII letters only (``é`` stays ``é``); NULL stays NULL."""

    inherit_cache = True
    _traverse_internals = [("expr", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, expr: Any) -> None:
        self.expr = expr if isinstance(expr, ClauseElement) else literal(expr, String())
        self.type = String()


@compiles(ascii_upper, "sqlite")
def _ascii_upper_sqlite(element: ascii_upper, compiler: Any, **kw: Any) -> str:
    return f"upper({compiler.process(element.expr, **kw)})"


@compiles(ascii_upper, "postgresql")
def _ascii_upper_pg(element: ascii_upper, compiler: Any, **kw: Any) -> str:
    return f"translate({_pg_text(element.expr, compiler, **kw)}, '{_LOWER}', '{_UPPER}')"


class binary_collate(ColumnElement[Any]):
    """A text sort key with SQLite's default BINARY collation: bytewise comparison.

    PostgreSQL's default collation follows the locale, so text gets ``COLLATE "C"`` there; non-text
    expressions pass through unchanged.
    """

    inherit_cache = True
    _traverse_internals = [("expr", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, expr: Any) -> None:
        self.expr = expr
        self.type = getattr(expr, "type", String())


@compiles(binary_collate, "sqlite")
def _binary_collate_sqlite(element: binary_collate, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.expr, **kw))


@compiles(binary_collate, "postgresql")
def _binary_collate_pg(element: binary_collate, compiler: Any, **kw: Any) -> str:
    if _dynamic(element.expr):
        return _pg_sort_key(element.expr, compiler, fold=False, **kw)
    inner = compiler.process(element.expr, **kw)
    if isinstance(element.type, String):
        return f'({inner}) COLLATE "C"'
    return str(inner)
