"""``copy``: the sample to PostgreSQL and to SQLite, values with their storage class, counters, resume."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from plexpy.commands.copy import PROGRESS_TABLE, CopyProgress, CopyRefused, copy
from plexpy.commands.reconcile import next_ids
from plexpy.db import schema
from plexpy.db.state import compare_state, dump_state

postgresql = pytest.mark.postgresql


def _scalar(url: str, sql: str):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(sql).all()
    finally:
        engine.dispose()


def test_sample_to_sqlite_is_identical_with_counters(sample_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    result = copy(f"sqlite:///{sample_db}", f"sqlite:///{target}", batch_size=700)

    assert result.verified
    assert result.rows == sum(t.total for t in result.tables) > 19000
    left = dump_state(sa.create_engine(f"sqlite:///{sample_db}"))
    right = dump_state(sa.create_engine(f"sqlite:///{target}"))
    assert compare_state(right, left) == []  # every table, sqlite_sequence included, by storage class
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (PROGRESS_TABLE,)).fetchone() == (0,)


def test_tables_option_copies_only_those(sample_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    result = copy(f"sqlite:///{sample_db}", f"sqlite:///{target}", tables=["users", "version_info"])
    assert [t.table for t in result.tables] == ["users", "version_info"]
    assert result.verified
    with pytest.raises(CopyRefused, match="unknown tables: nope"):
        copy(f"sqlite:///{sample_db}", f"sqlite:///{target}", tables=["nope"])


@postgresql
def test_sample_to_postgresql_keeps_every_value_and_storage_class(sample_db: Path, pg_url: str) -> None:
    ticks: list[CopyProgress] = []
    result = copy(f"sqlite:///{sample_db}", pg_url, batch_size=1000, progress=ticks.append)

    assert result.verified, [(r.table, r.found) for r in result.reconcile if not r.equal]
    assert {r.table for r in result.reconcile} == set(schema.TABLES)
    assert ("session_history", "copy", 4061, 4061) in [(t.table, t.phase, t.done, t.total) for t in ticks]
    # '' beside integers, UUID text in an INTEGER column, the untyped column: as SQLite stored them
    years = dict(_scalar(pg_url, "SELECT year, count(*) FROM session_history_metadata GROUP BY 1"))
    assert years[""] == 257
    assert {type(y) for y in years} == {int, str}
    uuid, = _scalar(pg_url, "SELECT musicbrainz_id FROM musicbrainz_lookup ORDER BY id LIMIT 1")[0]
    assert isinstance(uuid, str) and len(uuid) == 36
    assert _scalar(pg_url, "SELECT count(*) FROM session_history_media_info WHERE subtitle_forced = '\"\"'") == [(19,)]
    assert _scalar(pg_url, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'tautulli_copy_progress'"
                   ) == [(0,)]


@postgresql
def test_postgresql_counters_give_sqlites_next_ids(sample_db: Path, pg_sample: str) -> None:
    engine, lite = sa.create_engine(pg_sample), sa.create_engine(f"sqlite:///{sample_db}")
    tables = list(schema.metadata.sorted_tables)
    with engine.connect() as pg, lite.connect() as sq:
        assert next_ids(pg, tables) == next_ids(sq, tables)
        sessions = pg.exec_driver_sql("SELECT nextval(pg_get_serial_sequence('sessions', 'id'))").scalar_one()
    assert sessions == 5101  # sqlite_sequence says 5100 although sessions holds 8 rows
    engine.dispose()
    lite.dispose()


@postgresql
def test_interrupted_copy_resumes_without_duplicates(sample_db: Path, pg_url: str) -> None:
    batches = 0

    def crash_after_five(tick: CopyProgress) -> None:
        nonlocal batches
        if tick.phase == "copy" and tick.table == "notify_log" and tick.done:
            batches += 1
            if batches == 5:
                raise KeyboardInterrupt  # as a user's Ctrl-C would, after the 5th committed batch

    tables = ["cloudinary_lookup", "notify_log", "users"]
    with pytest.raises(KeyboardInterrupt):
        copy(f"sqlite:///{sample_db}", pg_url, tables, batch_size=500, progress=crash_after_five)
    saved = dict(_scalar(pg_url, f"SELECT table_name, copied FROM {PROGRESS_TABLE}"))
    assert saved["notify_log"] == 2500
    assert _scalar(pg_url, "SELECT count(*) FROM notify_log") == [(2500,)]

    result = copy(f"sqlite:///{sample_db}", pg_url, tables, batch_size=500)

    by_table = {t.table: t for t in result.tables}
    assert (by_table["notify_log"].resumed, by_table["notify_log"].copied) == (2500, 5779 - 2500)
    assert by_table["cloudinary_lookup"].copied == 0  # finished before the interruption
    assert result.verified
    assert _scalar(pg_url, "SELECT count(*), count(DISTINCT id) FROM notify_log") == [(5779, 5779)]


def test_interrupted_sqlite_copy_resumes(sample_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"

    def crash(tick: CopyProgress) -> None:
        if tick.table == "session_history" and tick.done == 1000:
            raise RuntimeError("injected")

    tables = ["session_history", "users"]
    with pytest.raises(RuntimeError, match="injected"):
        copy(f"sqlite:///{sample_db}", f"sqlite:///{target}", tables, batch_size=250, progress=crash)
    result = copy(f"sqlite:///{sample_db}", f"sqlite:///{target}", tables, batch_size=250)
    assert result.verified
    assert {t.table: t.resumed for t in result.tables}["session_history"] == 1000


def test_refuses_a_target_with_rows_it_did_not_write(sample_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    copy(f"sqlite:///{sample_db}", f"sqlite:///{target}", tables=["users"])
    with pytest.raises(CopyRefused, match="already holds 61 rows"):
        copy(f"sqlite:///{sample_db}", f"sqlite:///{target}", tables=["users"])


def test_restart_instead_of_resume(sample_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"

    def crash(tick: CopyProgress) -> None:
        if tick.table == "users" and tick.done == 20:
            raise RuntimeError("injected")

    with pytest.raises(RuntimeError):
        copy(f"sqlite:///{sample_db}", f"sqlite:///{target}", tables=["users"], batch_size=10, progress=crash)
    result = copy(f"sqlite:///{sample_db}", f"sqlite:///{target}", tables=["users"], resume=False)
    assert (result.tables[0].resumed, result.tables[0].copied) == (0, 61)
    assert result.verified


@postgresql
@pytest.mark.parametrize(("table", "sql", "detail"), [
    ("session_history", "UPDATE session_history SET started = 'soon' WHERE id = 3", "session_history.started: 1 value"),
    ("users", "UPDATE users SET thumb = X'00ff' WHERE id = 2", "users.thumb: 1 value"),
    ("users", "UPDATE users SET email = 'a' || char(0) || 'b' WHERE id = 2", "users.email: 1 value"),
    ("musicbrainz_lookup", "UPDATE musicbrainz_lookup SET musicbrainz_id = 9e999 WHERE id = 2",
     "musicbrainz_lookup.musicbrainz_id: 1 value"),
    ("themoviedb_lookup", "UPDATE themoviedb_lookup SET rating_key = X'01' WHERE id = 2",
     "themoviedb_lookup.rating_key: 1 value"),
])
def test_refuses_values_postgresql_cannot_keep(sample_db: Path, pg_url: str, table: str, sql: str,
                                               detail: str) -> None:
    with sqlite3.connect(sample_db) as conn:
        conn.execute(sql)
    with pytest.raises(CopyRefused) as refused:
        copy(f"sqlite:///{sample_db}", pg_url, ["cloudinary_lookup", table])
    assert [d for d in refused.value.details if d.startswith(detail)], refused.value.details
    assert _scalar(pg_url, f"SELECT count(*) FROM {table}") == [(0,)]  # the batch rolled back
    assert _scalar(pg_url, "SELECT count(*) FROM cloudinary_lookup") == [(172,)]  # tables before it were copied


@postgresql
def test_dynamic_values_round_trip_with_their_class(sample_db: Path, pg_url: str) -> None:
    with sqlite3.connect(sample_db) as conn:
        conn.execute("UPDATE session_history_media_info SET subtitle_forced = '1' WHERE id = 1")
        conn.execute("UPDATE session_history_media_info SET subtitle_forced = 1.0 WHERE id = 2")
        conn.execute("UPDATE session_history_media_info SET subtitle_forced = 1 WHERE id = 3")
        conn.execute("UPDATE session_history_media_info SET subtitle_forced = 'NULL' WHERE id = 4")
        conn.execute("UPDATE session_history_media_info SET subtitle_forced = NULL WHERE id = 5")
        conn.execute("UPDATE session_history_metadata SET year = 1e20, rating = 'Émile \"o''k\" 50% _\\' WHERE id = 1")
        conn.execute("UPDATE session_history_metadata SET year = 'x' || char(10) || '\"' WHERE id = 2")
    result = copy(f"sqlite:///{sample_db}", pg_url, ["session_history_media_info", "session_history_metadata"])
    assert result.verified
    rows = _scalar(pg_url, "SELECT id, subtitle_forced FROM session_history_media_info WHERE id <= 5 ORDER BY id")
    assert [(type(v).__name__, v) for _, v in rows] == [
        ("str", "1"), ("float", 1.0), ("int", 1), ("str", "NULL"), ("NoneType", None)]
    meta = _scalar(pg_url, "SELECT year, rating FROM session_history_metadata WHERE id <= 2 ORDER BY id")
    assert meta == [(1e20, 'Émile "o\'k" 50% _\\'), ('x\n"', meta[1][1])]
    assert isinstance(meta[0][0], float)


@postgresql
def test_postgresql_back_to_sqlite(sample_db: Path, pg_sample: str, tmp_path: Path) -> None:
    target = tmp_path / "back.db"
    result = copy(pg_sample, f"sqlite:///{target}")
    assert result.verified
    left = dump_state(sa.create_engine(f"sqlite:///{sample_db}"))
    right = dump_state(sa.create_engine(f"sqlite:///{target}"))
    assert compare_state(right, left) == []  # '' and UUID text back in INTEGER columns, counters included


@postgresql
def test_copy_in_worker_processes_keeps_every_row_and_builds_the_indexes(sample_db: Path, pg_url: str) -> None:
    """The large-database path (one spawned process per table, indexes started as each table lands)."""
    ticks: list[CopyProgress] = []
    tables = ["session_history", "session_history_metadata", "notify_log", "users"]
    result = copy(f"sqlite:///{sample_db}", pg_url, tables, batch_size=1000, progress=ticks.append, processes=True)

    assert result.verified, [(r.table, r.found) for r in result.reconcile if not r.equal]
    assert [t.table for t in result.tables] == [t.name for t in schema.metadata.sorted_tables if t.name in tables]
    assert ("session_history", "copy", 4061, 4061) in [(t.table, t.phase, t.done, t.total) for t in ticks]
    for name in tables:
        wanted = {i.name for i in schema.metadata.tables[name].indexes}
        found = {n for (n,) in _scalar(pg_url, f"SELECT indexname FROM pg_indexes WHERE tablename = '{name}'")}
        assert wanted <= found, (name, wanted - found)


@postgresql
def test_a_refusal_in_a_worker_process_reaches_the_caller_with_its_details(sample_db: Path, pg_url: str) -> None:
    with sqlite3.connect(sample_db) as conn:
        conn.execute("UPDATE users SET thumb = X'00ff' WHERE id = 2")
    with pytest.raises(CopyRefused) as refused:
        copy(f"sqlite:///{sample_db}", pg_url, ["cloudinary_lookup", "users"], processes=True)
    assert [d for d in refused.value.details if d.startswith("users.thumb: 1 value")], refused.value.details
    assert _scalar(pg_url, "SELECT count(*) FROM users") == [(0,)]


def test_an_in_memory_source_refuses_worker_processes(pg_url: str) -> None:
    with pytest.raises(CopyRefused, match="in-memory"):
        copy("sqlite://", pg_url, ["users", "notify_log"], processes=True)


@postgresql
def test_cli_copy_in_processes_reports_verified(sample_db: Path, pg_url: str) -> None:
    from click.testing import CliRunner

    from plexpy.cli import cli

    done = CliRunner().invoke(cli, ["copy", "--from", f"sqlite:///{sample_db}", "--to", pg_url,
                                     "--tables", "users,notify_log", "--parallel", "processes"])
    assert done.exit_code == 0, done.output
    assert "verified: every row arrived" in done.output
    assert _scalar(pg_url, "SELECT count(*) FROM notify_log") == [(5779,)]
