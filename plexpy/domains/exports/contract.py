"""The exports domain's operations: names, signatures and result shapes shared by both twins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol

from plexpy.datatables.params import request_is_ordered
from shim.operation import Operation, operations

__all__ = ["OPERATIONS", "ExportsOps"]


class ExportsOps(Protocol):
    """What each twin of the exports domain implements, in this order."""

    def get_export(self, export_id: Any) -> dict[str, Any]:
        """One export's levels, file name and whether its file exists, or ``{}``."""
        ...

    def get_export_datatable(self, section_id: Any = None, user_id: Any = None, rating_key: Any = None,
                             kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The exports table (DataTables)."""
        ...


OPERATIONS: Final = operations("exports", {
    "get_export": Operation.read(),
    "get_export_datatable": Operation.read(ordered_when=request_is_ordered),
})
