"""A user's history purge through the ORM: each play goes with its metadata and media info rows.

Plays are found by their ``user_id``, not through ``User.history``: Tautulli purges a user's plays whether
or not the users row still exists.
"""

from __future__ import annotations

import structlog
from sqlalchemy import select
from sqlalchemy.engine import Engine

from plexpy.db.engine import after_commit, connect, transaction, vacuum
from plexpy.db.errors import TautulliDBError
from plexpy.db.orm import SessionHistory, delete_plays, orm_session
from plexpy.db.retry import is_locked

__all__ = ["purge_history"]

log = structlog.get_logger(__name__)


def purge_history(engine: Engine, user_id: int) -> bool:
    """Delete a user's plays from the three history tables (a savepoint), then VACUUM after the commit."""
    with connect(engine, "users.delete") as conn, orm_session(conn) as session:
        ids = list(session.scalars(select(SessionHistory.id).where(SessionHistory.user_id == user_id)
                                   .order_by(SessionHistory.id)))
    if not ids:
        return True
    try:
        with transaction(engine, "users.delete") as conn, orm_session(conn, write=True) as session:
            delete_plays(session, ids)
    except TautulliDBError as exc:
        if is_locked(exc.__cause__ or exc):
            raise  # never drop a write silently: the caller learns the database was busy
        log.warning("users.purge_failed", user_id=user_id)
        return False
    after_commit(lambda: vacuum(engine))
    return True
