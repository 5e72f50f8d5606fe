"""Writes on PostgreSQL: the recorded write script with the SQLAlchemy twins on a real server ends in the recorded
final state, and a backup of a PostgreSQL store is a SQLite file holding the same rows and counters."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from plexpy.cli import cli
from plexpy.commands.reconcile import reconcile
from plexpy.commands.replay_writes_pg import replay_writes_pg
from plexpy.db.store_backup import copy_server_store, integrity_check
from shim.errors import ConfigError

pytestmark = pytest.mark.postgresql

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"


def test_write_script_on_postgresql_ends_in_the_recorded_state(pg_url: str) -> None:
    result = replay_writes_pg(SAMPLE / "writes.jsonl", SAMPLE / "tautulli.db", pg_url, SAMPLE / "final_state.json")

    assert [(s.id, s.difference) for s in result.steps if not s.passed] == []
    assert result.state_differences == []  # every table, sqlite_sequence as the sequences' last values
    assert result.failed == 0
    assert result.passed == len(result.steps) + 1 > 100


def test_replay_writes_url_leaves_nothing_behind(pg_url: str) -> None:
    result = replay_writes_pg(SAMPLE / "writes.jsonl", SAMPLE / "tautulli.db", pg_url, stop_after=3)
    assert [s.passed for s in result.steps] == [True, True, True]
    engine = sa.create_engine(pg_url)
    try:
        schemas = sa.inspect(engine).get_schema_names()
    finally:
        engine.dispose()
    assert not [s for s in schemas if s.startswith("tautulli_replay_")]  # the work schema is dropped


def test_replay_writes_url_must_be_postgresql(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="postgresql"):
        replay_writes_pg(SAMPLE / "writes.jsonl", SAMPLE / "tautulli.db", f"sqlite:///{tmp_path / 'x.db'}")


def test_replay_writes_url_needs_the_sqlalchemy_backend(pg_url: str) -> None:
    result = CliRunner().invoke(cli, ["replay", "writes", str(SAMPLE / "writes.jsonl"), "--db",
                                      str(SAMPLE / "tautulli.db"), "--url", pg_url])
    assert result.exit_code == 2
    assert "--backend sqlalchemy" in result.output


def test_backup_of_a_postgresql_store_is_an_equal_sqlite_file(pg_sample: str, tmp_path: Path) -> None:
    engine = sa.create_engine(pg_sample)
    with engine.begin() as conn:  # a counter ahead of the highest id must survive, as sqlite_sequence keeps it
        conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('sessions', 'id'), 9000, true)")
        assert conn.execute(integrity_check()).scalar() == "ok"
    target = tmp_path / "backup.db"
    copy_server_store(engine, target)
    engine.dispose()

    result = reconcile(pg_sample, f"sqlite:///{target}")
    assert result.differences == 0
    assert result.sequences == []
    assert sa.create_engine(f"sqlite:///{target}").connect().exec_driver_sql(
        "SELECT seq FROM sqlite_sequence WHERE name = 'sessions'").scalar() == 9000
