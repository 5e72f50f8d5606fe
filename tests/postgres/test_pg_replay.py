"""The recorded read calls on a real PostgreSQL server: every domain gives Tautulli's answer (``replay calls --url``).

The whole replay runs once per module (one copy of the sample into a fresh schema, dropped afterwards); each
domain is then one test, so a failure names its domain and records.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from plexpy.commands.replay import ReplayResult, load_records, replay_calls
from plexpy.commands.replay_pg import SCHEMA_PREFIX, loaded_into_postgresql, with_search_path
from plexpy.config import ConfigError

pytestmark = pytest.mark.postgresql

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
CALLS = SAMPLE_DIR / "calls.jsonl"
SAMPLE = SAMPLE_DIR / "tautulli.db"
DOMAINS_RECORDED = sorted({r["domain"] for r in load_records(CALLS)})
#: The sample's records that are SQLite by nature (raw SQL on sqlite_master and a PRAGMA).
SQLITE_ONLY = {"api_sql-1035", "api_sql-1038"}


@pytest.fixture(scope="module")
def replay_db(pg_server) -> Iterator[str]:
    """A database for the module's replays, with one row of someone else's data that must survive them."""
    name = f"replay_{os.getpid()}"
    url = pg_server.create_database(name)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE bystander (id int PRIMARY KEY, note text)"))
        conn.execute(sa.text("INSERT INTO bystander VALUES (1, 'keep me')"))
    engine.dispose()
    yield url
    pg_server.drop_database(name)


@pytest.fixture(scope="module")
def pg_replay(replay_db: str) -> ReplayResult:
    """Every recorded call replayed on the sqlalchemy twins on PostgreSQL, once for the module."""
    return replay_calls(CALLS, SAMPLE, backend="sqlalchemy", url=replay_db)


@pytest.mark.parametrize("domain", DOMAINS_RECORDED)
def test_domain_gives_the_recorded_answers_on_postgresql(pg_replay: ReplayResult, domain: str) -> None:
    results = [r for r in pg_replay.results if r.domain == domain]
    assert results, f"no records of {domain}"
    failures = [f"{r.id}: {r.difference}" for r in results if not r.passed and not r.not_applicable]
    assert not failures, "\n".join(failures[:10])
    expected_na = {i for i in SQLITE_ONLY if i.startswith(f"{domain}-")}
    assert {r.id for r in results if r.not_applicable} == expected_na


def test_sqlite_only_records_raise_a_clear_error(pg_replay: ReplayResult) -> None:
    by_id = {r.id: r for r in pg_replay.not_applicable}
    assert set(by_id) == SQLITE_ONLY
    assert "PRAGMA" in (by_id["api_sql-1038"].not_applicable or "")
    assert "sqlite_master" in (by_id["api_sql-1035"].not_applicable or "")
    assert pg_replay.failed == 0 and pg_replay.dialect == "postgresql"
    assert pg_replay.passed == len(load_records(CALLS)) - len(SQLITE_ONLY)


def test_replay_leaves_the_database_as_it_was(pg_replay: ReplayResult, replay_db: str) -> None:
    engine = sa.create_engine(replay_db)
    with engine.connect() as conn:
        schemas = conn.execute(sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
                               {"p": SCHEMA_PREFIX + "%"}).scalars().all()
        kept = conn.execute(sa.text("SELECT note FROM bystander")).scalars().all()
        public = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert schemas == []
    assert kept == ["keep me"]
    assert public == {"bystander"}


def test_schema_is_dropped_when_the_replay_fails(replay_db: str, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"), loaded_into_postgresql(SAMPLE, replay_db) as url:
        assert "search_path" in str(url.query.get("options"))
        raise RuntimeError("boom")
    engine = sa.create_engine(replay_db)
    with engine.connect() as conn:
        left = conn.execute(sa.text("SELECT count(*) FROM pg_namespace WHERE nspname LIKE :p"),
                            {"p": SCHEMA_PREFIX + "%"}).scalar_one()
    engine.dispose()
    assert left == 0


def test_search_path_keeps_existing_options() -> None:
    url = sa.make_url("postgresql+psycopg://u@h/db?options=-cstatement_timeout%3D5000")
    assert with_search_path(url, "s1").query["options"] == "-cstatement_timeout=5000 -csearch_path=s1"


def test_url_needs_the_sqlalchemy_backend(replay_db: str) -> None:
    with pytest.raises(ConfigError, match="sqlalchemy"):
        replay_calls(CALLS, SAMPLE, backend="legacy", url=replay_db)
    with pytest.raises(ConfigError, match="postgresql"), loaded_into_postgresql(SAMPLE, "sqlite:///x.db"):
        pass


def test_cli_reports_not_applicable_records(replay_db: str, tmp_path: Path) -> None:
    from plexpy.cli import cli

    out = tmp_path / "api_sql.jsonl"
    result = CliRunner().invoke(cli, [
        "replay", "calls", str(CALLS), "--db", str(SAMPLE), "--backend", "sqlalchemy", "--url", replay_db,
        "--domain", "api_sql", "--json", str(out),
    ])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "6 passed, 0 failed, 2 not applicable on postgresql"
    assert "not applicable on postgresql: api_sql-1038" in result.output
    verdicts = {row["id"]: row["verdict"] for row in map(json.loads, out.read_text().splitlines())}
    assert verdicts["api_sql-1035"] == verdicts["api_sql-1038"] == "not applicable"
    assert verdicts["api_sql-1039"] == "pass"
