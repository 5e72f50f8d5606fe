"""SQLite behaviours the SQLAlchemy path reproduces, one ``@compiles`` construct per quirk and dialect.

Each construct compiles to SQLite's own form on SQLite and to an equivalent on PostgreSQL, so a query is
written once and no query contains ``if dialect == ...``. ``docs/comparison_rules.md`` lists them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import String, bindparam, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.expression import ClauseElement, ColumnElement, FunctionElement, Over
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Integer, Numeric, TypeDecorator, TypeEngine

from plexpy import context

__all__ = [
    "SqliteNumber",
    "affinity_equals",
    "any_not_null",
    "ascii_like",
    "ascii_upper",
    "autoincrement_value",
    "binary_collate",
    "blank_as_null",
    "group_concat",
    "insert_or_ignore",
    "integer_affinity",
    "local_strftime",
    "local_strftime_keyed",
    "nocase",
    "nocase_equals",
    "raise_autoincrement",
    "reset_autoincrement",
    "scalar_min",
    "sqlite_max",
    "sqlite_min",
    "sqlite_number",
    "sqlite_sum",
    "stored_text",
    "stored_values",
    "text_affinity",
    "typed_literal",
    "value_type",
]

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"

def _dynamic(expr: Any) -> bool:
    """Whether ``expr`` is a column holding SQLite's dynamic values on PostgreSQL (``JSONB``, pgtypes)."""
    from plexpy.db import pgtypes  # noqa: PLC0415 - pgtypes imports this module

    return pgtypes.is_dynamic(getattr(expr, "type", None))


def _pg_text(expr: Any, compiler: Any, **kw: Any) -> str:
    """SQLite's text of a value on PostgreSQL: ``#>> '{}'`` for a dynamic column (not the JSON text)."""
    inner = compiler.process(expr, **kw)
    return f"({inner} #>> '{{}}')" if _dynamic(expr) else f"CAST({inner} AS text)"


def _pg_number(expr: Any, compiler: Any, **kw: Any) -> str:
    """SQLite's numeric reading of a value on PostgreSQL (a dynamic column's text reads as 0)."""
    inner = compiler.process(expr, **kw)
    if not _dynamic(expr):
        return str(inner)
    # Text reads as 0.0: SQLite's sum() over any text is a real (numeric scale 1 makes SqliteNumber a float).
    return f"(CASE WHEN jsonb_typeof({inner}) = 'number' THEN CAST({inner} AS numeric) " \
           f"WHEN {inner} IS NULL THEN NULL ELSE 0.0 END)"


def _pg_sort_key(expr: Any, compiler: Any, *, fold: bool, **kw: Any) -> str:
    """A dynamic column's sort key on PostgreSQL with SQLite's order: NULL, then numbers, then text (bytewise).

    ``jsonb`` itself puts strings before numbers. A row ``(class, number, text bytes)`` sorts as SQLite does
    and keeps ``ASC``/``DESC`` one key; ``fold`` folds ASCII letters first (``NOCASE``).
    """
    inner = compiler.process(expr, **kw)
    text = f"({inner} #>> '{{}}')"
    if fold:
        text = f"translate({text}, '{_UPPER}', '{_LOWER}')"
    return (f"ROW(CASE WHEN {inner} IS NULL THEN 0 WHEN jsonb_typeof({inner}) = 'number' THEN 1 ELSE 2 END, "
            f"CASE WHEN jsonb_typeof({inner}) = 'number' THEN CAST({inner} AS numeric) END, "
            f"CASE WHEN jsonb_typeof({inner}) = 'string' THEN convert_to({text}, 'UTF8') END)")


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


class scalar_min(ColumnElement[Any]):
    """SQLite's two-argument scalar ``MIN(a, b)``: the smaller value, NULL when either is NULL.

    PostgreSQL's ``LEAST`` skips NULLs, so it is wrapped to give NULL as SQLite does.
    """

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's API
        ("left", InternalTraversal.dp_clauseelement), ("right", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, left: Any, right: Any) -> None:
        self.left = left if isinstance(left, ClauseElement) else literal(left)
        self.right = right if isinstance(right, ClauseElement) else literal(right)
        self.type = getattr(self.left, "type", None)


@compiles(scalar_min, "sqlite")
def _scalar_min_sqlite(element: scalar_min, compiler: Any, **kw: Any) -> str:
    return f"min({compiler.process(element.left, **kw)}, {compiler.process(element.right, **kw)})"


@compiles(scalar_min, "postgresql")
def _scalar_min_pg(element: scalar_min, compiler: Any, **kw: Any) -> str:
    left, right = compiler.process(element.left, **kw), compiler.process(element.right, **kw)
    return f"(CASE WHEN ({left}) IS NULL OR ({right}) IS NULL THEN NULL ELSE least({left}, {right}) END)"


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


