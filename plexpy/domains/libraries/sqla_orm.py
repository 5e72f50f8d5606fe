"""A library's history purge through the ORM: each play goes with its metadata and media info rows.

Plays are found by their ``section_id`` (on any server, as Tautulli's purge does), not through
``LibrarySection.history``: the purge runs whether or not the library row exists.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from plexpy.db.engine import after_commit, connect, transaction
from plexpy.db.errors import TautulliDBError
from plexpy.db.orm import SessionHistory, delete_plays, orm_session
from plexpy.db.sqlfuncs import affinity_equals
from plexpy.domains.libraries import writing
from plexpy.domains.libraries._sqla_writes import vacuum_quietly

__all__ = ["purge_history"]


def purge_history(engine: Engine, section_id: Any) -> bool:
    """Delete a section's plays from the three history tables (a savepoint), then VACUUM after the commit."""
    with connect(engine, "libraries.delete") as conn, orm_session(conn) as session:
        ids = list(session.scalars(select(SessionHistory.id)
                                   .where(affinity_equals(SessionHistory.section_id.expression, section_id))
                                   .order_by(SessionHistory.id)))
    if not ids:
        return True
    try:
        with transaction(engine, "libraries.delete") as conn, orm_session(conn, write=True) as session:
            delete_plays(session, ids)
    except TautulliDBError as exc:
        writing.failed(exc, "libraries.purge_failed", section_id=str(section_id))
        return False
    after_commit(lambda: vacuum_quietly(engine))
    return True
