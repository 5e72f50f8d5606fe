"""Alembic environment of tautulli-db.

``target_metadata`` is the one schema, :mod:`plexpy.db.schema`. The connection comes, in order,
from ``config.attributes["connection"]`` (``plexpy.commands.migrate`` passes one already inside its
transaction; pytest-alembic passes an engine), from ``-x url=...``, from ``sqlalchemy.url``, or from the
project configuration (:func:`plexpy.config.load`: ``config.ini``, ``TAUTULLI_DB_URL``). SQLite
runs in batch mode. Offline (``--sql``) mode is refused: the revisions probe the database the way
Tautulli's ``dbcheck()`` does, so they need one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import URL, Connection, Engine, make_url

from alembic import context
from plexpy import config as project_config
from plexpy.db.engine import build_engine
from plexpy.db.perf_indexes import PERF_INDEX_NAMES
from plexpy.db.schema import Untyped, metadata

config = context.config
target_metadata = metadata


def _url() -> URL:
    """The database URL: ``-x url=``, then ``sqlalchemy.url``, then the project settings."""
    x_args = context.get_x_argument(as_dictionary=True)
    raw = x_args.get("url") or config.get_main_option("sqlalchemy.url")
    if raw:
        return make_url(raw)
    return project_config.load().db.url


def _compare_type(_ctx: Any, _inspected: Any, metadata_column: Any, _itype: Any, _mtype: Any) -> bool | None:
    """Leave the untyped column alone: upgraded databases declare it INTEGER (a Tautulli path fact)."""
    if isinstance(metadata_column.type, Untyped):
        return False
    return None


def _include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave out what depends on a database's upgrade path, not on the schema.

    Legacy tables Tautulli leaves behind (``poster_urls``) are not the schema's; and tables created
    by v2.1.0-beta ... v2.6.0 keep ``image_hash_lookup`` without its inline ``UNIQUE(img_hash)``
    (``idx_image_hash_lookup`` enforces the same rule).
    """
    if type_ == "table" and reflected and compare_to is None:
        return False
    if type_ == "index" and reflected and compare_to is None and name in PERF_INDEX_NAMES:
        return False  # the project's performance indexes (revision 0016): not in the Tautulli schema
    return not (type_ == "unique_constraint" and not reflected and compare_to is None
                and obj.table.name == "image_hash_lookup")


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=_compare_type,
        include_object=_include_object,
        on_version_apply=config.attributes.get("on_version_apply", ()),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the revisions on the given connection, or on one opened from the URL."""
    connectable = config.attributes.get("connection")
    if isinstance(connectable, Connection):
        _run(connectable)
        return
    if isinstance(connectable, Engine):  # pytest-alembic passes its engine
        with connectable.connect() as conn:
            _run(conn)
        return
    engine = build_engine(_url())  # SQLite: one real transaction per run, DDL included
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("tautulli-db revisions probe the database like dbcheck(): --sql (offline) is not supported")
run_migrations_online()
