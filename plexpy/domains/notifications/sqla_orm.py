"""Notifier config reads and deletes through the ORM (``Notifier``), called by the SQLAlchemy twin.

Deleting a notifier never touches its log: ``Notifier.log`` is read-only, as Tautulli keeps the log rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from plexpy.db.engine import connect, transaction
from plexpy.db.orm import Notifier, as_row, orm_session
from plexpy.db.sqlfuncs import affinity_equals

__all__ = ["delete_notifier_rows", "notifier_row"]


def notifier_row(engine: Engine, notifier_id: int, columns: Sequence[str]) -> dict[str, Any]:
    """These columns of the notifier with this id, ``{}`` when there is none."""
    with connect(engine, "notifications.get_notifier_config") as conn, orm_session(conn) as session:
        notifier = session.get(Notifier, notifier_id)
        return as_row(notifier, columns) if notifier is not None else {}


def delete_notifier_rows(engine: Engine, notifier_id: Any) -> int:
    """Delete the notifiers whose id matches as SQLite compares it (one transaction); how many there were."""
    with (transaction(engine, "notifications.delete_notifier") as conn,
          orm_session(conn, write=True) as session):
        found = session.scalars(select(Notifier).where(affinity_equals(Notifier.id.expression, notifier_id))).all()
        for notifier in found:
            session.delete(notifier)
        return len(found)
