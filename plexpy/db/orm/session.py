"""ORM sessions on the project's connections, and a model as the row dict the shaping functions take.

A twin opens its connection as usual (``engine.connect`` for reads, ``engine.transaction`` for writes, so
deadlines, ``BEGIN IMMEDIATE``, savepoints and error translation stay as they are) and works on it through
:func:`orm_session`. The session joins the connection's transaction and never commits or rolls it back
itself: the ``transaction`` or ``connect`` block around it decides.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.session import JoinTransactionMode

__all__ = ["as_row", "orm_session"]


@contextlib.contextmanager
def orm_session(conn: Connection, *, write: bool = False) -> Iterator[Session]:
    """A session on ``conn``, joined to its transaction; pending changes are flushed when the block ends.

    A ``write`` session works in a savepoint of its own, so a failed flush undoes only the session's work and
    leaves the connection's transaction to its owner (which then rolls it back). A read session joins
    without a savepoint (no extra statements) and never commits the connection's transaction.
    """
    mode: JoinTransactionMode = "create_savepoint" if write else "conditional_savepoint"
    session = Session(bind=conn, expire_on_commit=False, join_transaction_mode=mode)
    try:
        yield session
        session.commit()  # flushes; the connection's own transaction stays the caller's to end
    finally:
        session.close()


def as_row(obj: Any, columns: Iterable[str] | None = None) -> dict[str, Any]:
    """``{column name: value}`` of a mapped object (every column, or ``columns`` in that order)."""
    mapper = inspect(obj).mapper
    if columns is None:
        return {c.name: getattr(obj, mapper.get_property_by_column(c).key) for c in mapper.columns}
    table = mapper.local_table
    return {name: getattr(obj, mapper.get_property_by_column(table.c[name]).key) for name in columns}
