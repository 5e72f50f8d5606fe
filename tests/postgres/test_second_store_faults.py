"""Second-store faults during dual writes (issue 13): a connection reset mid-drain, a full disk, slow queries,
and SIGKILL of a process writing in dual-write mode.

Every test writes ``set_user_login`` rows through a runtime whose ``second_db_url`` is a private PostgreSQL copy
of the sample (made from the session's template on the session's throwaway server), injects the fault on the
PostgreSQL side, and asserts: the callers never saw it, every write committed on SQLite ends up on PostgreSQL
exactly once after recovery, the outbox is empty and ``reconcile`` over every table finds 0 differences.

How each fault is simulated, and what that simulation is honest about:

- **connection reset**: an admin connection holds ``LOCK TABLE user_login`` so the drainer's statement waits,
  then ``pg_terminate_backend`` kills the drainer's backend — the client sees its socket closed mid-transaction
  ("server closed the connection unexpectedly"), exactly what a reset does; twice, then the lock is released.
- **disk full**: statement triggers on ``user_login`` and the high-water-mark table raise the error PostgreSQL
  raises when it cannot extend a data file (SQLSTATE 53100 ``disk_full``, "could not extend file …: No space
  left on device") for every write, while reads keep working — as on a real full disk. Not simulated: the WAL
  volume filling (the server then stops, which the stopped-server test in test_dual_write.py covers).
- **slow queries**: a row trigger sleeping 0.2 s per inserted row, plus a ``LOCK TABLE`` held by another
  connection while the callers write (the drainer waits on it), so "returned before applied" is a fact of
  ordering, not of timing. Caller p50 with and without the slow store is printed, never asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from plexpy import bootstrap, config, context, runtime
from plexpy.commands.reconcile import reconcile
from plexpy.db.dual_write import DualWriter, DualWriteRouter, outbox_path
from plexpy.db.outbox import Outbox
from plexpy.users import Users

pytestmark = pytest.mark.postgresql

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
EPOCH = 1768478400


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    db = tmp_path / "tautulli.db"
    shutil.copy2(SAMPLE_DIR / "tautulli.db", db)
    return db


@pytest.fixture
def admin(pg_sample: str) -> Iterator[sa.Engine]:
    """An autocommit admin engine on the second store (the superuser of the throwaway server)."""
    engine = sa.create_engine(pg_sample, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def dual(sample_copy: Path, pg_sample: str, tmp_path: Path) -> Iterator[DualWriter]:
    """A runtime in ``legacy`` mode with dual writes to ``pg_sample``, in use; yields its writer (fast retries)."""
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{sample_copy}", "data_dir": str(tmp_path), "timezone": "UTC",
        "backends": {"default": "legacy"}, "second_db_url": pg_sample, "report_dir": str(tmp_path / "reports"),
    })
    rt = bootstrap.build(settings)
    with ExitStack() as stack:
        stack.callback(rt.close)
        stack.enter_context(runtime.use(rt))
        assert isinstance(rt.router, DualWriteRouter)
        writer = rt.router.dual_writer
        writer.base_backoff, writer.max_backoff = 0.05, 0.5  # retry quickly once the fault is lifted
        yield writer


def _login(i: int, tag: str) -> float:
    """One caller write (``set_user_login``, host ``<tag><i>``); returns its latency in seconds."""
    started = time.perf_counter()
    with context.call_context(now=EPOCH + i, tz="UTC"):
        Users().set_user_login(user_id=777, user=tag, user_group="guest", ip_address="192.0.2.9",
                               host=f"{tag}{i}", user_agent=tag, success=1)
    return time.perf_counter() - started


def _sqlite_hosts(db: Path, tag: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return sorted(h for h, in conn.execute("SELECT host FROM user_login WHERE user_agent = ?", (tag,)))
    finally:
        conn.close()


def _pg_hosts(conn: sa.Connection | sa.Engine, tag: str) -> list[str]:
    stmt = "SELECT host FROM user_login WHERE user_agent = %(tag)s"
    if isinstance(conn, sa.Engine):
        with conn.connect() as c:
            return sorted(h for h, in c.exec_driver_sql(stmt, {"tag": tag}))
    return sorted(h for h, in conn.exec_driver_sql(stmt, {"tag": tag}))


def _differences(db: Path, url: str) -> int:
    result = reconcile(f"sqlite:///{db}", url)
    return result.differences + len(result.sequences)


def _until(check: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def _waiting_backend(admin: sa.Engine, holder_pid: int) -> int | None:
    """The pid of a backend of this database waiting on a lock (the drainer), if any."""
    with admin.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid() AND pid <> %(holder)s ORDER BY pid LIMIT 1", {"holder": holder_pid},
        ).scalar()


def _drained(writer: DualWriter, db: Path, url: str, tag: str, count: int, admin: sa.Engine) -> None:
    """After recovery: outbox empty, every write on both stores exactly once, 0 read-back mismatches and
    ``reconcile`` clean."""
    assert writer.wait_empty(timeout=120)
    expected = sorted(f"{tag}{i}" for i in range(count))
    assert _sqlite_hosts(db, tag) == expected
    assert _pg_hosts(admin, tag) == expected  # nothing lost, nothing twice
    assert writer.outbox.status().counters.get("parity_mismatch", 0) == 0
    assert _differences(db, url) == 0


def test_connection_reset_mid_drain_is_retried_without_loss(
    dual: DualWriter, sample_copy: Path, pg_sample: str, admin: sa.Engine,
) -> None:
    _login(0, "reset")
    assert dual.wait_empty(timeout=60)  # the mark table exists, the pool holds a live connection
    failed_before = dual.outbox.status().counters.get("failed_attempts", 0)
    holder_engine = sa.create_engine(pg_sample)
    resets = 0
    try:
        with holder_engine.connect() as holder:
            holder_pid = holder.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            holder.exec_driver_sql("LOCK TABLE user_login IN ACCESS EXCLUSIVE MODE")
            for i in range(1, 11):
                _login(i, "reset")
            for _ in range(2):  # reset the drainer's connection twice: the first try and its retry
                pid = _until(lambda: _waiting_backend(admin, holder_pid), what="the drainer to wait on the lock")
                with admin.connect() as conn:
                    assert conn.exec_driver_sql("SELECT pg_terminate_backend(%(p)s)", {"p": pid}).scalar()
                resets += 1
                _until(lambda n=resets: dual.outbox.status().counters.get("failed_attempts", 0) >= failed_before + n,
                       what="the drainer to record the failed attempt")
            assert dual.outbox.status().pending == 10  # the reset entries stay queued
            assert _pg_hosts(holder, "reset") == ["reset0"]
            holder.rollback()  # lift the lock
    finally:
        holder_engine.dispose()
    _drained(dual, sample_copy, pg_sample, "reset", 11, admin)


_DISK_FULL = """
CREATE FUNCTION tdb_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'could not extend file "base/16384/16402": No space left on device'
        USING ERRCODE = 'disk_full', HINT = 'Check free disk space.';
