"""The exports domain on raw sqlite3: our own SQL text (the control path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog

from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.legacy_sql import run_page
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.exports import files, shaping, writing

__all__ = ["TWIN", "LegacyExports"]

log = structlog.get_logger(__name__)

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

_CANCEL_EXPORTS = "UPDATE exports SET complete = -1 WHERE complete = 0"

_DELETE_EXPORT = "DELETE FROM exports WHERE id = ?"

_DELETE_ALL_EXPORTS = "DELETE FROM exports"


def _equals(column: str, value: Any) -> tuple[str, list[Any]]:
    """Tautulli's custom_where equality: a list becomes an OR group (None in it: IS NULL)."""
    if isinstance(value, (list, tuple)):
        terms = [f"{column} IS NULL" if v is None else f"{column} = ?" for v in value]
        return "(" + " OR ".join(terms) + ")", [v for v in value if v is not None]
    return f"{column} = ?", [value]


class LegacyExports:
    """Export reads and writes on the legacy executor."""

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

    def add_export(self, timestamp: Any = None, section_id: Any = None, user_id: Any = None, rating_key: Any = None,
                   media_type: Any = None, title: Any = None, file_format: Any = "csv", metadata_level: Any = 1,
                   media_info_level: Any = 1, thumb_level: Any = 0, art_level: Any = 0, logo_level: Any = 0,
                   squareArt_level: Any = 0, theme_level: Any = 0, custom_fields: Any = "",
                   individual_files: Any = False) -> Any:
        """Store a new export job: its row id (0 when an existing row matched), False when the write failed."""
        keys, values = writing.export_row(timestamp, section_id, user_id, rating_key, media_type, title, file_format,
                                          metadata_level, media_info_level, thumb_level, art_level, logo_level,
                                          squareArt_level, theme_level, custom_fields, individual_files)
        try:
            with self._db.transaction():
                self._db.upsert("exports", values, keys)
                return self._db.last_insert_id()
        except TautulliDBError as exc:
            writing.failed(exc, "exports.add_export_failed")
            return False

    def set_export_state(self, export_id: Any = None, success: Any = False, thumb_level: Any = 0, art_level: Any = 0,
                         logo_level: Any = 0, squareArt_level: Any = 0, theme_level: Any = 0,
                         file_size: Any = 0) -> None:
        """Store how an export ended (``complete`` 1 or -1), its resource levels and its size."""
        values = writing.state_values(success, thumb_level, art_level, logo_level, squareArt_level, theme_level,
                                      file_size)
        with self._db.transaction():
            self._db.upsert("exports", values, {"id": export_id})

    def set_export_progress(self, export_id: Any = None, total_items: Any = 0, exported_items: Any = 0) -> None:
        """Store how far an export has come."""
        with self._db.transaction():
            self._db.upsert("exports", writing.progress_values(total_items, exported_items), {"id": export_id})

    def cancel_exports(self) -> None:
        """Mark every unfinished export failed (``complete`` -1)."""
        with self._db.transaction():
            self._db.action(_CANCEL_EXPORTS)

    def delete_export(self, export_id: Any) -> bool:
        """Delete an export's row, then (after the commit) its folder; False for a non-numeric id."""
        if not str(export_id).isdigit():
            return False
        with self._db.transaction():
            export = self.get_export(export_id)
            if export and shaping.export_exists(export["title"], export["timestamp"]):
                folder = shaping.export_dirpath(export["title"], export["timestamp"])
                self._db.after_commit(lambda: files.remove_folder(folder))
            self._db.action(_DELETE_EXPORT, [export_id])
        return True

    def delete_all_exports(self) -> bool:
        """Delete every export row, then (after the commit) empty the export directory and VACUUM."""
        try:
            with self._db.transaction():
                self._db.action(_DELETE_ALL_EXPORTS)
                self._db.after_commit(files.reset_export_dir)
                self._db.after_commit(self._vacuum)
        except TautulliDBError as exc:
            writing.failed(exc, "exports.delete_all_failed")
            files.reset_export_dir()  # Tautulli empties the folder whatever the database said
        return True

    def _vacuum(self) -> None:
        """VACUUM, logging a failure instead of raising (Tautulli's ``database.vacuum``)."""
        try:
            self._db.vacuum()
        except TautulliDBError as exc:
            log.warning("exports.vacuum_failed", error=str(exc))


TWIN = LegacyExports
