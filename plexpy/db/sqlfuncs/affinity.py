"""SQLite's type affinity: how bound values compare with and are stored in INTEGER/TEXT columns."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import String, bindparam, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Integer, TypeEngine

from plexpy.db.sqlfuncs.pg_values import _dynamic
from plexpy.db.sqlfuncs.text import stored_text

_NUMERIC_TEXT = re.compile(r"[ \t\n\f\r\v]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[ \t\n\f\r\v]*")


def integer_affinity(value: Any) -> int | float | None:
    """A bound value as an INTEGER column compares with it in SQLite (numeric affinity), or None.

    Numbers pass through (booleans become 0/1); text that SQLite reads as a number (``' 1'``, ``'01'``,
    ``'1.0'``, ``'1e0'``) becomes that number; anything else, such as ``'abc'`` or ``'0x1'``, can never equal
    a stored number and gives None, so the caller compares with ``false()`` instead of a value PostgreSQL
    would reject.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    match = _NUMERIC_TEXT.fullmatch(str(value))
    if match is None:
        return None
    literal_text = match.group(1)
    if any(ch in literal_text for ch in ".eE"):
        number = float(literal_text)
        return int(number) if number.is_integer() and abs(number) < 2**63 else number
    whole = int(literal_text)
    return whole if -(2**63) <= whole < 2**63 else float(whole)


def text_affinity(value: Any) -> Any:
    """A bound value as a TEXT column compares with it in SQLite: numbers become their text (``1`` → ``'1'``)."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return value


def affinity_equals(column: Any, value: Any) -> ColumnElement[bool]:
    """``column = ?`` as SQLite compares a bound value with a column's affinity (INTEGER or TEXT).

    A number or numeric text meets an INTEGER column as a number; other text can only equal text stored in
    that column, so it is compared with the column's text (``CAST``, which never equals a stored number). A
    TEXT column compares with a number's text. NULL (None) equals nothing, as ``col = NULL`` in SQLite.
    """
    from sqlalchemy import false  # noqa: PLC0415 - local to keep the import list short

    if value is None:
        return false()
    if isinstance(column.type, Integer):
        number = integer_affinity(value)
        return column == typed_literal(column, number) if number is not None else stored_text(column) == str(value)
    if isinstance(column.type, String):
        return column == text_affinity(value)  # type: ignore[no-any-return]
    return column == value  # type: ignore[no-any-return]


def value_type(expr: Any, fallback: TypeEngine[Any]) -> TypeEngine[Any]:
    """The type to bind a value compared with ``expr``: a dynamic column's own type, else ``fallback``."""
    return expr.type if _dynamic(expr) else fallback  # type: ignore[no-any-return]


def typed_literal(expr: Any, value: Any) -> ColumnElement[Any]:
    """A bound ``value`` to compare with ``expr``.

    Bound with a dynamic column's own type (``JSONB`` on PostgreSQL, SQLite's affinity applied), else as
    ``literal(value)``.
    """
    return literal(value, expr.type) if _dynamic(expr) else literal(value)


class blank_as_null(ColumnElement[Any]):
    """``NULLIF(x, '')``: an empty string read as NULL (Tautulli writes ``''`` into INTEGER columns).

    PostgreSQL cannot store ``''`` in a non-text column, so there the expression passes through unchanged.
    """

    inherit_cache = True
    _traverse_internals = [("expr", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, expr: Any) -> None:
        self.expr = expr
        self.type = getattr(expr, "type", String())


@compiles(blank_as_null, "sqlite")
def _blank_as_null_sqlite(element: blank_as_null, compiler: Any, **kw: Any) -> str:
    return f"NULLIF({compiler.process(element.expr, **kw)}, '')"


@compiles(blank_as_null, "postgresql")
def _blank_as_null_pg(element: blank_as_null, compiler: Any, **kw: Any) -> str:
    inner = compiler.process(element.expr, **kw)
    if _dynamic(element.expr):
        return f"NULLIF({inner}, '\"\"'::jsonb)"
    return f"NULLIF({inner}, '')" if isinstance(element.type, String) else str(inner)


class text_in_integer(ColumnElement[Any]):
    """A text value SQLite keeps as text in an INTEGER column (``''``, ``'abc'``: Tautulli writes both).

    SQLite stores the text as given; PostgreSQL cannot store text in an integer column, so there it is NULL
    (which ``blank_as_null`` reads back as SQLite's ``''`` reads). ``stored_values`` uses it.
    """

    inherit_cache = True
    _traverse_internals = [("value", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, value: str) -> None:
        self.value = bindparam(None, value, type_=String(), unique=True)
        self.type = Integer()


@compiles(text_in_integer, "sqlite")
def _text_in_integer_sqlite(element: text_in_integer, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.value, **kw))


@compiles(text_in_integer, "postgresql")
def _text_in_integer_pg(_element: text_in_integer, _compiler: Any, **_kw: Any) -> str:
    return "NULL"


def stored_values(table: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` for ``table``'s columns as SQLite's type affinity stores them, so every backend stores the same.

    INTEGER columns take numeric text as a number (``'1119'`` → 1119, ``'1.0'`` → 1) and whole floats as
    integers; other text stays text there (``text_in_integer``: NULL on PostgreSQL, which cannot store it).
    TEXT columns take integers as their text. Anything else is left as given.
    """
    stored: dict[str, Any] = {}
    for name, value in values.items():
        column_type = table.c[name].type
        if isinstance(column_type, Integer) and isinstance(value, (str, bool, float)):
            number = integer_affinity(value)
            if isinstance(number, float) and number.is_integer() and abs(number) < 2**63:
                number = int(number)
            kept = text_in_integer(value) if isinstance(value, str) and not _dynamic(table.c[name]) else value
            stored[name] = kept if number is None else number  # a dynamic column (jsonb) keeps the text itself
        elif isinstance(column_type, String) and isinstance(value, int):
            stored[name] = str(int(value))
        else:
            stored[name] = value
    return stored
