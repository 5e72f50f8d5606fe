"""What migrate refuses, and that a refusal or a failure leaves the file as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from migration_corpus import CORPUS, FRESH, differences
from sqlalchemy.exc import OperationalError

from plexpy.commands import migrate as migrate_module
from plexpy.commands.migrate import (
    CorruptDatabaseError,
    DatabaseBusyError,
    MigrationRefusedError,
    UnknownSchemaError,
    UpgradeFailedError,
    migrate,
)
from plexpy.db.errors import TautulliDBError


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _alter(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("ALTER TABLE sessions ADD COLUMN mood TEXT", "column sessions.mood: not a column of any Tautulli release"),
        ("CREATE TABLE plex_extras (id INTEGER)", "table plex_extras: not a table of any Tautulli release"),
        ("CREATE INDEX idx_mine ON users (email)", "index idx_mine on users(email): not an index of any release"),
        ("CREATE VIEW recent AS SELECT id FROM session_history", "view recent: Tautulli creates no views or triggers"),
    ],
)
def test_unknown_schema_is_refused_with_what_differs(statement: str, expected: str, copy_of) -> None:
    db = copy_of(CORPUS / "v2.16.0" / "before.db")
    _alter(db, "PRAGMA journal_mode = DELETE", statement)
    digest = _sha(db)
    with pytest.raises(UnknownSchemaError) as refused:
        migrate(db)
    assert expected in refused.value.details
    assert refused.value.release == "v2.15.0 ... v2.16.0"  # the closest release ...
    if "TABLE" in statement or "COLUMN" in statement:  # ... and how the names differ from it
        assert any(d.startswith("vs v2.15.0 ... v2.16.0: + ") for d in refused.value.details)
    assert "not a Tautulli schema" in str(refused.value)
    assert _sha(db) == digest


def test_changed_type_is_refused(copy_of) -> None:
    db = copy_of(FRESH)
    _alter(db, "PRAGMA journal_mode = DELETE", "ALTER TABLE session_history RENAME TO old",
           "CREATE TABLE session_history (id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT)")
    with pytest.raises(UnknownSchemaError) as refused:
        migrate(db)
    assert "table old: not a table of any Tautulli release" in refused.value.details
    assert any(d.startswith("column session_history.started TEXT: Tautulli declares") for d in refused.value.details)
    assert "column session_history.stopped is missing: every Tautulli release has it" in refused.value.details


def test_other_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    _alter(db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    with pytest.raises(UnknownSchemaError) as refused:
        migrate(db)
    assert "table sessions is missing: every Tautulli release has it" in refused.value.details
    assert isinstance(refused.value, TautulliDBError) and refused.value.op == "migrate"


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("not sqlite" * 100)
    with pytest.raises(MigrationRefusedError, match="cannot read"):
        migrate(db)


def test_corrupt_database_is_refused(copy_of) -> None:
    db = copy_of(CORPUS / "v2.17.2" / "before.db")
    _alter(db, "PRAGMA journal_mode = DELETE")
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'idx_session_history_user_id'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    data[(root - 1) * page_size] = 0x0D  # the index's root page now claims to be a table leaf
    db.write_bytes(bytes(data))
    digest = _sha(db)
    with pytest.raises(CorruptDatabaseError, match="integrity check failed"):
        migrate(db)
    assert _sha(db) == digest


def test_busy_database_is_refused(copy_of) -> None:
    db = copy_of(CORPUS / "v2.15.0" / "before.db")
    _alter(db, "PRAGMA journal_mode = DELETE")
    digest = _sha(db)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusyError, match="is Tautulli running"):
            migrate(db, busy_timeout=0.1)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert _sha(db) == digest
    assert not (db.parent / "backups").exists()


def test_dry_run_plans_and_changes_nothing(copy_of) -> None:
    db = copy_of(CORPUS / "v1.3.0" / "before.db")
    digest = _sha(db)
    result = migrate(db, dry_run=True)
    assert result.dry_run and not result.changed and result.applied == ()
    assert [p.revision for p in result.planned] == [f"{n:04d}" for n in range(1, 17)]
    assert result.planned[0].description == "Baseline: the Tautulli v2.17.2 schema."
    assert result.release == "v1.3.0 ... v1.3.7"
    assert _sha(db) == digest and not (db.parent / "backups").exists()


def test_dry_run_of_a_current_database_plans_a_stamp_and_the_project_indexes(copy_of) -> None:
    db = copy_of(CORPUS / "v2.17.2" / "before.db")
    result = migrate(db, dry_run=True)
    # Tautulli's shape is stamped (0015); the project's performance indexes (0016) are still to create.
    assert (result.state, result.stamped) == ("current", "0015")
    assert [p.revision for p in result.planned] == ["0016"]


def test_failure_rolls_everything_back(copy_of, monkeypatch: pytest.MonkeyPatch) -> None:
    db = copy_of(CORPUS / "v1.4.25" / "before.db")
    digest = _sha(db)

    def broken(conn, **_kw):
        raise OperationalError("repairs", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(migrate_module, "apply_repairs", broken)
    with pytest.raises(UpgradeFailedError, match="rolled back") as failed:
        migrate(db)
    assert isinstance(failed.value.__cause__, OperationalError)
    assert _sha(db) == digest
    assert differences(db, CORPUS / "v1.4.25" / "before.db") == []


def test_progress_is_reported_per_revision(copy_of) -> None:
    db = copy_of(CORPUS / "v2.11.0" / "before.db")
    seen: list[str] = []
    result = migrate(db, on_progress=lambda rev, _doc: seen.append(rev))
    assert seen == [p.revision for p in result.applied] == [f"{n:04d}" for n in range(2, 17)]
    assert result.stamped == "0001" and all(p.seconds is not None for p in result.applied)


def test_backup_is_named_with_time_and_revision(copy_of) -> None:
    from datetime import UTC, datetime

    db = copy_of(CORPUS / "v2.16.0" / "before.db")
    result = migrate(db, now=lambda: datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC))
    assert result.backup == db.parent / "backups" / "tautulli.20250304T050607Z.0001.db"


def test_settings_give_the_database_and_the_server_id(copy_of, tmp_path: Path) -> None:
    from plexpy import config

    db = copy_of(CORPUS / "v2.12.0" / "before.db")
    settings = config.load(environ={"TAUTULLI_DATA_DIR": str(tmp_path)})
    assert settings.db.sqlite_path == db
    result = migrate(settings)
    assert result.database == str(db) and result.changed
    assert differences(db, CORPUS / "v2.12.0" / "expected_after.db", ignore_tables=["alembic_version"]) == []


def test_unknown_alembic_revision_is_refused(copy_of) -> None:
    db = copy_of(CORPUS / "v2.16.0" / "before.db")
    migrate(db, backup=False)
    _alter(db, "UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(UnknownSchemaError, match="does not know"):
        migrate(db)


def test_head_mark_on_an_older_schema_is_refused(copy_of) -> None:
    db = copy_of(CORPUS / "v2.16.0" / "before.db")
    migrate(db, backup=False)
    _alter(db, "PRAGMA journal_mode = DELETE", "DROP INDEX idx_session_history_user")
    digest = _sha(db)
    with pytest.raises(UnknownSchemaError, match="not; nothing was changed") as refused:
        migrate(db)
    assert refused.value.details == ("index idx_session_history_user",)
    assert _sha(db) == digest
