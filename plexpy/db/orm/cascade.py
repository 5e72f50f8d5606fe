"""Deleting plays the way Tautulli deletes them: the same ids from the three history tables together.

What goes with a play is declared once, on the mapper: the relationships of ``SessionHistory`` with a
``delete`` cascade (``metadata_``, ``media_info``). Deleting one loaded play with ``session.delete()`` follows
them through the unit of work. For many plays, :func:`delete_plays` follows the same relationships set-based:
one ORM-enabled ``DELETE ... WHERE id IN (...)`` per table and chunk, without loading a row (the unit of work
loads and deletes row by row, about seven times slower for 1000 plays; ``docs/architecture.md``). Like
Tautulli's deletes, it removes companion rows whose play row is already gone (orphans) too.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, delete, inspect
from sqlalchemy.orm import Session

from plexpy.db.orm.history import SessionHistory

__all__ = ["CHUNK", "cascade_targets", "delete_plays"]

#: Ids per statement (SQLite's historical limit on bound variables, as Tautulli chunks its deletes).
CHUNK = 999


def cascade_targets() -> list[tuple[type, ColumnElement[int]]]:
    """``(model, key column)`` of each relationship a play's delete cascades to, keyed by the play's id."""
    targets = []
    for rel in inspect(SessionHistory).relationships:
        if not rel.cascade.delete:
            continue
        (local, remote), = rel.local_remote_pairs
        if local is not SessionHistory.__table__.c.id:  # pragma: no cover - a guard for future relationships
            raise TypeError(f"SessionHistory.{rel.key} is not keyed by the play id")
        targets.append((rel.mapper.class_, remote))
    return targets


def delete_plays(session: Session, ids: Iterable[int]) -> int:
    """Delete the plays with these ids and every row their delete cascade reaches; the number of plays deleted."""
    wanted = list(dict.fromkeys(ids))
    targets = cascade_targets()
    # Objects this session holds are marked deleted ("auto"); with none, there is nothing to look through.
    options = {"synchronize_session": "auto" if len(session.identity_map) else False}
    deleted = 0
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        deleted += session.execute(delete(SessionHistory).where(SessionHistory.id.in_(chunk)),
                                   execution_options=options).rowcount
        for model, key in targets:
            session.execute(delete(model).where(key.in_(chunk)), execution_options=options)
    return deleted
