"""DataTables on the SQLAlchemy path: search, order, count and page in SQL over the query as a subquery."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, String, Table, and_, false, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.selectable import Alias, FromClause, Join
from sqlalchemy.types import Float, Integer, Numeric, TypeEngine

from plexpy.datatables.custom_where import (
    Column,
    CustomWhere,
    CustomWhereFailure,
    Target,
    Term,
    sqlite_numeric,
    sqlite_text,
)
from plexpy.datatables.params import DataTablesPage, ResolvedRequest, page_bounds
from plexpy.db.sqlfuncs import (
    any_not_null,
    ascii_like,
    binary_collate,
    local_strftime_keyed,
    nocase,
    stored_text,
    typed_literal,
)

__all__ = ["NameScope", "affinity_of", "custom_where_clause", "filtered_select", "matches", "run_page"]


def filtered_select(inner: Select, request: ResolvedRequest, tiebreak: Sequence[str] = ()) -> Select:
    """The query as a subquery with the request's search and order applied (no paging).

    ``tiebreak`` names the aliases of the inner query's own row order (its GROUP BY key): SQLite's sorter
    keeps rows that tie on every ORDER BY key in the order the inner query produced them, so ending the
    order with those keys reproduces that order, and makes the rows of a page the same, deterministically.
    """
    sub = inner.subquery("dt")
    # Tautulli drops rows whose every value is NULL (an ungrouped aggregate over nothing) before counting.
    columns = list(sub.c)
    stmt = select(*columns).where(any_not_null(*columns))
    if request.search_aliases:
        pattern = f"%{request.search_value}%"
        stmt = stmt.where(or_(*(ascii_like(sub.c[a], pattern) for a in request.search_aliases)))
    keys = []
    for term in request.order:
        column = sub.c[term.alias]
        # NOCASE only changes how text compares; numbers (and the aggregates a query computes) sort as numbers.
        numeric = isinstance(column.type, (Numeric, Float))
        key = nocase(column) if term.nocase and not numeric else binary_collate(column)
        # SQLite sorts NULL first ascending and last descending, on every backend.
        keys.append(key.desc().nulls_last() if term.descending else key.asc().nulls_first())
    keys.extend(binary_collate(sub.c[alias]).asc().nulls_first() for alias in tiebreak)
    return stmt.order_by(*keys) if keys else stmt


#: Output names of the two counts a page query carries besides the inner query's columns.
_FILTERED, _TOTAL = "dt_filtered_count__", "dt_total_count__"
#: Paging positions up to this bound are bound straight into OFFSET/LIMIT (beyond it, they are clamped first).
_DIRECT_LIMIT = 2**31


def _plain_from(source: Any) -> bool:
    if isinstance(source, Join):
        return _plain_from(source.left) and _plain_from(source.right)
    return isinstance(source, Table) or (isinstance(source, Alias) and isinstance(source.element, Table))


def _costly(inner: Select) -> bool:
    """Whether running ``inner`` twice (once to count, once to page) costs more than keeping its rows once.

    Grouped, distinct, and derived-table queries (subqueries, CTEs, window functions over a subquery) are;
    a plain select over tables is not: counting it is a cheap scan, while a window over it would materialise
    every (wide) row.
    """
    if not isinstance(inner, Select) or getattr(inner, "_group_by_clauses", ()) or getattr(inner, "_distinct", False):
        return True
    sources = [*getattr(inner, "_from_obj", ()), *inner.columns_clause_froms]
    return not all(_plain_from(source) for source in sources)


def run_page(
    conn: Connection, inner: Select, request: ResolvedRequest, total_table: Table, tiebreak: Sequence[str] = ()
) -> DataTablesPage:
    """Fetch one page (OFFSET/LIMIT) with the filtered and the base table's counts.

    A costly query (see :func:`_costly`) asked for a forward page (``start >= 0``, ``length > 0``: what the
    web pages send) is one statement: the filtered count rides on each row as ``count(*) OVER ()`` and the
    table count as a scalar subquery, so the query runs once. Otherwise (a plain select, an empty page, or a
    Python-style negative slice whose bounds depend on the count) one statement counts both, independent of
    the order (so its compiled form is shared by every order), then the page is fetched if it has rows.
    """
    stmt = filtered_select(inner, request, tiebreak)
    total = select(func.count(total_table.c.id)).correlate(None).scalar_subquery()
    if 0 <= request.start < _DIRECT_LIMIT and 0 < request.length < _DIRECT_LIMIT and _costly(inner):
        paged = stmt.add_columns(func.count().over().label(_FILTERED), total.label(_TOTAL))
        result = conn.execute(paged.offset(request.start).limit(request.length))
        keys = list(result.keys())[:-2]
        fetched = result.all()
        if fetched:
            width = len(keys)
            rows = [dict(zip(keys, row[:width], strict=True)) for row in fetched]
            return DataTablesPage(rows=rows, filtered_count=fetched[0][width], total_count=fetched[0][width + 1],
                                  draw=request.draw)
    filtered_count, total_count = conn.execute(
        select(func.count(), total).select_from(stmt.order_by(None).subquery())
    ).one()
    offset, limit = page_bounds(request, filtered_count)
    rows = [dict(r) for r in conn.execute(stmt.offset(offset).limit(limit)).mappings()] if limit else []
    return DataTablesPage(rows=rows, filtered_count=filtered_count, total_count=total_count, draw=request.draw)


# -- custom_where ------------------------------------------------------------------------------------------

_ROWID_NAMES = frozenset({"rowid", "oid", "_rowid_"})


@dataclass(frozen=True, slots=True)
class NameScope:
    """What names mean in one query's WHERE clause, resolved the way SQLite resolves them.

    ``tables`` are the query's FROM tables by name (their columns win over select aliases); ``aliases`` are
    the select list's names, mapped to their expression, or to None for an aggregate (which SQLite refuses in
    WHERE). A bare name found in two tables is ambiguous; an unknown name fails, as SQLite's prepare does.
    """

    tables: Mapping[str, FromClause]
    aliases: Mapping[str, ColumnElement[Any] | None] = field(default_factory=dict)

    def _column(self, table: FromClause, name: str) -> ColumnElement[Any] | None:
        if name in table.c:
            return table.c[name]
        if name in _ROWID_NAMES and "id" in table.c:
            return table.c["id"]
        return None

    def resolve(self, target: Target) -> ColumnElement[Any]:
        """The expression a target names in this query.

        Raises:
            CustomWhereFailure: an unknown, ambiguous or aggregate name.
        """
        if not isinstance(target, Column):
            return local_strftime_keyed(target.fmt, self.resolve(Column(None, target.column)))
        if target.table is not None:
            table = self.tables.get(target.table)
            found = self._column(table, target.name) if table is not None else None
            if found is None:
                raise CustomWhereFailure(f"no such column: {target.table}.{target.name}")
            return found
        matches_ = [c for c in (self._column(t, target.name) for t in self.tables.values()) if c is not None]
        if len(matches_) > 1:
            raise CustomWhereFailure(f"ambiguous column name: {target.name}")
        if matches_:
            return matches_[0]
        if target.name in self.aliases:
            alias = self.aliases[target.name]
            if alias is None:
                raise CustomWhereFailure(f"misuse of aggregate: {target.name}")
            return alias
        raise CustomWhereFailure(f"no such column: {target.name}")


def affinity_of(expr: ColumnElement[Any]) -> str:
    """SQLite's affinity of an expression: a table column's declared type decides; expressions have none."""
    if not isinstance(getattr(expr, "table", None), FromClause):
        return "none"
    kind: TypeEngine[Any] = expr.type
    if isinstance(kind, Integer):
        return "integer"
    if isinstance(kind, String):
        return "text"
    return "none"


def _operand(expr: ColumnElement[Any], affinity: str, value: Any) -> tuple[ColumnElement[Any], Any]:
    """The two sides of a comparison after SQLite applies the column's affinity to the bound value."""
    if affinity == "integer":
        number = sqlite_numeric(value)
        if number is None:  # text that is not a number compares as text
            return stored_text(expr), value
        return expr, number
    if affinity == "text":
        return expr, sqlite_text(value)
    return expr, value


