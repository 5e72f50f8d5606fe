"""Notifier deletes through the ORM (``Notifier``), called by the SQLAlchemy twin (the config read is Core).

Deleting a notifier never touches its log: ``Notifier.log`` is read-only, as Tautulli keeps the log rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from plexpy.db.engine import transaction
from plexpy.db.orm import Notifier, orm_session
from plexpy.db.sqlfuncs import affinity_equals

__all__ = ["delete_notifier_rows"]


def delete_notifier_rows(engine: Engine, notifier_id: Any) -> int:
    """Delete the notifiers whose id matches as SQLite compares it (one transaction); how many there were."""
    with (transaction(engine, "notifications.delete_notifier") as conn,
          orm_session(conn, write=True) as session):
        found = session.scalars(select(Notifier).where(affinity_equals(Notifier.id.expression, notifier_id))).all()
        for notifier in found:
            session.delete(notifier)
        return len(found)
