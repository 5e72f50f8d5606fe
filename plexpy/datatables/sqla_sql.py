"""DataTables on the SQLAlchemy path: search, order, count and page in SQL over the query as a subquery."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, Table, func, or_, select
from sqlalchemy.engine import Connection

from plexpy.datatables.params import DataTablesPage, ResolvedRequest, page_bounds
from plexpy.db.sqlfuncs import ascii_like, nocase

__all__ = ["filtered_select", "run_page"]


def filtered_select(inner: Select, request: ResolvedRequest, tiebreak: Sequence[str] = ()) -> Select:
    """The query as a subquery with the request's search and order applied (no paging).

    ``tiebreak`` names the aliases of the inner query's own row order (its GROUP BY key): SQLite's sorter
    keeps rows that tie on every ORDER BY key in the order the inner query produced them, so ending the
    order with those keys reproduces that order, and makes the rows of a page the same, deterministically.
    """
    sub = inner.subquery("dt")
    # Tautulli drops rows whose every value is NULL (an ungrouped aggregate over nothing) before counting.
    stmt = select(*sub.c).where(or_(*(c.is_not(None) for c in sub.c)))
    if request.search_aliases:
        pattern = f"%{request.search_value}%"
        stmt = stmt.where(or_(*(ascii_like(sub.c[a], pattern) for a in request.search_aliases)))
    keys = []
    for term in request.order:
        key = nocase(sub.c[term.alias]) if term.nocase else sub.c[term.alias]
        keys.append(key.desc() if term.descending else key)
    keys.extend(sub.c[alias] for alias in tiebreak)
    return stmt.order_by(*keys) if keys else stmt


def run_page(
    conn: Connection, inner: Select, request: ResolvedRequest, total_table: Table, tiebreak: Sequence[str] = ()
) -> DataTablesPage:
    """Count the filtered rows and the base table, then fetch only the page (OFFSET/LIMIT)."""
    stmt = filtered_select(inner, request, tiebreak)
    filtered_count = conn.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    total = conn.execute(select(func.count(total_table.c.id))).scalar_one()
    offset, limit = page_bounds(request, filtered_count)
    rows = [dict(r) for r in conn.execute(stmt.offset(offset).limit(limit)).mappings()] if limit else []
    return DataTablesPage(rows=rows, filtered_count=filtered_count, total_count=total, draw=request.draw)