def matches(expr: ColumnElement[Any], value: Any, affinity: str | None = None) -> ColumnElement[bool]:
    """``expr = value`` with SQLite's affinity rules (``'12'`` matches an INTEGER 12; ``= NULL`` never matches)."""
    if value is None:
        return false()
    left, right = _operand(expr, affinity or affinity_of(expr), value)
    return left == typed_literal(left, right)


def _term_clause(term: Term, scope: NameScope) -> ColumnElement[bool]:
    expr = scope.resolve(term.target)
    affinity = affinity_of(expr)
    if term.kind == "null":
        return expr.is_(None)
    if term.kind == "like":
        return ascii_like(expr, term.values[0])
    if term.kind == "in":
        return or_(false(), *(matches(expr, v, affinity) for v in term.values))
    left, right = _operand(expr, affinity, term.values[0])
    if term.kind == "le":
        return left <= typed_literal(left, right)
    if term.kind == "ge":
        return left >= typed_literal(left, right)
    return left == typed_literal(left, right)


def custom_where_clause(where: CustomWhere, scope: NameScope) -> ColumnElement[bool] | None:
    """A parsed ``custom_where`` as one Core condition (None when there is no filter).

    Raises:
        CustomWhereFailure: a name the query cannot resolve (SQLite would refuse the statement).
    """
    if not where:
        return None
    return or_(*(
        and_(*(or_(*(_term_clause(t, scope) for t in condition.terms)) for condition in group))
        for group in where.groups()
    ))
