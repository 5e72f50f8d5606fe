"""SQLite behaviours the SQLAlchemy path reproduces, one ``@compiles`` construct per quirk and dialect.

Each construct compiles to SQLite's own form on SQLite and to an equivalent on PostgreSQL, so a query is
written once and no query contains ``if dialect == ...``. ``docs/comparison_rules.md`` lists them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, bindparam, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, ColumnElement, FunctionElement
from sqlalchemy.types import Integer

from plexpy import context

__all__ = ["ascii_like", "local_strftime", "nocase", "nocase_equals"]

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"

# SQLite strftime directives → PostgreSQL to_char patterns (those Tautulli's queries use).
_PG_FORMATS = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "HH24", "%M": "MI", "%S": "SS", "%w": "D"}


class local_strftime(FunctionElement[str]):
    """``strftime(fmt, epoch, 'unixepoch', 'localtime')`` in the call's configured time zone."""

    type = String()
    inherit_cache = True
    name = "local_strftime"

    def __init__(self, fmt: str, epoch: Any, tz: str | None = None) -> None:
        self.fmt = fmt
        zone = tz or context.local_tz_name()
        super().__init__(literal(fmt, String()), epoch, bindparam(None, zone, type_=String(), unique=True))


@compiles(local_strftime, "sqlite")
def _local_strftime_sqlite(element: local_strftime, compiler: Any, **kw: Any) -> str:
    fmt, epoch, tz = list(element.clauses)
    return f"tz_strftime({compiler.process(fmt, **kw)}, {compiler.process(epoch, **kw)}, {compiler.process(tz, **kw)})"


@compiles(local_strftime, "postgresql")
def _local_strftime_pg(element: local_strftime, compiler: Any, **kw: Any) -> str:
    _fmt, epoch, tz = list(element.clauses)
    pattern = element.fmt
    weekday = pattern == "%w"
    for directive, replacement in _PG_FORMATS.items():
        pattern = pattern.replace(directive, replacement)
    seconds = f"CAST({compiler.process(epoch, **kw)} AS double precision)"
    stamp = f"(to_timestamp({seconds}) AT TIME ZONE {compiler.process(tz, **kw)})"
    if weekday:  # SQLite %w: 0 = Sunday … 6; PostgreSQL D: 1 = Sunday … 7
        return f"CAST(CAST(to_char({stamp}, 'D') AS integer) - 1 AS text)"
    return f"to_char({stamp}, '{pattern}')"


class nocase(ColumnElement[Any]):
    """A sort key with SQLite's ``COLLATE NOCASE``: ASCII-only case folding."""

    inherit_cache = True

    def __init__(self, expr: Any) -> None:
        self.expr = expr
        self.type = getattr(expr, "type", String())


@compiles(nocase, "sqlite")
def _nocase_sqlite(element: nocase, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.expr, **kw)} COLLATE NOCASE"


@compiles(nocase, "postgresql")
def _nocase_pg(element: nocase, compiler: Any, **kw: Any) -> str:
    inner = compiler.process(element.expr, **kw)
    if isinstance(element.type, Integer):
        return inner
    return f"translate(CAST({inner} AS text), '{_UPPER}', '{_LOWER}') COLLATE \"C\""


class ascii_like(ColumnElement[bool]):
    """SQLite's ``LIKE``: ASCII case-insensitive, works on numbers through their text, no escape char."""

    inherit_cache = True

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
    left = f"translate(CAST({compiler.process(element.expr, **kw)} AS text), '{_UPPER}', '{_LOWER}')"
    right = f"translate(CAST({compiler.process(element.pattern, **kw)} AS text), '{_UPPER}', '{_LOWER}')"
    return f"({left} LIKE {right} ESCAPE '')"


class nocase_equals(ColumnElement[bool]):
    """``a = b COLLATE NOCASE``: equality with ASCII-only case folding (``É`` still differs from ``é``)."""

    inherit_cache = True

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
    left = f"translate(CAST({compiler.process(element.expr, **kw)} AS text), '{_UPPER}', '{_LOWER}')"
    right = f"translate(CAST({compiler.process(element.value, **kw)} AS text), '{_UPPER}', '{_LOWER}')"
    return f"({left} = {right})"