class insert_or_ignore(Insert):
    """``INSERT OR IGNORE``: a row that breaks a UNIQUE constraint is skipped, the statement goes on.

    As in SQLite, a skipped row still draws the next AUTOINCREMENT value; PostgreSQL's
    ``ON CONFLICT DO NOTHING`` draws ``nextval`` the same way. Build it like ``insert(table)``.
    """

    inherit_cache = True


@compiles(insert_or_ignore, "sqlite")
def _insert_or_ignore_sqlite(element: insert_or_ignore, compiler: Any, **kw: Any) -> str:
    return "INSERT OR IGNORE" + str(compiler.visit_insert(element, **kw))[len("INSERT"):]


@compiles(insert_or_ignore, "postgresql")
def _insert_or_ignore_pg(element: insert_or_ignore, compiler: Any, **kw: Any) -> str:
    return f"{compiler.visit_insert(element, **kw)} ON CONFLICT DO NOTHING"


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _pg_serial(table_name: str) -> str:
    return f"CAST(pg_get_serial_sequence({_sql_string(table_name)}, 'id') AS regclass)"


class autoincrement_value(ColumnElement[int]):
    """A table's AUTOINCREMENT high-water mark (its ``sqlite_sequence`` row), 0 when it has none.

    PostgreSQL: the last value of the table's ``id`` serial, 0 when never drawn or when there is none.
    """

    inherit_cache = True
    _traverse_internals = [("table_name", InternalTraversal.dp_string)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name
        self.type = Integer()


@compiles(autoincrement_value, "sqlite")
def _autoincrement_value_sqlite(element: autoincrement_value, _compiler: Any, **_kw: Any) -> str:
    return f"coalesce((SELECT seq FROM sqlite_sequence WHERE name = {_sql_string(element.table_name)}), 0)"


@compiles(autoincrement_value, "postgresql")
def _autoincrement_value_pg(element: autoincrement_value, _compiler: Any, **_kw: Any) -> str:
    return f"coalesce(pg_sequence_last_value({_pg_serial(element.table_name)}), 0)"


class reset_autoincrement(Executable, ClauseElement):
    """Forget a table's AUTOINCREMENT high-water mark (delete its ``sqlite_sequence`` row).

    PostgreSQL: restart the table's ``id`` serial so the next value drawn is 1.
    """

    inherit_cache = True
    _traverse_internals = [("table_name", InternalTraversal.dp_string)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name


@compiles(reset_autoincrement, "sqlite")
def _reset_autoincrement_sqlite(element: reset_autoincrement, _compiler: Any, **_kw: Any) -> str:
    return f"DELETE FROM sqlite_sequence WHERE name = {_sql_string(element.table_name)}"


@compiles(reset_autoincrement, "postgresql")
def _reset_autoincrement_pg(element: reset_autoincrement, _compiler: Any, **_kw: Any) -> str:
    return f"SELECT setval({_pg_serial(element.table_name)}, 1, false)"


class raise_autoincrement(ColumnElement[Any]):
    """After rows were inserted with explicit ids: lift the table's counter to its highest id.

    SQLite's AUTOINCREMENT already did (``NULL``, nothing to do); a PostgreSQL serial does not follow explicit
    ids, so it is set to ``max(last value, max(id))``. Use as ``select(raise_autoincrement(name))``.
    """

    inherit_cache = True
    _traverse_internals = [("table_name", InternalTraversal.dp_string)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name
        self.type = Integer()


@compiles(raise_autoincrement, "sqlite")
def _raise_autoincrement_sqlite(_element: raise_autoincrement, _compiler: Any, **_kw: Any) -> str:
    return "NULL"


@compiles(raise_autoincrement, "postgresql")
def _raise_autoincrement_pg(element: raise_autoincrement, compiler: Any, **_kw: Any) -> str:
    serial = _pg_serial(element.table_name)
    highest = (f"greatest(coalesce(pg_sequence_last_value({serial}), 0), "
               f"coalesce((SELECT max(id) FROM {compiler.preparer.quote(element.table_name)}), 0))")
    return f"(SELECT setval(s.serial, greatest(s.v, 1), s.v > 0) FROM (SELECT {serial} AS serial, {highest} AS v) " \
           "AS s WHERE s.serial IS NOT NULL)"


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


class SqliteNumber(TypeDecorator[Any]):
    """A number read back with SQLite's storage class.

    PostgreSQL's ``numeric`` (``Decimal``) becomes ``int`` when its scale is 0 and ``float`` otherwise (``sum``
    of integers is an integer, of reals a real, as in SQLite: ``numeric`` keeps the inputs' scale). Other
    values pass through (SQLite gives int/float already).
    """

    impl = Integer
    cache_ok = True

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine[Any]:
        """A Python operand binds as its own kind (``x * 1.0`` stays a real; an INTEGER cast would drop it)."""
        from sqlalchemy.types import Float  # noqa: PLC0415 - local to keep the import list short

        return Float() if isinstance(value, float) else Integer()

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        """``Decimal`` → ``int`` (scale 0) or ``float``."""
        if isinstance(value, Decimal):
            return int(value) if value.as_tuple().exponent == 0 else float(value)
        return value


class sqlite_number(ColumnElement[Any]):
    """A value as SQLite's arithmetic and aggregates read it: the expression itself on SQLite.

    PostgreSQL: a dynamic column's JSON number as ``numeric``, its text as 0 (``''`` is all Tautulli stores
    there), NULL as NULL; other expressions unchanged. Typed :class:`SqliteNumber`, so ``func.sum(…)``,
    ``max``/``min`` over it read back as SQLite's ``int`` or ``float``, never ``Decimal`` (PostgreSQL's ``sum``
    of ``bigint`` is ``numeric`` too).
    """

    inherit_cache = True
    _traverse_internals = [("expr", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, expr: Any) -> None:
        self.expr = expr if isinstance(expr, ClauseElement) else literal(expr)
        self.type = SqliteNumber()

    @property
    def _from_objects(self) -> list[Any]:
        return list(self.expr._from_objects)


@compiles(sqlite_number, "sqlite")
def _sqlite_number_sqlite(element: sqlite_number, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.expr, **kw))


@compiles(sqlite_number, "postgresql")
def _sqlite_number_pg(element: sqlite_number, compiler: Any, **kw: Any) -> str:
    return _pg_number(element.expr, compiler, **kw)


def sqlite_sum(expr: Any) -> Any:
    """SQLite's ``sum(x)``: an ``int`` over integers (``float`` over reals) on every backend, text read as 0."""
    from sqlalchemy import func  # noqa: PLC0415 - local to keep the import list short

    return func.sum(sqlite_number(expr))


class sqlite_max(FunctionElement[Any]):
    """SQLite's aggregate ``max(x)`` (not as a window): across storage classes, NULL < numbers < text.

    PostgreSQL has no ``max(jsonb)``: for a dynamic column it takes the first of the non-NULL values ordered
    text-last, descending; other expressions use ``max``.
    """

    inherit_cache = True
    name = "max"
    _descending = True

    def __init__(self, expr: Any) -> None:
        super().__init__(expr)
        self.type = getattr(expr, "type", Integer())


class sqlite_min(sqlite_max):
    """SQLite's aggregate ``min(x)`` (not as a window); see :class:`sqlite_max`."""

    inherit_cache = True
    name = "min"
    _descending = False


@compiles(sqlite_max, "sqlite")
def _sqlite_max_sqlite(element: sqlite_max, compiler: Any, **kw: Any) -> str:
    return f"{element.name}({compiler.process(element.clauses, **kw)})"


@compiles(sqlite_max, "postgresql")
def _sqlite_max_pg(element: sqlite_max, compiler: Any, **kw: Any) -> str:
    (expr,) = list(element.clauses)
    inner = compiler.process(expr, **kw)
    if not _dynamic(expr):
        return f"{element.name}({inner})"
    way = "DESC" if element._descending else "ASC"
    order = f"(jsonb_typeof({inner}) = 'string') {way}, {inner} {way}"
    return f"(array_agg({inner} ORDER BY {order}) FILTER (WHERE {inner} IS NOT NULL))[1]"


def value_type(expr: Any, fallback: TypeEngine[Any]) -> TypeEngine[Any]:
    """The type to bind a value compared with ``expr``: a dynamic column's own type, else ``fallback``."""
    return expr.type if _dynamic(expr) else fallback  # type: ignore[no-any-return]


def typed_literal(expr: Any, value: Any) -> ColumnElement[Any]:
    """A bound ``value`` to compare with ``expr``.

    Bound with a dynamic column's own type (``JSONB`` on PostgreSQL, SQLite's affinity applied), else as
    ``literal(value)``.
    """
    return literal(value, expr.type) if _dynamic(expr) else literal(value)


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


class any_not_null(ColumnElement[bool]):
    """``(a IS NOT NULL OR b IS NOT NULL ...)``: true unless every expression is NULL.

    One element instead of one operator expression per column: a DataTables query keeps only rows with some
    value (Tautulli drops all-NULL rows), and building that test over 50 columns was a third of the cost of
    wrapping a query. Same SQL on every dialect.
    """

    inherit_cache = True
    _is_implicitly_boolean = True  # already a predicate: no "= 1" appended in WHERE on SQLite
    _traverse_internals = [("clauses", InternalTraversal.dp_clauseelement_list)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, *clauses: ColumnElement[Any]) -> None:
        from sqlalchemy import Boolean  # noqa: PLC0415 - local to keep the import list short

        self.clauses = list(clauses)
        self.type = Boolean()


@compiles(any_not_null, "sqlite")
@compiles(any_not_null, "postgresql")
def _any_not_null(element: any_not_null, compiler: Any, **kw: Any) -> str:
    if not element.clauses:
        return "0 = 1"
    return "(" + " OR ".join(f"{compiler.process(c, **kw)} IS NOT NULL" for c in element.clauses) + ")"
