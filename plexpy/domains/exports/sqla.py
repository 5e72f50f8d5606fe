"""The exports domain on SQLAlchemy Core: the same answers, with SQLite's text rules made explicit.

The title-cased media type is built in SQL as Tautulli does, with ``ascii_upper`` standing for SQLite's
ASCII-only ``UPPER``; id filters compare as SQLite's column affinity would (``affinity_equals``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from plexpy.datatables import DataTablesError, resolve
from plexpy.datatables.sqla_sql import run_page
from plexpy.db.engine import connect
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import exports
from plexpy.db.sqlfuncs import affinity_equals, ascii_upper
from plexpy.domains.exports import shaping

__all__ = ["TWIN", "SqlaExports"]

e = exports


def _media_type_title() -> ColumnElement[Any]:
    capitalised = ascii_upper(func.substr(e.c.media_type, 1, 1)).concat(func.substr(e.c.media_type, 2))
    return case((e.c.media_type == "photoalbum", "Photo Album"), else_=capitalised)


def _equals(column: Any, value: Any) -> ColumnElement[bool]:
    """Tautulli's custom_where equality: a list becomes an OR group (None in it: IS NULL)."""
    if isinstance(value, (list, tuple)):
        return or_(*(column.is_(None) if v is None else _equals(column, v) for v in value))
    return affinity_equals(column, value)


class SqlaExports:
    """Export reads on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        with connect(self._engine, op) as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def get_export(self, export_id: Any) -> dict[str, Any]:
        """One export's levels, file name and whether its file exists, or ``{}``."""
        stmt = (
            select(e.c.timestamp, e.c.title, e.c.file_format, e.c.thumb_level, e.c.art_level, e.c.logo_level,
                   e.c.squareArt_level, e.c.theme_level, e.c.individual_files, e.c.complete)
            .where(affinity_equals(e.c.id, export_id))
            .order_by(e.c.id)
            .limit(1)
        )
        rows = self._rows(stmt, "exports.get_export")
        return shaping.export_details(rows[0] if rows else {})

    def _table_query(self, where: list[ColumnElement[bool]]) -> Select[Any]:
        return (
            select(
                e.c.id.label("export_id"), e.c.timestamp, e.c.section_id, e.c.user_id, e.c.rating_key,
                e.c.media_type, _media_type_title().label("media_type_title"), e.c.title, e.c.file_format,
                e.c.metadata_level, e.c.media_info_level, e.c.thumb_level, e.c.art_level, e.c.logo_level,
                e.c.squareArt_level, e.c.theme_level, e.c.custom_fields, e.c.individual_files, e.c.file_size,
                e.c.complete, e.c.total_items, e.c.exported_items,
            )
            .where(*where)
            .order_by(e.c.id)
        )

    def get_export_datatable(self, section_id: Any = None, user_id: Any = None, rating_key: Any = None,
                             kwargs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The exports table, filtered by library, user or item."""
        where = [_equals(column, value) for column, value in
                 ((e.c.section_id, section_id), (e.c.user_id, user_id), (e.c.rating_key, rating_key)) if value]
        try:
            request = resolve(kwargs, shaping.EXPORT_ALIASES)
            with connect(self._engine, "exports.get_export_datatable") as conn:
                page = run_page(conn, self._table_query(where), request, e, tiebreak=("export_id",))
        except (DataTablesError, TautulliDBError):
            return dict(shaping.DATATABLES_EMPTY)
        return shaping.datatables_result(page, [shaping.export_row(r) for r in page.rows])


TWIN = SqlaExports
