"""DataTables on the legacy path: wrap a query in SQL text, fetch every filtered row, page in Python."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from plexpy.datatables.custom_where import Column, CustomWhere, Target, Term
from plexpy.datatables.params import DataTablesPage, ResolvedRequest, drop_null_rows

__all__ = ["custom_where_sql", "run_page", "wrap"]


class _Selecting(Protocol):
    def select(self, query: str, args: Sequence[Any] | None = None) -> list[dict[str, Any]]: ...


def _ident(alias: str) -> str:
    return '"' + alias.replace('"', '""') + '"'


def wrap(inner_sql: str, request: ResolvedRequest) -> tuple[str, list[Any]]:
    """``SELECT * FROM (inner) WHERE <search> ORDER BY <order>`` with the search value bound."""
    sql = f"SELECT * FROM ({inner_sql}) AS dt"
    args: list[Any] = []
    if request.search_aliases:
        sql += " WHERE " + " OR ".join(f"{_ident(a)} LIKE ?" for a in request.search_aliases)
        args = [f"%{request.search_value}%"] * len(request.search_aliases)
    if request.order:
        keys = []
        for term in request.order:
            key = _ident(term.alias) + (" COLLATE NOCASE" if term.nocase else "")
            keys.append(key + (" DESC" if term.descending else ""))
        sql += " ORDER BY " + ", ".join(keys)
    return sql, args


def run_page(
    db: _Selecting, inner_sql: str, inner_args: Sequence[Any], request: ResolvedRequest, total_table: str
) -> DataTablesPage:
    """Run the wrapped query, drop all-NULL rows, count the base table, and slice the page."""
    sql, search_args = wrap(inner_sql, request)
    filtered = drop_null_rows(db.select(sql, [*inner_args, *search_args]))
    total = db.select(f"SELECT COUNT(id) AS total_count FROM {_ident(total_table)}")[0]["total_count"]
    rows = filtered[request.start : request.start + request.length]
    return DataTablesPage(rows=rows, filtered_count=len(filtered), total_count=total, draw=request.draw)


def _target_sql(target: Target, tz: str) -> tuple[str, list[Any]]:
    # Identifiers were matched against [A-Za-z_][A-Za-z0-9_]* by the parser. They stay unquoted so that
    # SQLite resolves them exactly as Tautulli's text (a double-quoted unknown name would become a string).
    if isinstance(target, Column):
        return (f"{target.table}.{target.name}" if target.table else target.name), []
    return f"tz_strftime(?, {target.column}, ?)", [target.fmt, tz]


def _term_sql(term: Term, tz: str) -> tuple[str, list[Any]]:
    sql, args = _target_sql(term.target, tz)
    if term.kind == "null":
        return f"{sql} IS NULL", args
    if term.kind == "in":
        return f"{sql} IN ({', '.join('?' for _ in term.values)})", [*args, *term.values]
    operator = {"eq": "=", "le": "<=", "ge": ">=", "like": "LIKE"}[term.kind]
    return f"{sql} {operator} ?", [*args, *term.values]


def custom_where_sql(where: CustomWhere, tz: str) -> tuple[str, list[Any]]:
    """A parsed ``custom_where`` as ``WHERE ...`` text with bound values (``""`` when there is no filter).

    Local dates use the ``tz_strftime`` function registered on every connection, with ``tz`` bound.
    """
    if not where:
        return "", []
    groups, args = [], []
    for group in where.groups():
        conditions = []
        for condition in group:
            terms = []
            for term in condition.terms:
                sql, term_args = _term_sql(term, tz)
                terms.append(sql)
                args.extend(term_args)
            conditions.append("(" + " OR ".join(terms) + ")")
        groups.append("(" + " AND ".join(conditions) + ")")
    return "WHERE " + " OR ".join(groups), args
