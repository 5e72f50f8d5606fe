"""Export reads and deletes through the ORM (``Export``), called by the SQLAlchemy twin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from plexpy.db.engine import connect
from plexpy.db.orm import Export, as_row, orm_session
from plexpy.db.sqlfuncs import affinity_equals

__all__ = ["delete_export_rows", "export_row"]


def export_row(engine: Engine, export_id: Any, columns: Sequence[str]) -> dict[str, Any]:
    """These columns of the first export whose id matches as SQLite compares it, ``{}`` when none does."""
    with connect(engine, "exports.get_export") as conn, orm_session(conn) as session:
        export = session.scalars(select(Export).where(affinity_equals(Export.id.expression, export_id))
                                 .order_by(Export.id).limit(1)).first()
        return as_row(export, columns) if export is not None else {}


def delete_export_rows(conn: Connection, export_id: Any) -> int:
    """Delete the export rows whose id matches (inside the caller's transaction); how many there were."""
    with orm_session(conn, write=True) as session:
        found = session.scalars(select(Export).where(affinity_equals(Export.id.expression, export_id))).all()
        for export in found:
            session.delete(export)
        return len(found)
