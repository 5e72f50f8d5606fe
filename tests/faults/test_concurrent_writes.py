"""Many writers and readers on one SQLite file: every write lands, nobody sees "database is locked"."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from plexpy import bootstrap, config, context, runtime
from plexpy.users import Users

WRITERS = 8


def run_load(db: Path, tmp_path: Path, mode: str, writes_per_thread: int) -> tuple[list[BaseException], int]:
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "backends": {"default": mode},
        "report_dir": str(tmp_path / "reports")})
    rt = bootstrap.build(settings)
    errors: list[BaseException] = []
    reads = 0
    stop = threading.Event()
    lock = threading.Lock()

    def writer(n: int) -> None:
        try:
            with context.call_context(now=1768478400, tz="UTC"):
                for i in range(writes_per_thread):
                    Users().set_user_login(user_id=900000 + n * 10000 + i, user=f"w{n}", user_group="guest",
                                           ip_address="192.0.2.1", host="h", user_agent="load", success=1)
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        nonlocal reads
        try:
            with context.call_context(now=1768478400, tz="UTC"):
                while not stop.is_set():
                    assert Users().get_user_names()
                    with lock:
                        reads += 1
        except BaseException as exc:
            errors.append(exc)

    with runtime.use(rt):
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        readers = [threading.Thread(target=reader) for _ in range(2)]
        for t in threads + readers:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        for t in readers:
            t.join()
    rt.close()
    return errors, reads


@pytest.mark.parametrize(("mode", "per_thread"), [("legacy", 500), ("sqlalchemy", 500), ("shadow", 60)])
def test_every_write_is_present_after_concurrent_load(sample_db: Path, tmp_path: Path, mode: str,
                                                      per_thread: int) -> None:
    errors, reads = run_load(sample_db, tmp_path, mode, per_thread)
    assert not errors, errors[:3]
    assert reads > 0
    conn = sqlite3.connect(sample_db)
    try:
        present = conn.execute("SELECT COUNT(*) FROM user_login WHERE user_agent = 'load'").fetchone()[0]
    finally:
        conn.close()
    print(f"{mode}: {WRITERS * per_thread} writes attempted, {present} present, {reads} reads alongside")
    assert present == WRITERS * per_thread
