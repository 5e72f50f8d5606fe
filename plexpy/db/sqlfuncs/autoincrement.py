"""SQLite's AUTOINCREMENT: ``INSERT OR IGNORE`` and reading, resetting and raising a table's id counter."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.expression import ClauseElement, ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Integer


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
