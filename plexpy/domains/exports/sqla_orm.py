"""Export deletes through the ORM (``Export``), called by the SQLAlchemy twin (the read is Core)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from plexpy.db.orm import Export, orm_session
from plexpy.db.sqlfuncs import affinity_equals

__all__ = ["delete_export_rows"]


def delete_export_rows(conn: Connection, export_id: Any) -> int:
    """Delete the export rows whose id matches (inside the caller's transaction); how many there were."""
    with orm_session(conn, write=True) as session:
        found = session.scalars(select(Export).where(affinity_equals(Export.id.expression, export_id))).all()
        for export in found:
            session.delete(export)
        return len(found)
