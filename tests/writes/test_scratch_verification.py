"""Writes a transaction cannot hold, verified on a scratch copy: matched, mismatches found, files touched once."""

from __future__ import annotations

import importlib
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, update

from plexpy import activity_processor, bootstrap, config, context, database, runtime
from plexpy.db import schema
from plexpy.domains import DOMAINS
from plexpy.domains.activity.legacy import LegacyActivity
from plexpy.domains.activity.sqla import SqlaActivity
from plexpy.domains.maintenance.legacy import LegacyMaintenance
from plexpy.domains.maintenance.sqla import SqlaMaintenance
from shim.observation import Outcome
from shim.testing import RecordingPublisher

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
NOW = 1768478400

#: Each scratch-verified operation and a call of it through its Tautulli facade.
SCRATCH_CALLS: dict[str, Callable[[Path], Any]] = {
    "maintenance.import_tautulli_db": lambda source: database.import_tautulli_db(
        database=str(source), method="merge", backup=True),
    "maintenance.make_backup": lambda _source: database.make_backup(),
    "maintenance.vacuum": lambda _source: database.vacuum(),
    "maintenance.optimize": lambda _source: database.optimize(),
    "maintenance.optimize_db": lambda _source: database.optimize_db(),
    "activity.regroup_history": lambda _source: activity_processor.ActivityProcessor().regroup_history(),
}


