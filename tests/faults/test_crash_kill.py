"""Crash safety: SIGKILL in the middle of ``copy``, ``reconcile --repair`` and a shadow-mode write loop.

Each test starts the real command in a subprocess, waits until it has visibly committed part of its work, kills
it with SIGKILL (no clean-up runs), then checks the files with ``PRAGMA integrity_check``, reruns or resumes the
command, and proves with ``reconcile`` (or by counting rows) that nothing was lost, duplicated or half-applied.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from plexpy.commands.copy import copy
from plexpy.commands.reconcile import reconcile
from plexpy.generate import generate

TABLES = ["session_history", "session_history_media_info", "session_history_metadata", "notify_log"]


@pytest.fixture(scope="module")
def source_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "source.db"
    generate(path, sessions=6000, seed=11)
    return path


def _scalar(db: Path, sql: str) -> object:
    conn = sqlite3.connect(db, timeout=30)
    try:
        row = conn.execute(sql).fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return row[0] if row else None


def _kill_when(argv: list[str], ready: Callable[[], bool], timeout: float = 60) -> None:
    """Start ``argv``, SIGKILL it as soon as ``ready()`` holds (fail if it ends or times out first)."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            if proc.poll() is not None:
                pytest.fail(f"the command ended before it could be killed: {proc.stderr.read()[-500:]!r}")  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                pytest.fail("the command never reached the point to kill it")
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "plexpy.cli", *args]


def test_copy_killed_mid_table_resumes_without_loss_or_duplicates(source_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "target.db"
    argv = _cli("copy", "--from", f"sqlite:///{source_db}", "--to", f"sqlite:///{target}", "--batch-size", "200",
                "--tables", ",".join(TABLES))
    _kill_when(argv, lambda: (_scalar(target, "SELECT sum(copied) FROM tautulli_copy_progress") or 0) >= 1000)
    assert _scalar(target, "PRAGMA integrity_check") == "ok"
    partial = _scalar(target, "SELECT sum(copied) FROM tautulli_copy_progress")
    result = copy(f"sqlite:///{source_db}", f"sqlite:///{target}", TABLES, batch_size=200)
    assert sum(t.resumed for t in result.tables) == partial  # resumed exactly after the last committed batch
    assert result.verified, [r for r in result.reconcile if not r.equal]
    assert _scalar(target, "PRAGMA integrity_check") == "ok"
    assert reconcile(f"sqlite:///{source_db}", f"sqlite:///{target}", TABLES).equal


def test_reconcile_repair_killed_midway_then_rerun_repairs_everything(source_db: Path, tmp_path: Path) -> None:
    right = tmp_path / "right.db"
    shutil.copyfile(source_db, right)
    conn = sqlite3.connect(right)
    with conn:  # drift in many chunks: changed, deleted and extra rows
        conn.execute("UPDATE session_history SET user = 'drifted' WHERE id % 7 = 0")
        conn.execute("DELETE FROM session_history_metadata WHERE id % 11 = 0")
        conn.execute("INSERT INTO notify_log (id, timestamp, session_key) SELECT id + 1000000, timestamp, 1 "
                     "FROM notify_log WHERE id % 13 = 0")
    conn.close()
    drifted = _scalar(right, "SELECT count(*) FROM session_history WHERE user = 'drifted'")
    argv = _cli("reconcile", "--left", f"sqlite:///{source_db}", "--right", f"sqlite:///{right}", "--tables",
                ",".join(TABLES), "--repair")
    _kill_when(argv, lambda: (_scalar(right, "SELECT count(*) FROM session_history WHERE user = 'drifted'")
                              or drifted) < drifted)
    assert _scalar(right, "PRAGMA integrity_check") == "ok"
    result = reconcile(f"sqlite:///{source_db}", f"sqlite:///{right}", TABLES, repair=True)
    assert result.equal
    assert reconcile(f"sqlite:///{source_db}", f"sqlite:///{right}", TABLES).differences == 0


WRITER = """
import sys
from plexpy import bootstrap, config, context, logsetup, runtime
from plexpy.users import Users
logsetup.configure(level="ERROR")
settings = config.load(None, environ={}, overrides={"db_url": "sqlite:///" + sys.argv[1], "data_dir": sys.argv[2],
                       "backends": {"default": "shadow"}, "report_dir": sys.argv[2] + "/reports"})
rt = bootstrap.build(settings)
with runtime.use(rt):
    for i in range(1_000_000):
        with context.call_context(now=1768478400 + i, tz="UTC"):
            Users().set_user_login(user_id=777, user="crash", user_group="guest", ip_address="192.0.2.9",
                                   host=f"k{i}", user_agent="crash", success=1)
        print("ACK", i, flush=True)
"""


def test_shadow_write_loop_killed_leaves_whole_writes_only(sample_db: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(sample_db), str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acknowledged = -1
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if not line.startswith("ACK "):
                continue
            acknowledged = int(line.split()[1])
            if acknowledged >= 150:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert acknowledged >= 150, proc.stderr.read()[-500:] if proc.stderr else ""
    assert _scalar(sample_db, "PRAGMA integrity_check") == "ok"
    hosts = {int(h[1:]) for h, in sqlite3.connect(sample_db).execute(
        "SELECT host FROM user_login WHERE user_agent = 'crash'").fetchall()}
    # every acknowledged write is there; at most the one in flight when the kill came (whole, never half)
    assert set(range(acknowledged + 1)) <= hosts <= set(range(acknowledged + 2))
    rows = _scalar(sample_db, "SELECT count(*) FROM user_login WHERE user_agent = 'crash'")
    assert rows == len(hosts)  # none twice
    complete = _scalar(sample_db, "SELECT count(*) FROM user_login WHERE user_agent = 'crash' AND user = 'crash' "
                                  "AND ip_address = '192.0.2.9' AND success = 1")
    assert complete == rows  # no half-written row
