"""A recorded SQLite database loaded into a PostgreSQL server for a replay, in a schema of its own.

``tautulli-db replay calls … --url postgresql+psycopg://…`` runs the SQLAlchemy twins on PostgreSQL. The
recorded database is copied (``plexpy.commands.copy.copy``: PostgreSQL column types, ``COPY``, counters,
reconciliation, then ``ANALYZE``) into a **fresh schema** ``tautulli_replay_<random>`` of the URL's database,
the replay's engine gets ``search_path`` = that schema, and the schema is dropped (``CASCADE``) when the
replay ends. Nothing else in the database is read or changed; the role needs ``CREATE`` on the database, not
``CREATEDB``.

Some records are SQLite by nature (:func:`sqlite_only_reason`): on PostgreSQL they must raise a
``TautulliDBError``, and the replay counts them as *not applicable*, with the reason.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from plexpy.commands.copy import copy
from plexpy.config import ConfigError
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import TABLES
from plexpy.domains.api_sql.guard import sqlite_only

__all__ = ["SCHEMA_PREFIX", "loaded_into_postgresql", "sqlite_only_reason", "with_search_path"]

#: Prefix of the schema a replay creates (and drops) in the target database.
SCHEMA_PREFIX = "tautulli_replay_"


def with_search_path(url: URL, schema: str) -> URL:
    """``url`` whose connections use ``schema`` first (libpq ``options=-csearch_path=…``)."""
    options = url.query.get("options")
    existing = options if isinstance(options, str) else " ".join(options or ())
    merged = f"{existing} -csearch_path={schema}".strip()
    return url.update_query_dict({"options": merged})


@contextmanager
def loaded_into_postgresql(db: str | Path, url: str | URL, *, batch_size: int = 5000) -> Iterator[URL]:
    """Copy the SQLite database ``db`` into a fresh schema of the PostgreSQL ``url``; yield the URL to use.

    The schema is dropped on exit, whatever happened.

    Raises:
        ConfigError: ``url`` is not a PostgreSQL URL.
        TautulliDBError: the copy failed or was not verified equal to ``db``.
    """
    target = make_url(url) if isinstance(url, str) else url
    if target.get_backend_name() != "postgresql":
        raise ConfigError(f"--url must be a postgresql URL, got {target.get_backend_name()}")
    schema = SCHEMA_PREFIX + secrets.token_hex(4)
    admin = sa.create_engine(target, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(sa.schema.CreateSchema(schema))
        try:
            scoped = with_search_path(target, schema)
            result = copy(f"sqlite:///{Path(db).resolve()}", scoped, batch_size=batch_size)
            if not result.verified:
                raise TautulliDBError(f"the copy of {Path(db).name} into PostgreSQL is not equal to it",
                                      op="replay.copy")
            with admin.connect() as conn:  # planner statistics now, not whenever autovacuum gets to them
                preparer = admin.dialect.identifier_preparer
                for name in TABLES:
                    conn.exec_driver_sql(f"ANALYZE {preparer.quote(schema)}.{preparer.quote(name)}")
            yield scoped
        finally:
            with admin.connect() as conn:
                conn.execute(sa.schema.DropSchema(schema, cascade=True))
    finally:
        admin.dispose()


def sqlite_only_reason(record: Mapping[str, Any]) -> str | None:
    """Why ``record`` cannot give its recorded result on PostgreSQL, or None when it must.

    Raw SQL on SQLite's catalogue (``sqlite_master``, ``sqlite_sequence``…) or a ``PRAGMA``: PostgreSQL has
    neither, so the call must raise a ``TautulliDBError`` there. (``integrity_check`` has a PostgreSQL
    equivalent in the maintenance domain and is replayed as usual.)
    """
    if record.get("domain") != "api_sql":
        return None
    return sqlite_only((record.get("kwargs") or {}).get("query"))
