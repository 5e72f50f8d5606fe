"""History deletes through the ORM: a play goes with its metadata and media info rows (``delete_plays``).

Same answers as the Core functions they replace in ``_sqla_writes`` (one transaction, a savepoint inside a
caller's; False when a delete failed; VACUUM once committed). Ids compare as SQLite compares them with an
INTEGER column: ``'5'`` is 5, and text that is no number matches nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from plexpy.db.engine import after_commit, transaction
from plexpy.db.errors import TautulliDBError
from plexpy.db.orm import SessionHistory, delete_plays, orm_session
from plexpy.db.sqlfuncs import affinity_equals, integer_affinity
from plexpy.domains.history import writing
from plexpy.domains.history._sqla_writes import _vacuum

__all__ = ["delete_history_of", "delete_play_rows"]

def delete_play_rows(engine: Engine, row_ids: Any) -> bool:
    """Delete these plays from the three history tables, then VACUUM; False if the delete failed."""
    ids = writing.row_ids(row_ids)
    if not ids:
        return True
    try:
        numbers = [n for n in (integer_affinity(v) for v in writing.bindable(ids)) if n is not None]
        with transaction(engine, "history.delete_rows") as conn, orm_session(conn, write=True) as session:
            delete_plays(session, numbers)
    except (TautulliDBError, TypeError) as exc:
        writing.failed(exc, "history.delete_failed", tables=list(writing.HISTORY_TABLES))
        return False
    after_commit(lambda: _vacuum(engine))
    return True


def delete_history_of(engine: Engine, column: str, value: Any) -> Any:
    """Delete every play of a user or a section (``column``) with its companion rows: bool, None for a bad id."""
    if not writing.digit_key(value):
        return None
    with transaction(engine, "history.delete_history") as conn, orm_session(conn) as session:
        column_attr = getattr(SessionHistory, column).expression
        ids = list(session.scalars(select(SessionHistory.id).where(affinity_equals(column_attr, value))
                                   .order_by(SessionHistory.id)))
        return delete_play_rows(engine, ids)

