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

    def add_export(self, timestamp: Any = None, section_id: Any = None, user_id: Any = None, rating_key: Any = None,
                   media_type: Any = None, title: Any = None, file_format: Any = "csv", metadata_level: Any = 1,
                   media_info_level: Any = 1, thumb_level: Any = 0, art_level: Any = 0, logo_level: Any = 0,
                   squareArt_level: Any = 0, theme_level: Any = 0, custom_fields: Any = "",
                   individual_files: Any = False) -> Any:
        """Store a new export job: its row id (0 when an existing row matched), False when the write failed."""
        ...

    def set_export_state(self, export_id: Any = None, success: Any = False, thumb_level: Any = 0, art_level: Any = 0,
                         logo_level: Any = 0, squareArt_level: Any = 0, theme_level: Any = 0,
                         file_size: Any = 0) -> None:
        """Store how an export ended (``complete`` 1 or -1), its resource levels and its size."""
        ...

    def set_export_progress(self, export_id: Any = None, total_items: Any = 0, exported_items: Any = 0) -> None:
        """Store how far an export has come."""
        ...

    def cancel_exports(self) -> None:
        """Mark every unfinished export failed (``complete`` -1)."""
        ...

    def delete_export(self, export_id: Any) -> bool:
        """Delete an export's row, then (after the commit) its folder; False for a non-numeric id."""
        ...

    def delete_all_exports(self) -> bool:
        """Delete every export row, then (after the commit) empty the export directory and VACUUM."""
        ...


OPERATIONS: Final = operations("exports", {
    "get_export": Operation.read(),
    "get_export_datatable": Operation.read(ordered_when=request_is_ordered),
    "add_export": Operation.write(tables=("exports",)),
    "set_export_state": Operation.write(tables=("exports",)),
    "set_export_progress": Operation.write(tables=("exports",)),
    "cancel_exports": Operation.write(tables=("exports",)),
    "delete_export": Operation.write(tables=("exports",)),
    "delete_all_exports": Operation.write(tables=("exports",)),
})
