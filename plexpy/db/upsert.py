"""Tautulli's upsert on SQLAlchemy Core: UPDATE by key, INSERT when nothing matched.

Semantics kept from ``MonitorDatabase.upsert`` (trap 11): a NULL key never matches (so it always inserts),
every matching row is updated, matched-but-unchanged counts as ``'update'``, and an integrity error on the
INSERT is swallowed (the answer is still ``'insert'``, with no new id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import Table, insert, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

__all__ = ["UpsertResult", "upsert"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """``kind`` is ``'update'`` or ``'insert'``; ``inserted_id`` the new row's key, 0 when none was inserted."""

    kind: str
    inserted_id: int = 0


def upsert(conn: Connection, table: Table, values: Mapping[str, Any], keys: Mapping[str, Any]) -> UpsertResult:
    """Update the rows matching ``keys`` (all of them), else insert ``keys`` + ``values``."""
    if all(v is not None for v in keys.values()):
        stmt = update(table).where(*(table.c[k] == v for k, v in keys.items())).values(**dict(values))
        if conn.execute(stmt).rowcount:
            return UpsertResult("update")
    try:
        with conn.begin_nested():
            row = {**dict(keys), **dict(values)}
            # A NULL primary key means "let the database choose" (SQLite); PostgreSQL refuses an explicit NULL.
            row = {k: v for k, v in row.items() if not (v is None and table.c[k].primary_key)}
            result = conn.execute(insert(table).values(**row))
    except IntegrityError:
        log.info("db.upsert_insert_ignored", table=table.name)
        return UpsertResult("insert")
    primary = result.inserted_primary_key
    return UpsertResult("insert", int(primary[0]) if primary and primary[0] is not None else 0)
