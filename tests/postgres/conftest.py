"""A throwaway PostgreSQL server for the tests marked ``postgresql``.

``pg_server`` starts one cluster per test session (``plexpy.db.pgserver``: ``initdb`` + ``pg_ctl`` as the
``postgres`` OS user when the tests run as root) and removes it at the end. Without PostgreSQL the tests skip with
the reason, except under CI (``CI=true``), where a missing server fails them loudly. ``TAUTULLI_TEST_PG_URL``
(an admin URL of a running server) uses that server instead.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from plexpy.db import pgserver

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample" / "tautulli.db"
_names = itertools.count(1)


class _External:
    """A running server given by URL: databases are created through its admin connection."""

    def __init__(self, url: str) -> None:
        self.admin = sa.make_url(url)

    def url(self, database: str) -> str:
        return self.admin.set(database=database).render_as_string(hide_password=False)

    def _run(self, sql: str) -> None:
        engine = sa.create_engine(self.admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(sql)
        engine.dispose()

    def create_database(self, name: str, template: str = "template0") -> str:
        self._run(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PgServer | _External]:
    """The session's PostgreSQL server (skips without one; fails under CI)."""
    external = os.environ.get("TAUTULLI_TEST_PG_URL")
    if external:
        yield _External(external)
        return
    try:
        server = pgserver.start()
    except pgserver.PgServerUnavailable as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI: {exc}")
        pytest.skip(f"no PostgreSQL server: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_database(pg_server: pgserver.PgServer | _External) -> Iterator[Callable[..., str]]:
    """``make(template=None)`` → the URL of a new database (a copy of ``template`` when given); dropped after."""
    made: list[str] = []

    def make(template: str | None = None) -> str:
        name = f"t{os.getpid()}_{next(_names)}"
        made.append(name)
        return pg_server.create_database(name, template or "template0")

    yield make
    for name in made:
        pg_server.drop_database(name)


@pytest.fixture
def pg_url(pg_database: Callable[..., str]) -> str:
    """A fresh, empty database."""
    return pg_database()


@pytest.fixture(scope="session")
def pg_sample_template(pg_server: pgserver.PgServer | _External, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The name of a database holding the bundled sample, copied once per session (a template for tests)."""
    import shutil

    from plexpy.commands.copy import copy

    source = tmp_path_factory.mktemp("pg-sample") / "tautulli.db"
    shutil.copy2(SAMPLE, source)
    name = f"sample_{os.getpid()}"
    url = pg_server.create_database(name)
    result = copy(f"sqlite:///{source}", url)
    assert result.verified
    return name


@pytest.fixture
def pg_sample(pg_sample_template: str, pg_database: Callable[..., str]) -> str:
    """A private PostgreSQL copy of the sample (made from the session's template)."""
    return pg_database(template=pg_sample_template)