class Shadow:
    """A runtime on a copy of the sample in one mode, recording its parity events."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "tautulli.db"
        self.source = folder / "import_source.db"
        self.backups = folder / "backups"
        self.scratch = folder / "scratch"
        self.recorder = RecordingPublisher()

    def event(self, operation: str) -> Any:
        return next(e for e in self.recorder.events if f"{e.domain}.{e.operation}" == operation)

    def rows(self, sql: str) -> list[tuple]:
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()


@pytest.fixture
def shadow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Shadow]]:
    with ExitStack() as stack:

        def make(mode: str) -> Shadow:
            run = Shadow(tmp_path / mode)
            run.scratch.mkdir(parents=True)
            shutil.copy2(SAMPLE / "tautulli.db", run.db)
            shutil.copy2(SAMPLE / "import_source.db", run.source)
            monkeypatch.setattr(tempfile, "tempdir", str(run.scratch))  # where scratch copies are made
            settings = config.load(None, environ={}, overrides={
                "db_url": f"sqlite:///{run.db}", "data_dir": str(run.folder), "timezone": "UTC",
                "backends": {"default": mode}, "report_dir": str(run.folder / "reports"),
                "candidate_timeout": 300})  # a loaded CI machine must not turn a slow copy into a timeout
            rt = bootstrap.build(settings, router=bootstrap.build_router(settings, publishers=[run.recorder]))
            stack.callback(rt.close)
            stack.enter_context(runtime.use(rt))
            stack.enter_context(context.call_context(now=NOW, tz="UTC", config={"BACKUP_DIR": str(run.backups)}))
            return run

        yield make


def test_every_scratch_operation_of_the_contracts_is_covered_here() -> None:
    declared = set()
    for domain in DOMAINS:
        contract = importlib.import_module(f"plexpy.domains.{domain}.contract")
        declared |= {op.key for op in contract.OPERATIONS.values() if op.verify == "scratch"}
    assert declared == set(SCRATCH_CALLS)


def test_every_write_declares_a_known_verification_method() -> None:
    for domain in DOMAINS:
        contract = importlib.import_module(f"plexpy.domains.{domain}.contract")
        for op in contract.OPERATIONS.values():
            if op.kind == "write":
                assert op.verify in ("transaction", "scratch"), op.key


@pytest.mark.parametrize("operation", sorted(SCRATCH_CALLS))
@pytest.mark.parametrize("mode", ["shadow", "reverse-shadow"])
def test_a_scratch_write_matches_and_is_applied_once(shadow, mode: str, operation: str) -> None:
    run = shadow(mode)
    history_before = run.rows("SELECT COUNT(*) FROM session_history")[0][0]
    SCRATCH_CALLS[operation](run.source)
    event = run.event(operation)
    assert event.outcome is Outcome.MATCH, (event.difference, event.compared_error, event.answering_error)
    assert event.verification == "scratch"
    assert list(run.scratch.iterdir()) == []  # the scratch copy is gone
    history_after = run.rows("SELECT COUNT(*) FROM session_history")[0][0]
    if operation == "maintenance.import_tautulli_db":
        imported = event.changes["answering"]["tables"]["session_history"]
        assert imported > 0 and history_after == history_before + imported  # merged once, not twice
        assert not run.source.exists()
    else:
        assert history_after == history_before
    backups = sorted(p.name for p in run.backups.iterdir()) if run.backups.exists() else []
    expected = 1 if operation in ("maintenance.import_tautulli_db", "maintenance.make_backup",
                                  "activity.regroup_history") else 0
    assert len(backups) == expected, backups  # only the answering path wrote into BACKUP_DIR


def test_the_import_source_is_consumed_exactly_once(shadow) -> None:
    run = shadow("shadow")
    before = run.rows("SELECT COUNT(*) FROM users")[0][0]
    source_users = sqlite3.connect(run.source).execute("SELECT COUNT(*) FROM users").fetchone()[0]
    assert database.import_tautulli_db(database=str(run.source), method="merge") is None
    assert not run.source.exists()
    event = run.event("maintenance.import_tautulli_db")
    assert event.outcome is Outcome.MATCH, event.difference
    # the answering path imported the real file; the compared path had its own copy of it
    assert event.changes["answering"]["tables"] == event.changes["compared"]["tables"]
    assert before < run.rows("SELECT COUNT(*) FROM users")[0][0] <= before + source_users


def test_the_compared_run_leaves_the_real_database_and_files_alone(shadow, monkeypatch) -> None:
    run = shadow("shadow")

    def refuses(self: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the answering path stops before writing")

    monkeypatch.setattr(LegacyMaintenance, "import_tautulli_db", refuses)
    before = run.db.read_bytes()
    with pytest.raises(RuntimeError, match="stops before writing"):
        database.import_tautulli_db(database=str(run.source), method="merge", backup=True)
    event = run.event("maintenance.import_tautulli_db")
    assert event.compared_error is None
    assert event.changes["compared"]["tables"]["session_history"] > 0  # the compared path did import...
    assert run.source.exists()  # ...a copy of the file,
    assert not run.backups.exists()  # backed up into its scratch folder,
    assert run.db.read_bytes() == before  # and never wrote to the real database
    assert list(run.scratch.iterdir()) == []


@pytest.mark.parametrize("mode", ["shadow", "reverse-shadow"])
def test_a_wrong_compared_twin_is_a_mismatch_and_the_answer_is_kept(shadow, mode: str, monkeypatch) -> None:
    run = shadow(mode)
    first = run.rows("SELECT MIN(id) FROM session_history")[0][0]
    reference = run.rows(f"SELECT reference_id FROM session_history WHERE id = {first}")[0][0]
    if mode == "shadow":  # the SQLAlchemy twin is compared: make it regroup one row wrong
        original = SqlaActivity.regroup_history

        def wrong(self: Any) -> Any:
            result = original(self)
            with self._engine.begin() as conn:
                conn.execute(update(schema.session_history).where(schema.session_history.c.id == first)
                             .values(reference_id=-1))
            return result

        monkeypatch.setattr(SqlaActivity, "regroup_history", wrong)
    else:  # the legacy twin is compared
        original_legacy = LegacyActivity.regroup_history

        def wrong_legacy(self: Any) -> Any:
            result = original_legacy(self)
            self._db.action("UPDATE session_history SET reference_id = -1 WHERE id = ?", [first])
            return result

        monkeypatch.setattr(LegacyActivity, "regroup_history", wrong_legacy)
    assert activity_processor.ActivityProcessor().regroup_history() is True
    event = run.event("activity.regroup_history")
    assert event.outcome is Outcome.MISMATCH
    assert event.verification == "scratch"
    assert event.difference.startswith("changes: ") and "session_history" in event.difference
    assert run.rows(f"SELECT reference_id FROM session_history WHERE id = {first}")[0][0] == reference


def test_a_change_to_an_undeclared_table_is_a_mismatch(shadow, monkeypatch) -> None:
    run = shadow("shadow")
    recently_added = run.rows("SELECT COUNT(*) FROM recently_added")[0][0]
    assert recently_added > 0

    def vacuum_and_more(self: Any) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(schema.recently_added))

    monkeypatch.setattr(SqlaMaintenance, "vacuum", vacuum_and_more)
    database.vacuum()
    event = run.event("maintenance.vacuum")
    assert event.outcome is Outcome.MISMATCH
    assert "recently_added" in event.difference
    assert run.rows("SELECT COUNT(*) FROM recently_added")[0][0] == recently_added
