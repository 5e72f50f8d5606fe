"""The maintenance domain's read operations: names, signatures and result shapes shared by both twins."""

from __future__ import annotations

from typing import Any, Final, Protocol, TypedDict

from shim.operation import Operation, operations

__all__ = ["OPERATIONS", "DatabaseSize", "MaintenanceOps"]


class DatabaseSize(TypedDict):
    """How big the database is: pages, page size, free pages and bytes."""

    page_count: int
    page_size: int
    freelist_count: int
    size_bytes: int


class MaintenanceOps(Protocol):
    """What each twin of the maintenance domain implements, in this order."""

    def integrity_check(self) -> dict[str, Any]:
        """The integrity verdict (first message only): ``{'integrity_check': 'ok'}`` when sound."""
        ...

    def get_database_size(self) -> DatabaseSize:
        """Pages, page size, free pages and total bytes of the database."""
        ...

    def get_table_row_counts(self) -> dict[str, int]:
        """Rows per table (internal ``sqlite_*`` tables left out), by table name."""
        ...


OPERATIONS: Final = operations("maintenance", {
    "integrity_check": Operation.read(),
    "get_database_size": Operation.read(),
    "get_table_row_counts": Operation.read(),
})
