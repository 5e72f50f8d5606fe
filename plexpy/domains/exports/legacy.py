"""The exports domain on raw sqlite3: our own SQL text (the control path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.legacy_sql import run_page
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.exports import shaping

__all__ = ["TWIN", "LegacyExports"]

_EXPORT = """
SELECT timestamp, title, file_format, thumb_level, art_level, logo_level, squareArt_level, theme_level,
       individual_files, complete
FROM exports
WHERE id = ?"""

_EXPORTS_TABLE = """
SELECT e.id AS export_id, e.timestamp AS timestamp, e.section_id AS section_id, e.user_id AS user_id,
       e.rating_key AS rating_key, e.media_type AS media_type,
       CASE WHEN e.media_type = 'photoalbum' THEN 'Photo Album'
            ELSE UPPER(SUBSTR(e.media_type, 1, 1)) || SUBSTR(e.media_type, 2) END AS media_type_title,
       e.title AS title, e.file_format AS file_format, e.metadata_level AS metadata_level,
       e.media_info_level AS media_info_level, e.thumb_level AS thumb_level, e.art_level AS art_level,
       e.logo_level AS logo_level, e.squareArt_level AS squareArt_level, e.theme_level AS theme_level,
       e.custom_fields AS custom_fields, e.individual_files AS individual_files, e.file_size AS file_size,
       e.complete AS complete, e.total_items AS total_items, e.exported_items AS exported_items
FROM exports AS e
{where}"""


def _equals(column: str, value: Any) -> tuple[str, list[Any]]:
    """Tautulli's custom_where equality: a list becomes an OR group (None in it: IS NULL)."""
    if isinstance(value, (list, tuple)):
        terms = [f"{column} IS NULL" if v is None else f"{column} = ?" for v in value]
        return "(" + " OR ".join(terms) + ")", [v for v in value if v is not None]
    return f"{column} = ?", [value]


class LegacyExports:
    """Export reads on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def get_export(self, export_id: Any) -> dict[str, Any]:
        """One export's levels, file name and whether its file exists, or ``{}``."""
        return shaping.export_details(self._db.select_single(_EXPORT, [export_id]))

    def get_export_datatable(self, section_id: Any = None, user_id: Any = None, rating_key: Any = None,
                             kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The exports table, filtered by library, user or item."""
        where, args = [], []
        for column, value in (("e.section_id", section_id), ("e.user_id", user_id), ("e.rating_key", rating_key)):
            if value:
                clause, values = _equals(column, value)
                where.append(clause)
                args.extend(values)
        inner = _EXPORTS_TABLE.format(where="WHERE " + " AND ".join(where) if where else "")
        try:
            request = resolve(kwargs, shaping.EXPORT_ALIASES)
            page = run_page(self._db, inner, args, request, "exports")
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.export_row(r) for r in page.rows])


TWIN = LegacyExports
