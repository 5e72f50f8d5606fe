"""The exports domain on SQLAlchemy Core: the same answers, with SQLite's text rules made explicit.

The title-cased media type is built in SQL as Tautulli does, with ``ascii_upper`` standing for SQLite's
ASCII-only ``UPPER``; id filters compare as SQLite's column affinity would (``affinity_equals``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from sqlalchemy import Select, case, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.sqla_sql import run_page
from plexpy.db.bound_equals import bound_equals, equals_shape
from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import after_commit, connect, transaction, vacuum
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import exports
from plexpy.db.sqlfuncs import ascii_upper, stored_values
from plexpy.db.stmt_cache import affinity_shape, bound_affinity_equals, per_shape
from plexpy.db.upsert import UpsertResult, upsert
from plexpy.domains.exports import files, shaping, sqla_orm, writing

__all__ = ["TWIN", "SqlaExports"]

log = structlog.get_logger(__name__)

e = exports
_EXPORT_COLUMNS = ("timestamp", "title", "file_format", "thumb_level", "art_level", "logo_level", "squareArt_level",
                   "theme_level", "individual_files", "complete")


def _media_type_title() -> ColumnElement[Any]:
    capitalised = ascii_upper(func.substr(e.c.media_type, 1, 1)).concat(func.substr(e.c.media_type, 2))
    return case((e.c.media_type == "photoalbum", "Photo Album"), else_=capitalised)


class SqlaExports:
    """Export reads and writes on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        with connect(self._engine, op) as conn:
            return fetch_dicts(conn, stmt)

    def get_export(self, export_id: Any) -> dict[str, Any]:
        """One export's levels, file name and whether its file exists, or ``{}``."""
        kind, value = affinity_shape(e.c.id, export_id)
        with connect(self._engine, "exports.get_export") as conn:
            rows = fetch_dicts(conn, _export_stmt(kind), {"export_id": value})
        row = rows[0] if rows else {}
        return shaping.export_details(row)

    def get_export_datatable(self, section_id: Any = None, user_id: Any = None, rating_key: Any = None,
                             kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The exports table, filtered by library, user or item."""
        shapes: list[Any] = []
        params: dict[str, Any] = {}
        for name, value in (("section_id", section_id), ("user_id", user_id), ("rating_key", rating_key)):
            shape = None
            if value:
                shape, values = equals_shape(e.c[name], value, name)
                params.update(values)
            shapes.append(shape)
        try:
            request = resolve(kwargs, shaping.EXPORT_ALIASES)
            with connect(self._engine, "exports.get_export_datatable") as conn:
                page = run_page(conn, _table_stmt(*shapes), request, e, tiebreak=("export_id",), params=params,
                                cached=True, small=True)
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
            with transaction(self._engine, "exports.add_export") as conn:
                return _upsert(conn, values, keys).inserted_id
        except TautulliDBError as exc:
            writing.failed(exc, "exports.add_export_failed")
            return False

    def set_export_state(self, export_id: Any = None, success: Any = False, thumb_level: Any = 0, art_level: Any = 0,
                         logo_level: Any = 0, squareArt_level: Any = 0, theme_level: Any = 0,
                         file_size: Any = 0) -> None:
        """Store how an export ended (``complete`` 1 or -1), its resource levels and its size."""
        values = writing.state_values(success, thumb_level, art_level, logo_level, squareArt_level, theme_level,
                                      file_size)
        with transaction(self._engine, "exports.set_export_state") as conn:
            _upsert(conn, values, {"id": export_id})

    def set_export_progress(self, export_id: Any = None, total_items: Any = 0, exported_items: Any = 0) -> None:
        """Store how far an export has come."""
        with transaction(self._engine, "exports.set_export_progress") as conn:
            _upsert(conn, writing.progress_values(total_items, exported_items), {"id": export_id})

    def cancel_exports(self) -> None:
        """Mark every unfinished export failed (``complete`` -1)."""
        with transaction(self._engine, "exports.cancel_exports") as conn:
            conn.execute(update(e).where(e.c.complete == 0).values(complete=-1))

    def delete_export(self, export_id: Any) -> bool:
        """Delete an export's row, then (after the commit) its folder; False for a non-numeric id."""
        if not str(export_id).isdigit():
            return False
        with transaction(self._engine, "exports.delete_export") as conn:
            export = self.get_export(export_id)
            if export and shaping.export_exists(export["title"], export["timestamp"]):
                folder = shaping.export_dirpath(export["title"], export["timestamp"])
                after_commit(lambda: files.remove_folder(folder))
            sqla_orm.delete_export_rows(conn, export_id)
        return True

    def delete_all_exports(self) -> bool:
        """Delete every export row, then (after the commit) empty the export directory and VACUUM."""
        try:
            with transaction(self._engine, "exports.delete_all_exports") as conn:
                conn.execute(delete(e))
                after_commit(files.reset_export_dir)
                after_commit(self._vacuum)
        except TautulliDBError as exc:
            writing.failed(exc, "exports.delete_all_failed")
            files.reset_export_dir()  # Tautulli empties the folder whatever the database said
        return True

    def _vacuum(self) -> None:
        """VACUUM, logging a failure instead of raising (Tautulli's ``database.vacuum``)."""
        try:
            vacuum(self._engine)
        except TautulliDBError as exc:
            log.warning("exports.vacuum_failed", error=str(exc))


def _upsert(conn: Connection, values: dict[str, Any], keys: dict[str, Any]) -> UpsertResult:
    """Tautulli's update-then-insert with values stored as SQLite's affinity stores them.

    A row id SQLite cannot store (``'abc'``, ``1.5``) matches no row and its insert is refused (SQLite's
    "datatype mismatch", which the upsert swallows): nothing is written. A NULL row id matches no row either,
    and SQLite gives the inserted row the next id: the insert leaves the id out, which PostgreSQL also accepts.
    """
    stored_keys = stored_values(e, keys)
    if "id" in stored_keys and stored_keys["id"] is None:
        inserted = conn.execute(insert(e).values(**stored_values(e, values))).inserted_primary_key
        return UpsertResult("insert", int(inserted[0]) if inserted else 0)
    row_id = stored_keys.get("id")
    if row_id is not None and not isinstance(row_id, int):
        return UpsertResult("insert")
    return upsert(conn, e, stored_values(e, values), stored_keys)



@per_shape(maxsize=8)
def _export_stmt(kind: str) -> Select[Any]:
    """The first export whose id matches ``:export_id`` as SQLite compares it (Core: the ORM cost more)."""
    return select(*(e.c[c] for c in _EXPORT_COLUMNS)).where(bound_affinity_equals(e.c.id, kind, "export_id")) \
        .order_by(e.c.id).limit(1)


@per_shape()
def _table_stmt(section_shape: Any, user_shape: Any, rating_key_shape: Any) -> Select[Any]:
    """The exports table's inner query, filtered by each present argument's shape (``bound_equals``)."""
    filters = (("section_id", section_shape), ("user_id", user_shape), ("rating_key", rating_key_shape))
    return (
        select(
            e.c.id.label("export_id"), e.c.timestamp, e.c.section_id, e.c.user_id, e.c.rating_key,
            e.c.media_type, _media_type_title().label("media_type_title"), e.c.title, e.c.file_format,
            e.c.metadata_level, e.c.media_info_level, e.c.thumb_level, e.c.art_level, e.c.logo_level,
            e.c.squareArt_level, e.c.theme_level, e.c.custom_fields, e.c.individual_files, e.c.file_size,
            e.c.complete, e.c.total_items, e.c.exported_items,
        )
        .where(*(bound_equals(e.c[name], shape, name) for name, shape in filters if shape is not None))
        .order_by(e.c.id)
    )


TWIN = SqlaExports
