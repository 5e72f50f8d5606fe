"""Local-time formatting: SQLite's ``strftime(..., 'localtime')`` in the configured zone on every backend."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, bindparam, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from plexpy import context
from plexpy.db.sqlfuncs.pg_values import _pg_number

# SQLite strftime directives → PostgreSQL to_char patterns (those Tautulli's queries use).
_PG_FORMATS = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "HH24", "%M": "MI", "%S": "SS", "%w": "D"}


class local_strftime(FunctionElement[str]):
    """``strftime(fmt, epoch, 'unixepoch', 'localtime')`` in the call's configured time zone."""

    type = String()
    inherit_cache = True
    # The PostgreSQL form writes the pattern into the SQL text, so it must be part of the cache key.
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's API
        *FunctionElement._traverse_internals, ("fmt", InternalTraversal.dp_string),
    ]
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
    seconds = f"CAST({_pg_number(epoch, compiler, **kw)} AS double precision)"
    stamp = f"(to_timestamp({seconds}) AT TIME ZONE {compiler.process(tz, **kw)})"
    if weekday:  # SQLite %w: 0 = Sunday … 6; PostgreSQL D: 1 = Sunday … 7
        return f"CAST(CAST(to_char({stamp}, 'D') AS integer) - 1 AS text)"
    return f"to_char({stamp}, '{pattern}')"


class local_strftime_keyed(local_strftime):
    """``local_strftime`` with its format in SQLAlchemy's statement cache key.

    The PostgreSQL form inlines the format into ``to_char``'s pattern, but ``local_strftime`` keys the format
    only as a bound value, so two statements differing only in format share one cached compiled form there.
    This subclass compiles the same way and keys the format too.
    """

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's API
        *local_strftime._traverse_internals, ("fmt", InternalTraversal.dp_string),
    ]
