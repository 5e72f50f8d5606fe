"""SQLite behaviours the SQLAlchemy path reproduces, one ``@compiles`` construct per quirk and dialect.

Each construct compiles to SQLite's own form on SQLite and to an equivalent on PostgreSQL, so a query is
written once and no query contains ``if dialect == ...``. ``docs/comparison_rules.md`` lists them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import String, bindparam, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.expression import ClauseElement, ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Integer

from plexpy import context

__all__ = [
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
    "stored_values",
    "text_affinity",
]

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"

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
    seconds = f"CAST({compiler.process(epoch, **kw)} AS double precision)"
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
    inner = compiler.process(element.expr, **kw)
    if isinstance(element.type, Integer):
        return inner
    return f"translate(CAST({inner} AS text), '{_UPPER}', '{_LOWER}') COLLATE \"C\""


class ascii_like(ColumnElement[bool]):
    """SQLite's ``LIKE``: ASCII case-insensitive, works on numbers through their text, no escape char."""

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
    left = f"translate(CAST({compiler.process(element.expr, **kw)} AS text), '{_UPPER}', '{_LOWER}')"
    right = f"translate(CAST({compiler.process(element.pattern, **kw)} AS text), '{_UPPER}', '{_LOWER}')"
    return f"({left} LIKE {right} ESCAPE '')"


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
    left = f"translate(CAST({compiler.process(element.expr, **kw)} AS text), '{_UPPER}', '{_LOWER}')"
    right = f"translate(CAST({compiler.process(element.value, **kw)} AS text), '{_UPPER}', '{_LOWER}')"
    return f"({left} = {right})"


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
    return f"translate(CAST({compiler.process(element.expr, **kw)} AS text), '{_LOWER}', '{_UPPER}')"


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
    from sqlalchemy import cast, false  # noqa: PLC0415 - local to keep the import list short

    if value is None:
        return false()
    if isinstance(column.type, Integer):
        number = integer_affinity(value)
        return column == number if number is not None else cast(column, String()) == str(value)
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
    return f"string_agg(CAST({compiler.process(element.clauses, **kw)} AS text), ',')"


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
            stored[name] = (text_in_integer(value) if isinstance(value, str) else value) if number is None else number
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
