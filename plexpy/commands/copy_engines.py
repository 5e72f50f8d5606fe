"""Opening the stores of ``copy``: engines, the metadata per backend, read snapshots, table selection."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from plexpy.commands.copy_results import CopyRefused
from plexpy.db import pgtypes, schema
from plexpy.db.errors import translating
from shim.redact import redact_text

__all__ = ["display_url", "open_engine", "store_metadata"]


def open_engine(url: str | URL, *, writing: bool = False) -> Engine:
    """An engine for ``copy``/``reconcile``, parameters hidden from errors.

    A SQLite file is opened as it is, except a ``writing`` target: WAL journal with ``synchronous=NORMAL``, as
    Tautulli runs it (a batch and its checkpoint still commit together, so a crash loses whole batches only).
    """
    parsed = make_url(url) if isinstance(url, str) else url
    with translating("connect", SQLAlchemyError, ValueError):
        if parsed.get_backend_name() != "sqlite":
            return sa.create_engine(parsed, hide_parameters=True, pool_pre_ping=True)
        engine = sa.create_engine(parsed, hide_parameters=True, connect_args={"check_same_thread": False})
        if writing and parsed.database not in (None, "", ":memory:"):
            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
                cursor.close()
        return engine


def store_metadata(engine: Engine) -> sa.MetaData:
    """The schema as stored by ``engine``'s backend: ``schema.metadata``, with PostgreSQL's column types there."""
    return _postgresql_metadata() if engine.dialect.name == "postgresql" else schema.metadata


@functools.cache
def _postgresql_metadata() -> sa.MetaData:
    return pgtypes.with_postgresql_types(schema.metadata)


def _tables(metadata: sa.MetaData, names: Sequence[str] | None) -> list[sa.Table]:
    known = {t.name: t for t in metadata.sorted_tables}
    if not names:
        return list(known.values())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise CopyRefused(f"unknown tables: {', '.join(unknown)}; valid: {', '.join(known)}")
    return [known[n] for n in known if n in set(names)]


def _integer_key(table: sa.Table) -> str | None:
    keys = list(table.primary_key.columns)
    return keys[0].name if len(keys) == 1 and isinstance(keys[0].type, sa.Integer) else None


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    """One read transaction on the source: every batch sees the same snapshot."""
    with engine.connect() as plain:
        conn = plain.execution_options(isolation_level="REPEATABLE READ") if plain.dialect.name == "postgresql" \
            else plain
        with conn.begin():
            yield conn


def display_url(url: str | URL) -> str:
    """``url`` as it may be shown: password hidden, redacted."""
    parsed = make_url(url) if isinstance(url, str) else url
    return redact_text(parsed.render_as_string(hide_password=True))

