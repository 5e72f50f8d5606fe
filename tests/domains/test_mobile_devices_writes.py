"""Mobile device writes on both paths: registration, renames, deletes, the official flag, atomicity."""

# ruff: noqa: S106 - the tokens here are test data, not secrets

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from plexpy import context, mobile_app
from plexpy.db.engine import build_engine
from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.db.state import dump_state
from plexpy.domains.mobile_devices import legacy, onesignal, sqla, writing
from shim.observation import Outcome

ANCHOR = 1768478400
DEVICE = ("SELECT device_token, device_name, platform, version, friendly_name, onesignal_id, last_seen, official "
          "FROM mobile_devices WHERE device_id = ?")


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


class CountingOneSignal:
    """Answers 200 (the official app) for ids starting with ``ok`` and counts the requests."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def identity_status(self, app_id: str, onesignal_id: str) -> int:
        self.asked.append(onesignal_id)
        return 200 if onesignal_id.startswith("ok") else 404


def test_register_then_re_register_by_device_id(facade_mode: str, sample_db: Path) -> None:
    assert mobile_app.add_mobile_device(device_id="d-1", device_name="Pixel", device_token="tok", platform="android",
                                        version="3.2", friendly_name="Phone ✓", onesignal_id="sig") is True
    assert rows(sample_db, DEVICE, ("d-1",)) == [("tok", "Pixel", "android", "3.2", "Phone ✓", "sig", ANCHOR, -1)]
    with context.call_context(now=ANCHOR + 5):
        assert mobile_app.add_mobile_device(device_id="d-1", device_name="Pixel 2", device_token="tok2") is True
    # an empty friendly name keeps the stored one; no OneSignal id: official 0
    assert rows(sample_db, DEVICE, ("d-1",)) == [("tok2", "Pixel 2", None, None, "Phone ✓", None, ANCHOR + 5, 0)]
    assert rows(sample_db, "SELECT id FROM mobile_devices WHERE device_id = 'd-1'") == [(5,)]
    assert mobile_app.add_mobile_device(device_id="d-2", onesignal_id="onesignal-disabled") is True
    assert rows(sample_db, "SELECT official FROM mobile_devices WHERE device_id = 'd-2'") == [(2,)]
    assert mobile_app.add_mobile_device(device_id=None, device_name="nameless") is True  # NOT NULL: insert ignored
    assert rows(sample_db, "SELECT COUNT(*) FROM mobile_devices WHERE device_name = 'nameless'") == [(0,)]
    assert mobile_app.add_mobile_device(device_id=12345, device_token=678) is True
    assert rows(sample_db, "SELECT device_id, device_token, last_seen FROM mobile_devices WHERE id = 7") == [
        ("12345", "678", ANCHOR)]  # TEXT affinity: numbers are stored as their text, and still match


def test_official_check_asks_onesignal_once_per_call(facade_mode: str, sample_db: Path, edit_db) -> None:
    edit_db("UPDATE mobile_devices SET platform = NULL WHERE id = 4")
    client = CountingOneSignal()
    with onesignal.using(client):
        assert mobile_app.set_official("2cf0b1f00c630b23", "ok-1") is None
        assert mobile_app.add_mobile_device(device_id="d-3", onesignal_id="nope") is True
        assert mobile_app.validate_onesignal_id("ok-2") == 1
    assert client.asked == ["ok-1", "nope", "ok-2"]
    assert rows(sample_db, "SELECT platform, official FROM mobile_devices WHERE id = 4") == [("android", 1)]
    assert rows(sample_db, "SELECT platform, official FROM mobile_devices WHERE device_id = 'd-3'") == [(None, 0)]
    assert mobile_app.set_official("7b4efabe0257aad1", "sig") is None  # offline: -1, platform kept
    assert rows(sample_db, "SELECT platform, official FROM mobile_devices WHERE id = 1") == [("android", -1)]


def test_rename_delete_and_last_seen(facade_mode: str, sample_db: Path) -> None:
    assert mobile_app.set_mobile_device_config(mobile_device_id="2", friendly_name="Tablet ✓✓") is True
    assert mobile_app.set_mobile_device_config(mobile_device_id=4) is True
    assert rows(sample_db, "SELECT id, friendly_name FROM mobile_devices WHERE id IN (2, 4)") == [
        (2, "Tablet ✓✓"), (4, "")]
    assert mobile_app.set_mobile_device_config(mobile_device_id=99, friendly_name="x") is True  # NOT NULL: no row
    assert mobile_app.set_mobile_device_config(mobile_device_id="abc") is False
    with context.call_context(now=ANCHOR + 60):
        assert mobile_app.set_last_seen(device_token="145d740f77168554a7683aacb2cc4c60") is None
        assert mobile_app.set_last_seen(device_token=None) is None
    assert rows(sample_db, "SELECT id, last_seen FROM mobile_devices ORDER BY id") == [
        (1, 1752667200), (2, ANCHOR + 60), (4, 1757160000)]
    assert mobile_app.delete_mobile_device(mobile_device_id="abc") is True
    assert mobile_app.delete_mobile_device(device_id="%") is True  # equality, not LIKE: nothing goes
    assert rows(sample_db, "SELECT COUNT(*) FROM mobile_devices") == [(3,)]
    assert mobile_app.delete_mobile_device() is False
    assert mobile_app.delete_mobile_device(mobile_device_id=1) is True
    assert mobile_app.delete_mobile_device(device_id="2399cabd87baff3c") is True
    assert rows(sample_db, "SELECT id FROM mobile_devices") == [(4,)]


def test_a_failure_inside_the_registration_leaves_nothing(facade_mode: str, sample_db: Path, monkeypatch) -> None:
    before = rows(sample_db, "SELECT * FROM mobile_devices")

    def broken(official: int) -> str:
        raise RuntimeError("injected")

    monkeypatch.setattr(writing, "official_platform", broken)
    with pytest.raises(RuntimeError):
        mobile_app.add_mobile_device(device_id="7b4efabe0257aad1", device_name="changed", device_token="new")
    with pytest.raises(RuntimeError):
        mobile_app.add_mobile_device(device_id="brand-new", device_name="new")
    assert rows(sample_db, "SELECT * FROM mobile_devices") == before
    assert rows(sample_db, "SELECT seq FROM sqlite_sequence WHERE name = 'mobile_devices'") == [(4,)]


def test_a_failing_step_tautulli_tolerates_keeps_the_registration(facade_mode: str, sample_db: Path,
                                                                  edit_db) -> None:
    edit_db("CREATE TRIGGER refuse BEFORE UPDATE OF last_seen ON mobile_devices BEGIN SELECT RAISE(ABORT, 'no'); END")
    assert mobile_app.add_mobile_device(device_id="d-9", device_token="t9", onesignal_id="sig") is True
    assert rows(sample_db, "SELECT last_seen, official FROM mobile_devices WHERE device_id = 'd-9'") == [(None, -1)]
    assert mobile_app.set_last_seen(device_token="t9") is None


@pytest.mark.parametrize("side", ["legacy", "sqla"])
def test_a_locked_database_raises_instead_of_answering_a_default(side: str, sample_db: Path, monkeypatch) -> None:
    monkeypatch.setattr("plexpy.db.retry.ATTEMPTS", 2)
    executor = SqliteExecutor(sample_db, busy_timeout=0.05)
    engine = build_engine(f"sqlite:///{sample_db}", busy_timeout=0.05)
    twin = legacy.TWIN(executor) if side == "legacy" else sqla.TWIN(engine)
    holder = sqlite3.connect(sample_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with context.call_context(now=ANCHOR, tz="UTC"):
            for write in (lambda: twin.add_mobile_device(device_id="x"), lambda: twin.set_mobile_device_config(1),
                          lambda: twin.set_last_seen("t"), lambda: twin.set_official("x", None),
                          lambda: twin.delete_mobile_device(1)):
                with pytest.raises(TautulliDBError, match="locked"):
                    write()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        executor.close()
        engine.dispose()


def test_both_paths_leave_identical_rows(tmp_path: Path, sample_db: Path) -> None:
    from plexpy import bootstrap, config, runtime

    def run(mode: str) -> dict:
        db = tmp_path / f"{mode}.db"
        db.write_bytes(sample_db.read_bytes())
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "backends": {"default": mode}})
        rt = bootstrap.build(settings)
        with runtime.use(rt), context.call_context(now=ANCHOR, tz="UTC"):
            mobile_app.add_mobile_device(device_id="a", device_name="A", device_token="ta", friendly_name="F",
                                         onesignal_id="s")
            mobile_app.add_mobile_device(device_id="a", device_name="A2", device_token="tb", platform="ios")
            mobile_app.add_mobile_device(device_id=None)
            mobile_app.add_mobile_device(device_id=777, device_token=1)
            mobile_app.set_mobile_device_config(mobile_device_id=5, friendly_name="G")
            mobile_app.set_mobile_device_config(mobile_device_id=50, friendly_name="H")
            mobile_app.set_official("a", "onesignal-disabled")
            mobile_app.set_last_seen(device_token=1)
            mobile_app.delete_mobile_device(device_id="2cf0b1f00c630b23")
        rt.close()
        engine = build_engine(f"sqlite:///{db}")
        state = dump_state(engine, ["mobile_devices", "sqlite_sequence"])
        engine.dispose()
        return state

    legacy_state = run("legacy")
    assert legacy_state == run("sqlalchemy")
    assert [r[:2] for r in legacy_state["mobile_devices"]["rows"]] == [
        [1, "7b4efabe0257aad1"], [2, "2399cabd87baff3c"], [5, "a"], [6, "777"]]


@pytest.mark.parametrize("mode", ["shadow", "reverse-shadow"])
def test_shadowed_writes_match_and_apply_once(shadowed, sample_db: Path, mode: str) -> None:
    recorder = shadowed(mode)
    client = CountingOneSignal()
    with onesignal.using(client):
        assert mobile_app.add_mobile_device(device_id="d-1", device_token="t", onesignal_id="ok-1") is True
        assert mobile_app.set_official("d-1", "nope") is None
    assert mobile_app.delete_mobile_device(mobile_device_id=1) is True
    assert [e.outcome for e in recorder.events] == [Outcome.MATCH] * 3, [e.difference for e in recorder.events]
    assert client.asked == ["ok-1", "nope"]  # once per call, shared by both paths
    assert rows(sample_db, "SELECT id, official FROM mobile_devices ORDER BY id") == [(2, 1), (4, 0), (5, 0)]


@pytest.mark.parametrize("backend", ["legacy", "sqlalchemy"])
def test_the_recorded_steps_pass(backend: str) -> None:
    from plexpy.commands.replay_writes import replay_writes

    sample = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
    result = replay_writes(sample / "writes.jsonl", sample / "tautulli.db", backend=backend, stop_after=45)
    ours = [s for s in result.steps if s.target.startswith("plexpy.mobile_app:")]
    assert len(ours) == 8, [s.id for s in ours]
    assert [f"{s.id}: {s.difference}" for s in ours if not s.passed] == []
