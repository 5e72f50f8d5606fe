"""Pure functions both maintenance twins call: the shapes of the size and row-count reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["database_size", "integrity", "row_counts"]


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
