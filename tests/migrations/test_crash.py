"""A migration killed in the middle leaves the database as it was; the next run completes it."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from migration_corpus import CORPUS, differences, target_of

from plexpy.commands.migrate import migrate

# v1.4.25: rollback journal, the longest chain (every revision acts, two table rebuilds); v2.5.2: WAL.
CASES = [("v1.4.25", "0002"), ("v1.4.25", "0006"), ("v1.4.25", "0015"), ("v2.5.2", "0005")]

_CHILD = textwrap.dedent("""
    import pathlib, sys, time
    from plexpy.commands.migrate import migrate

    marker = pathlib.Path(sys.argv[2])

    def pause(revision, _description):
        if revision == sys.argv[3]:
            marker.write_text(revision)
            time.sleep(60)

    migrate(sys.argv[1], on_progress=pause)
""")


@pytest.mark.parametrize(("release", "kill_after"), CASES)
def test_kill_in_the_middle_leaves_the_input(release: str, kill_after: str, copy_of, tmp_path: Path) -> None:
    source = CORPUS / release / "before.db"
    db = copy_of(source)
    marker = tmp_path / "paused"
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(db), str(marker), kill_after])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the migration ended before it could be killed"
            assert time.monotonic() < deadline, "the migration never reached the pause"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    # The next connection recovers what the dead one left (a hot journal, or WAL frames never
    # committed), as Tautulli's next start would.
    recovering = sqlite3.connect(db)
    recovering.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    recovering.close()
    assert differences(db, source) == []  # schema and rows, as if nothing ran
    if not db.with_name(db.name + "-wal").exists():
        assert hashlib.sha256(db.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()
    migrate(db)
    assert differences(db, target_of(CORPUS / release), ignore_tables=["alembic_version"]) == []
