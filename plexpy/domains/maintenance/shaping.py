"""Pure functions both maintenance twins call: the shapes of the size and row-count reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["database_size", "integrity", "row_counts", "table_named"]


def integrity(row: Mapping[str, Any]) -> dict[str, Any]:
    """The first integrity message as Tautulli returns it (``{}`` when the check returned nothing)."""
    return {"integrity_check": row["integrity_check"]} if row else {}


def database_size(row: Mapping[str, Any]) -> dict[str, int]:
    """Pages, page size and free pages, plus their product in bytes."""
    page_count, page_size = int(row["page_count"]), int(row["page_size"])
    return {"page_count": page_count, "page_size": page_size, "freelist_count": int(row["freelist_count"]),
            "size_bytes": page_count * page_size}


def row_counts(counts: Iterable[tuple[str, Any]]) -> dict[str, int]:
    """``{table: rows}`` in table-name order."""
    return {name: int(count) for name, count in sorted(counts)}


def _ascii_lower(text: str) -> str:
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


def table_named(name: Any, tables: Iterable[str], *, internal: bool = False) -> str | None:
    """The table ``name`` means, as SQLite resolves a table name (ASCII case-insensitive), or None.

    Tautulli pastes the name into its SQL; here only a real table's name is accepted and then quoted, so
    anything else (``'sessions; DROP TABLE users'``) finds nothing. SQLite's own ``sqlite_*`` tables count
    only when ``internal``.
    """
    if not isinstance(name, str) or not name:
        return None
    wanted = _ascii_lower(name)
    for table in tables:
        if _ascii_lower(table) == wanted and (internal or not wanted.startswith("sqlite_")):
            return table
    return None
