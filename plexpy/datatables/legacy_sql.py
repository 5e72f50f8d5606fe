"""DataTables on the legacy path: wrap a query in SQL text, fetch every filtered row, page in Python."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from plexpy.datatables.params import DataTablesPage, ResolvedRequest, drop_null_rows

__all__ = ["run_page", "wrap"]


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
