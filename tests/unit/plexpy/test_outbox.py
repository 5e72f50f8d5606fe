"""The durable outbox file, and the dual writer against a second SQLite store (no server needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from plexpy import config
from plexpy.db.dual_write import DualWriter, attach, open_writer, outbox_path, payload_from
from plexpy.db.outbox import Entry, Outbox, decode_value, encode_value
from plexpy.db.snapshot import ChangeSet


def test_entries_survive_reopening_in_order_and_errors_are_redacted(tmp_path: Path) -> None:
    path = tmp_path / "x.outbox.sqlite"
    box = Outbox(path, clock=lambda: 100.0)
    first = box.append("users.set_config", {"tables": {}, "sequence": {"users": 3}, "resync": []})
    second = box.append("history.delete", {"tables": {}, "sequence": {}, "resync": ["session_history"]})
    box.failed(first, "connection to server at 192.168.10.20 failed: password=hunter2")

    reopened = Outbox(path, clock=lambda: 130.0)
    pending = reopened.pending()
    assert [e.seq for e in pending] == [first, second]
    assert pending[0].attempts == 1
    assert "192.168.10.20" not in (pending[0].last_error or "")
    assert "hunter2" not in (pending[0].last_error or "")
    status = reopened.status()
    assert (status.pending, status.oldest_age_s, status.max_attempts) == (2, 30.0, 1)

    reopened.done(first)
    assert [e.seq for e in reopened.pending()] == [second]
    assert reopened.status().counters["applied"] == 1


def test_blob_values_round_trip() -> None:
    assert decode_value(encode_value(b"\x00\xff")) == b"\x00\xff"
    assert decode_value(encode_value("x")) == "x"


def test_payload_keeps_ids_and_resyncs_tables_without_one() -> None:
    changes = ChangeSet(tables={"users": {7: {"id": 7, "username": "a"}, 9: None},
                                "version_info": {1: {"key": "version", "value": "v2"}}},
                        sequence={"users": 9})
    payload = payload_from(changes)
    assert payload["tables"] == {"users": {"rows": [{"id": 7, "username": "a"}], "deleted": [9]}}
    assert payload["resync"] == ["version_info"]
    assert payload["sequence"] == {"users": 9}


def _writer(sample_db: Path, tmp_path: Path) -> tuple[DualWriter, Path]:
    second = tmp_path / "second.db"
    shutil.copy2(sample_db, second)
    return open_writer(sample_db, sa.make_url(f"sqlite:///{second}")), second


def test_an_entry_is_applied_once_with_its_ids_and_counter(sample_db: Path, tmp_path: Path) -> None:
    writer, second = _writer(sample_db, tmp_path)
    row = {"id": 900, "user_id": 42, "username": "new", "friendly_name": None}
    writer.outbox.append("users.add", {"tables": {"users": {"rows": [row], "deleted": [1]}},
                                       "sequence": {"users": 950}, "resync": []})
    result = writer.drain(read_back=False)
    assert (result.applied, result.skipped) == (1, 0)
    engine = sa.create_engine(f"sqlite:///{second}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT user_id, username FROM users WHERE id = 900").all() == [(42, "new")]
        assert conn.exec_driver_sql("SELECT count(*) FROM users WHERE id = 1").scalar() == 0
        assert conn.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'users'").scalar() == 950
        before = conn.exec_driver_sql("SELECT * FROM users ORDER BY id").all()
    changed = {**row, "username": "changed"}  # entry 1 again (a crash before the outbox forgot it): skipped
    assert writer.store.apply(_entry(1, changed), read_back=False).skipped
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT * FROM users ORDER BY id").all() == before
    assert writer.outbox.status().pending == 0
    assert outbox_path(sample_db).exists()
    writer.close()
    engine.dispose()


def _entry(seq: int, row: dict[str, object]) -> Entry:
    return Entry(seq=seq, op="users.add", payload={"tables": {"users": {"rows": [row], "deleted": []}},
                                                   "sequence": {}, "resync": []}, attempts=0, created=0.0)


def test_second_store_setting_is_parsed_and_checked(tmp_path: Path) -> None:
    settings = config.load(None, environ={"TAUTULLI_SECOND_DB_URL": "postgresql+psycopg://u@h/db"},
                           overrides={"data_dir": str(tmp_path)})
    assert settings.db.second_url is not None
    assert settings.db.second_url.get_backend_name() == "postgresql"
    assert config.load(None, environ={}, overrides={"data_dir": str(tmp_path)}).db.second_url is None
    with pytest.raises(config.ConfigError, match="second_db_url"):
        config.load(None, environ={"TAUTULLI_SECOND_DB_URL": "mysql://u@h/db"}, overrides={"data_dir": str(tmp_path)})
    on_server = config.load(None, environ={"TAUTULLI_SECOND_DB_URL": "postgresql+psycopg://u@h/db",
                                           "TAUTULLI_DB_URL": "postgresql+psycopg://u@h/main"})
    with pytest.raises(config.ConfigError, match="SQLite file"):
        attach(on_server, object())
