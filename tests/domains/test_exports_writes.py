"""Export writes on both paths: the job's rows, cancelling, deleting rows and files, atomicity."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from plexpy import context, exporter
from plexpy.db.engine import build_engine
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.db.state import dump_state
from plexpy.domains.exports import legacy, sqla
from plexpy.exporter import Export
from shim.observation import Outcome

ANCHOR = 1768478400
JOB = ("SELECT timestamp, section_id, user_id, rating_key, media_type, title, file_format, metadata_level, "
       "media_info_level, thumb_level, custom_fields, individual_files, file_size, complete, exported_items, "
       "total_items FROM exports WHERE id = ?")


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


@pytest.fixture
def export_dir(tmp_path: Path):
    """``EXPORT_DIR`` for the test, holding the folder of export 9 and a stray file."""
    folder = tmp_path / "exports"
    (folder / "Library - Photos - All [4].20260110032738").mkdir(parents=True)
    (folder / "Library - Photos - All [4].20260110032738" / "photos.m3u").write_text("#EXTM3U\n")
    (folder / "stray.txt").write_text("x")
    with context.call_context(config={"EXPORT_DIR": str(folder)}):
        yield folder


def new_export(**attrs: object) -> Export:
    export = Export(section_id="2", custom_fields="title, year", file_format="JSON", metadata_level="2",
                    thumb_level=1)
    export.media_type, export.title = "movie", "Library - TV ✓ - All [2]"
    for name, value in attrs.items():
        setattr(export, name, value)
    return export


def test_export_keeps_tautullis_constructor() -> None:
    with context.call_context(now=ANCHOR):
        export = Export(section_id="2", user_id="abc", rating_key=0, file_format="M3U", metadata_level="3",
                        thumb_level=2, custom_fields="title, year")
    assert (export.section_id, export.user_id, export.rating_key, export.file_format) == (2, None, None, "m3u")
    assert (export.metadata_level, export.thumb_level, export.custom_fields) == (1, 0, "")  # reset for m3u
    assert (export.timestamp, export.export_type, export.individual_files, export.success) == (ANCHOR, "all",
                                                                                               False, False)
    with pytest.raises(AttributeError):
        Export(custom_fields=None)


def test_an_export_job_from_start_to_end(facade_mode: str, sample_db: Path) -> None:
    export = new_export()
    assert export.add_export() == 10
    assert rows(sample_db, JOB, (10,)) == [(ANCHOR, 2, None, None, "movie", "Library - TV ✓ - All [2]", "json", 2,
                                             1, 1, "title,year", 0, 0, 0, 0, 0)]
    export.export_id, export.total_items, export.exported_items = 10, 120, 60
    assert export.set_export_progress() is None
    export.exported_items, export.file_size, export.success = 120, 123456, True
    assert export.set_export_state() is None
    assert rows(sample_db, JOB, (10,))[0][-4:] == (123456, 1, 60, 120)  # the state stores no item counts
    export.success = False
    export.set_export_state()
    assert rows(sample_db, "SELECT complete FROM exports WHERE id = 10") == [(-1,)]


def test_add_export_answers_zero_when_an_existing_row_matches(facade_mode: str, sample_db: Path) -> None:
    export = new_export(user_id=5, rating_key=7)  # every key set: the second add updates the first row
    assert export.add_export() == 10
    export.title = "renamed"
    assert export.add_export() == 0
    assert rows(sample_db, "SELECT id, title FROM exports WHERE id >= 10") == [(10, "renamed")]
    assert new_export().add_export() == 11  # a NULL key never matches: always a new row


def test_state_of_an_unknown_or_bad_export_id(facade_mode: str, sample_db: Path) -> None:
    before = rows(sample_db, "SELECT COUNT(*) FROM exports")
    new_export(export_id="abc", success=True).set_export_state()  # SQLite refuses 'abc' as a row id: nothing
    new_export(export_id="abc").set_export_progress()
    assert rows(sample_db, "SELECT COUNT(*) FROM exports") == before
    new_export(export_id=None, success=True, file_size=5).set_export_state()  # NULL id: Tautulli inserts a row
    assert rows(sample_db, "SELECT id, title, complete, file_size FROM exports WHERE id > 9") == [(10, None, 1, 5)]


def test_cancel_exports_fails_the_unfinished_ones(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("UPDATE exports SET complete = 0 WHERE id IN (2, 5)")
    edit_db("UPDATE exports SET complete = -1 WHERE id = 3")
    assert exporter.cancel_exports() is None
    assert rows(sample_db, "SELECT id, complete FROM exports WHERE complete != 1 ORDER BY id") == [
        (2, -1), (3, -1), (5, -1)]


def test_delete_export_removes_the_row_then_its_folder(facade_mode: str, sample_db: Path, export_dir: Path) -> None:
    folder = export_dir / "Library - Photos - All [4].20260110032738"
    assert exporter.delete_export(export_id="abc") is False
    assert exporter.delete_export(export_id=999) is True
    assert exporter.delete_export(export_id="9") is True
    assert rows(sample_db, "SELECT COUNT(*) FROM exports WHERE id = 9") == [(0,)]
    assert not folder.exists()
    assert (export_dir / "stray.txt").exists()


def test_a_failed_delete_keeps_the_row_and_the_files(facade_mode: str, sample_db: Path, export_dir: Path,
                                                     edit_db) -> None:
    edit_db("CREATE TRIGGER refuse BEFORE DELETE ON exports BEGIN SELECT RAISE(ABORT, 'no'); END")
    with pytest.raises(TautulliDBError):
        exporter.delete_export(export_id=9)
    assert rows(sample_db, "SELECT COUNT(*) FROM exports WHERE id = 9") == [(1,)]
    assert (export_dir / "Library - Photos - All [4].20260110032738" / "photos.m3u").exists()
    assert exporter.delete_all_exports() is True  # Tautulli answers True and empties the folder all the same
    assert rows(sample_db, "SELECT COUNT(*) FROM exports") == [(9,)]
    assert list(export_dir.iterdir()) == []


def test_delete_all_exports_empties_the_table_and_the_folder(facade_mode: str, sample_db: Path,
                                                             export_dir: Path) -> None:
    assert exporter.delete_all_exports() is True
    assert rows(sample_db, "SELECT COUNT(*) FROM exports") == [(0,)]
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'exports'") == [(9,)]
    assert export_dir.is_dir()
    assert list(export_dir.iterdir()) == []


@pytest.mark.parametrize("side", ["legacy", "sqla"])
def test_a_locked_database_raises(side: str, sample_db: Path, export_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr("plexpy.db.retry.ATTEMPTS", 2)
    executor = SqliteExecutor(sample_db, busy_timeout=0.05)
    engine = build_engine(f"sqlite:///{sample_db}", busy_timeout=0.05)
    twin = legacy.TWIN(executor) if side == "legacy" else sqla.TWIN(engine)
    holder = sqlite3.connect(sample_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with context.call_context(now=ANCHOR, tz="UTC"):
            for write in (lambda: twin.add_export(timestamp=1), lambda: twin.set_export_progress(export_id=1),
                          twin.cancel_exports, lambda: twin.delete_export(9), twin.delete_all_exports):
                with pytest.raises(TautulliDBError, match="locked"):
                    write()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        executor.close()
        engine.dispose()
    assert (export_dir / "stray.txt").exists()  # nothing committed, so no file was removed


def test_both_paths_leave_identical_rows(tmp_path: Path, sample_db: Path) -> None:
    from plexpy import bootstrap, config, runtime

    def run(mode: str) -> dict:
        db = tmp_path / f"{mode}.db"
        db.write_bytes(sample_db.read_bytes())
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "backends": {"default": mode}})
        rt = bootstrap.build(settings)
        with runtime.use(rt), context.call_context(now=ANCHOR, tz="UTC"):
            first = new_export(individual_files=True)
            first.export_id = first.add_export()
            first.total_items, first.exported_items = "12", 6.0
            first.set_export_progress()
            Export(user_id="3722597", file_format="xml").add_export()
            new_export(user_id=1, rating_key="5").add_export()
            new_export(user_id=1, rating_key="5", title="again").add_export()
            new_export(export_id=None).set_export_state()
            exporter.cancel_exports()
            exporter.delete_export(export_id=3)
        rt.close()
        engine = build_engine(f"sqlite:///{db}")
        state = dump_state(engine, ["exports", "sqlite_sequence"])
        engine.dispose()
        return state

    legacy_state = run("legacy")
    assert legacy_state == run("sqlalchemy")
    assert [r[0] for r in legacy_state["exports"]["rows"]] == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]


@pytest.mark.parametrize("mode", ["shadow", "reverse-shadow"])
def test_shadowed_writes_match_and_touch_files_once(shadowed, sample_db: Path, export_dir: Path,
                                                     mode: str) -> None:
    recorder = shadowed(mode)
    assert new_export().add_export() == 10
    assert exporter.delete_export(export_id=9) is True
    assert exporter.delete_all_exports() is True
    assert [e.outcome for e in recorder.events] == [Outcome.MATCH] * 3, [e.difference for e in recorder.events]
    assert rows(sample_db, "SELECT COUNT(*) FROM exports") == [(0,)]
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'exports'") == [(10,)]
    assert list(export_dir.iterdir()) == []


@pytest.mark.parametrize("backend", ["legacy", "sqlalchemy"])
def test_the_recorded_steps_pass(backend: str, monkeypatch) -> None:
    from plexpy.commands import replay_writes as module

    # replay_writes checks an Export step's target by its text before the first "." ("plexpy"), which never
    # resolves; check the module:Class part instead (the steps themselves run unchanged).
    resolve = module.resolve_target
    monkeypatch.setattr(module, "resolve_target", lambda target: resolve(target) if ":" in target else resolve(
        "plexpy.exporter:Export"))
    sample = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
    result = module.replay_writes(sample / "writes.jsonl", sample / "tautulli.db", backend=backend, stop_after=64)
    ours = [s for s in result.steps if s.target.startswith("plexpy.exporter:")]
    assert len(ours) == 7, [s.id for s in ours]
    assert [f"{s.id}: {s.difference}" for s in ours if not s.passed] == []
