"""SQLite's arithmetic and aggregates: numbers read back with SQLite's storage class.

``sum``/``max``/``min`` across storage classes and the scalar two-argument ``min``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Integer, TypeDecorator, TypeEngine

from plexpy.db.sqlfuncs.pg_values import _dynamic, _pg_number


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

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        """None on SQLite, whose driver never gives ``Decimal``: its rows need no processing at all."""
        if dialect.name == "sqlite":
            return None
        return super().result_processor(dialect, coltype)

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
