"""Dual writes to PostgreSQL through the durable outbox: the sample write script in shadow mode on the SQLite
file with a PostgreSQL second store, the second store stopped mid-script, a crash between apply and mark, and
the same entry applied twice. Every check ends with ``reconcile`` over every table (0 differences)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from plexpy import bootstrap, config, runtime
from plexpy.cli import cli
from plexpy.commands.copy import copy
from plexpy.commands.reconcile import reconcile
from plexpy.commands.replay import load_records
from plexpy.commands.replay_writes import _replay_step
from plexpy.db import pgserver
from plexpy.db.dual_write import DualWriteRouter, DualWriteVerifier, open_writer, outbox_path
from plexpy.db.errors import TautulliDBError
from plexpy.db.outbox import Outbox
from plexpy.db.state import compare_state, dump_state

pytestmark = pytest.mark.postgresql

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
STEPS = load_records(SAMPLE_DIR / "writes.jsonl")


def _runtime(db: Path, second_url: str, workdir: Path, *, mode: str = "shadow") -> Any:
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{db}", "data_dir": str(workdir), "timezone": "UTC", "backends": {"default": mode},
        "second_db_url": second_url, "report_dir": str(workdir / "reports"),
    })
    return bootstrap.build(settings)


def _run_steps(steps: list[dict[str, Any]], workdir: Path) -> list[Any]:
    return [_replay_step(step, workdir, SAMPLE_DIR) for step in steps]


def _differences(db: Path, url: str) -> int:
    result = reconcile(f"sqlite:///{db}", url)
    return result.differences + len(result.sequences)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    db = tmp_path / "tautulli.db"
    shutil.copy2(SAMPLE_DIR / "tautulli.db", db)
    return db


def _pg_ctl(server: pgserver.PgServer, *args: str) -> None:
    argv = [str(server.bin_dir / "pg_ctl"), "-D", str(server.data_dir), *args]
    done = subprocess.run(pgserver._as_user(server.os_user, argv), capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr


def _restart(server: pgserver.PgServer) -> None:
    options = f"-p {server.port} -c listen_addresses=127.0.0.1 -k {server.root}"
    _pg_ctl(server, "-l", str(server.root / "server.log"), "-o", options, "-w", "-t", "60", "start")


@pytest.fixture
def own_server(pg_server: Any) -> Iterator[pgserver.PgServer]:
    """A second throwaway cluster of our own, so stopping it disturbs no other test."""
    if not isinstance(pg_server, pgserver.PgServer):
        pytest.skip("stopping the server needs a throwaway cluster, not TAUTULLI_TEST_PG_URL")
    server = pgserver.start()
    try:
        yield server
    finally:
        server.stop()


def test_shadow_script_mirrored_with_second_store_stopped_mid_script(
    sample_copy: Path, own_server: pgserver.PgServer, tmp_path: Path,
) -> None:
    """The whole write script in shadow mode: the callers get the recorded answers throughout, the outbox holds
    the writes made while PostgreSQL is down, drains once it is back, and both stores end equal."""
    url = own_server.create_database("dual")
    assert copy(f"sqlite:///{sample_copy}", url).verified
    half = len(STEPS) // 2
    rt = _runtime(sample_copy, url, tmp_path)
    with ExitStack() as stack:
        stack.callback(rt.close)
        stack.enter_context(runtime.use(rt))
        assert isinstance(rt.router, DualWriteRouter)
        writer = rt.router.dual_writer
        writer.max_backoff = 1.0  # retry within a second once the server is back (30 s by default)
        first = _run_steps(STEPS[:half], tmp_path)
        assert writer.wait_empty(timeout=120)
        applied_before_outage = writer.outbox.status().counters.get("applied", 0)
        assert applied_before_outage > 20
        _pg_ctl(own_server, "-m", "fast", "-w", "stop")
        second = _run_steps(STEPS[half:], tmp_path)
        pending = writer.outbox.status().pending
        with pytest.raises(TautulliDBError):
            writer.drain()
        assert writer.outbox.status().pending == pending > 10  # nothing lost, nothing skipped
        _restart(own_server)
        assert writer.wait_empty(timeout=120)
        counters = writer.outbox.status().counters
    assert [r.id for r in first + second if not r.passed] == []  # the callers never saw the outage
    assert Outbox(outbox_path(sample_copy)).status().pending == 0
    assert counters["applied"] >= applied_before_outage + pending
    assert counters.get("parity_mismatch", 0) == 0  # every written key read back equal from both stores
    assert counters["failed_attempts"] >= 1
    assert _differences(sample_copy, url) == 0


def _small_write(db: Path, url: str, tmp_path: Path) -> None:
    """Queue the first 20 steps of the script with the drainer stopped (closed before it applies anything)."""
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "timezone": "UTC",
        "backends": {"default": "legacy"}, "report_dir": str(tmp_path / "reports"),
    })
    rt = bootstrap.build(settings)
    writer = open_writer(db, sa.make_url(url))
    verifier = DualWriteVerifier(rt.router.write_verifier, writer)
    rt.router.write_verifier = verifier
    rt.router = DualWriteRouter(rt.router, verifier)
    with runtime.use(rt):
        _run_steps(STEPS[:20], tmp_path)
    rt.close()


def test_crash_between_apply_and_mark_duplicates_nothing(sample_copy: Path, pg_sample: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _small_write(sample_copy, pg_sample, tmp_path)
    queued = Outbox(outbox_path(sample_copy)).status().pending
    assert queued > 5
    writer = open_writer(sample_copy, sa.make_url(pg_sample))

    def crash(seq: int, **_kw: Any) -> None:
        raise KeyboardInterrupt("killed between apply and mark")

    monkeypatch.setattr(writer.outbox, "done", crash)
    with pytest.raises(KeyboardInterrupt):
        writer.drain()
    writer.close()
    assert Outbox(outbox_path(sample_copy)).status().pending == queued  # applied on PG, not yet marked here

    runner = CliRunner()
    status = runner.invoke(cli, ["outbox", "status", "--db", str(sample_copy)])
    assert status.exit_code == 1
    assert f"{queued} pending" in status.output
    drained = runner.invoke(cli, ["outbox", "drain", "--db", str(sample_copy), "--second-url", pg_sample])
    assert drained.exit_code == 0, drained.output
    assert f"{queued - 1} applied, 1 skipped, 0 read-back mismatches" in drained.output  # not applied again
    assert "0 pending" in drained.output
    assert Outbox(outbox_path(sample_copy)).status().pending == 0
    assert _differences(sample_copy, pg_sample) == 0


def test_same_entry_applied_twice_changes_nothing(sample_copy: Path, pg_sample: str, tmp_path: Path) -> None:
    _small_write(sample_copy, pg_sample, tmp_path)
    writer = open_writer(sample_copy, sa.make_url(pg_sample))
    entries = writer.outbox.pending(1000)
    for entry in entries:
        assert not writer.store.apply(entry).skipped
    engine = sa.create_engine(pg_sample)
    tables = [t for t in json.loads((SAMPLE_DIR / "final_state.json").read_text()) if t != "sqlite_sequence"]
    before = dump_state(engine, tables)
    assert all(writer.store.apply(entry).skipped for entry in entries)  # the high-water mark
    with engine.begin() as conn:  # and without the mark: upserts by key, deletes by key
        conn.exec_driver_sql("DELETE FROM tautulli_dual_write")
    for entry in entries:
        again = writer.store.apply(entry)
        assert not again.skipped
        assert again.differences == []
    assert compare_state(before, dump_state(engine, tables)) == []
    engine.dispose()
    writer.close()