END $$;
CREATE TRIGGER tdb_disk_full BEFORE INSERT OR UPDATE OR DELETE ON user_login
    FOR EACH STATEMENT EXECUTE FUNCTION tdb_disk_full();
CREATE TRIGGER tdb_disk_full BEFORE INSERT OR UPDATE OR DELETE ON tautulli_dual_write
    FOR EACH STATEMENT EXECUTE FUNCTION tdb_disk_full();
"""
_DISK_FREED = """
DROP TRIGGER tdb_disk_full ON user_login;
DROP TRIGGER tdb_disk_full ON tautulli_dual_write;
DROP FUNCTION tdb_disk_full();
"""


def test_disk_full_keeps_entries_in_the_outbox_until_space_returns(
    dual: DualWriter, sample_copy: Path, pg_sample: str, admin: sa.Engine,
) -> None:
    _login(0, "full")
    assert dual.wait_empty(timeout=60)
    with admin.connect() as conn:
        conn.exec_driver_sql(_DISK_FULL)
    for i in range(1, 16):
        _login(i, "full")  # the caller never sees the second store's full disk
    assert _sqlite_hosts(sample_copy, "full") == sorted(f"full{i}" for i in range(16))
    _until(lambda: dual.outbox.status().counters.get("failed_attempts", 0) >= 3, what="three failed attempts")
    status = dual.outbox.status()
    assert status.pending == 15  # all waiting, in order, none skipped
    assert status.max_attempts >= 3
    assert "No space left on device" in (status.last_error or "")
    assert _pg_hosts(admin, "full") == ["full0"]
    with admin.connect() as conn:
        conn.exec_driver_sql(_DISK_FREED)
    _drained(dual, sample_copy, pg_sample, "full", 16, admin)


_SLOW = """
CREATE FUNCTION tdb_slow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep(0.2); RETURN NEW; END $$;
CREATE TRIGGER tdb_slow BEFORE INSERT OR UPDATE ON user_login FOR EACH ROW EXECUTE FUNCTION tdb_slow();
"""


def test_slow_second_store_does_not_delay_the_caller(
    dual: DualWriter, sample_copy: Path, pg_sample: str, admin: sa.Engine, tmp_path: Path,
) -> None:
    n = 20
    normal = [_login(i, "slow") for i in range(n)]  # the drainer applies these meanwhile
    assert dual.wait_empty(timeout=60)
    with admin.connect() as conn:
        conn.exec_driver_sql(_SLOW)
    holder_engine = sa.create_engine(pg_sample)
    try:
        with holder_engine.connect() as holder:
            holder.exec_driver_sql("LOCK TABLE user_login IN SHARE MODE")  # writers wait, readers do not
            slow = [_login(i, "slow") for i in range(n, 2 * n)]
            # every caller returned while the second store could apply none of these writes
            assert dual.outbox.status().pending == n
            assert _pg_hosts(holder, "slow") == sorted(f"slow{i}" for i in range(n))
            holder.rollback()
    finally:
        holder_engine.dispose()
    started = time.perf_counter()
    _drained(dual, sample_copy, pg_sample, "slow", 2 * n, admin)
    figures = {
        "writes": n, "caller_p50_ms_normal_store": round(statistics.median(normal) * 1000, 1),
        "caller_p50_ms_slow_store": round(statistics.median(slow) * 1000, 1),
        "drain_after_slow_s": round(time.perf_counter() - started, 2),
    }
    (tmp_path / "slow_store.json").write_text(json.dumps(figures))
    print(json.dumps(figures))
    with admin.connect() as conn:
        conn.exec_driver_sql("DROP TRIGGER tdb_slow ON user_login; DROP FUNCTION tdb_slow()")


WRITER = """
import os, signal, sys
from plexpy import bootstrap, config, context, logsetup, runtime
from plexpy.db import dual_write
from plexpy.users import Users
logsetup.configure(level="ERROR")
db, workdir, url, kill_at = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if kill_at:  # die right after the SQLite commit of write number kill_at, before the outbox records it
    record, calls = dual_write.DualWriter.record, [0]
    def dying(self, op, box, *rest):
        calls[0] += 1
        if calls[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return record(self, op, box, *rest)
    dual_write.DualWriter.record = dying
settings = config.load(None, environ={}, overrides={"db_url": "sqlite:///" + db, "data_dir": workdir,
                       "backends": {"default": "shadow"}, "report_dir": workdir + "/reports",
                       "second_db_url": url})
rt = bootstrap.build(settings)
with runtime.use(rt):
    for i in range(1_000_000):
        with context.call_context(now=1768478400 + i, tz="UTC"):
            Users().set_user_login(user_id=777, user="kill", user_group="guest", ip_address="192.0.2.9",
                                   host=f"kill{i}", user_agent="kill", success=1)
        print("ACK", i, flush=True)
"""


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _run_writer(db: Path, workdir: Path, url: str, kill_at: int) -> int:
    """Run the dual-writing loop; SIGKILL it after 60 acknowledged writes (or let it kill itself at
    ``kill_at``). Returns the last acknowledged write."""
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(workdir), url, str(kill_at)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acknowledged = -1
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("ACK "):
                acknowledged = int(line.split()[1])
                if not kill_at and acknowledged >= 60:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()[-800:] if proc.stderr else ""
    return acknowledged


@pytest.mark.parametrize("kill_at", [0, 25], ids=["kill-anywhere", "kill-between-commit-and-outbox"])
def test_sigkill_during_dual_writes_then_drain_loses_nothing(
    sample_copy: Path, pg_sample: str, admin: sa.Engine, tmp_path: Path, kill_at: int,
) -> None:
    acknowledged = _run_writer(sample_copy, tmp_path, pg_sample, kill_at)
    assert acknowledged >= (kill_at - 2 if kill_at else 60)
    outbox = outbox_path(sample_copy)
    assert _integrity(sample_copy) == "ok"
    assert _integrity(outbox) == "ok"
    committed = _sqlite_hosts(sample_copy, "kill")
    assert {f"kill{i}" for i in range(acknowledged + 1)} <= set(committed)
    drained = subprocess.run([sys.executable, "-m", "plexpy.cli", "outbox", "drain", "--db", str(sample_copy),
                              "--second-url", pg_sample], capture_output=True, text=True, timeout=300, check=False)
    assert drained.returncode == 0, drained.stdout + drained.stderr
    assert "0 read-back mismatches" in drained.stdout
    status = Outbox(outbox).status()
    assert status.pending == 0
    assert status.in_flight == 0
    if kill_at:  # the write committed on SQLite without an entry: recovered from its intent
        assert f"kill{kill_at - 1}" in committed
        assert status.counters.get("recovered_intents", 0) == 1
    assert _pg_hosts(admin, "kill") == committed  # every committed write, none twice
    assert _integrity(outbox) == "ok"
    assert _differences(sample_copy, pg_sample) == 0
