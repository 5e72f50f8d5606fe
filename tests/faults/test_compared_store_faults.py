"""The compared path's database is missing, corrupt, locked or leaks a connection: the caller never notices.

The runtime is the real one (bootstrap, router, write verifier) on a private copy of the sample; only the
compared twin of the ``users`` domain is rebuilt on a broken store. For reads and writes, in ``shadow`` (the
SQLAlchemy twin is compared) and ``reverse-shadow`` (the legacy twin is compared), each case asserts that the
caller got exactly what the answering path gives on a healthy store, that the event records the fault (an error,
a timeout, or — where Tautulli catches the database error and answers its default — a failed comparison), that no
thread or pooled connection is left behind once the runtime is closed, and that the next call works.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from plexpy import bootstrap, config, context, runtime
from plexpy.db import held_reads
from plexpy.db.engine import build_engine
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.users.legacy import LegacyUsers
from plexpy.domains.users.sqla import SqlaUsers
from plexpy.users import Users
from shim.observation import Outcome
from shim.testing import RecordingPublisher

NOW = 1768478400
FAULTS = ("missing", "corrupt", "locked", "leaking")
MODES = ("shadow", "reverse-shadow")


@contextlib.contextmanager
def broken_store(kind: str, folder: Path, sample_db: Path) -> Iterator[Path]:
    """A database path that fails as ``kind`` says while the block runs."""
    if kind == "missing":
        yield folder / "no-such-folder" / "tautulli.db"
    elif kind == "corrupt":
        path = folder / "corrupt.db"
        path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
        yield path
    elif kind == "locked":  # another process's exclusive lock on a rollback-journal copy: readers are refused too
        path = folder / "locked.db"
        shutil.copy2(sample_db, path)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("PRAGMA journal_mode = DELETE")
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield path
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    else:  # "leaking": a healthy copy; the twin below checks out a connection it never returns
        path = folder / "leaky.db"
        shutil.copy2(sample_db, path)
        yield path


class _Leaking:
    """A twin whose every call opens a connection (pooled, or a raw sqlite3 one), drops it, then raises."""

    def __init__(self, opener: Callable[[], Any]) -> None:
        self._opener, self.leaked = opener, []

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.leaked.append(self._opener())
            raise RuntimeError(f"{name}: connection leaked on purpose")
        return call


def _broken_twin(kind: str, path_name: str, store: Path) -> tuple[Any, Any]:
    """The broken twin for the compared path, and what must be disposed of afterwards."""
    if path_name == "sqlalchemy":
        engine = build_engine(f"sqlite:///{store}", busy_timeout=0.2)
        return (_Leaking(engine.connect) if kind == "leaking" else SqlaUsers(engine)), engine
    executor = SqliteExecutor(store, busy_timeout=0.2)
    twin = _Leaking(lambda: sqlite3.connect(store)) if kind == "leaking" else LegacyUsers(executor)
    return twin, executor


def _runtime(db: Path, folder: Path, mode: str, publisher: RecordingPublisher) -> Any:
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{db}", "data_dir": str(folder), "backends": {"users": mode},
        "report_dir": str(folder / "reports"), "sample_rate": 1.0, "candidate_timeout": 2.0})
    return bootstrap.build(settings, router=bootstrap.build_router(settings, publishers=[publisher]))


def _healthy_answers(db: Path, folder: Path) -> dict[str, Any]:
    """What a healthy legacy runtime answers for the calls below (on its own copy)."""
    copy = folder / "healthy.db"
    shutil.copy2(db, copy)
    rt = _runtime(copy, folder / "healthy", "legacy", RecordingPublisher())
    try:
        with runtime.use(rt), context.call_context(now=NOW, tz="UTC"):
            return _calls(Users())
    finally:
        rt.close()


def _calls(users: Users) -> dict[str, Any]:
    names = users.get_user_names()
    written = users.set_config(user_id=names[1]["user_id"], friendly_name="Renamed by the fault test")
    return {"names": names, "written": written, "after": users.get_user_names()}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", FAULTS)
def test_a_broken_compared_store_never_reaches_the_caller(sample_db: Path, tmp_path: Path, kind: str,
                                                           mode: str) -> None:
    expected = _healthy_answers(sample_db, tmp_path)
    threads_before = threading.active_count()
    publisher = RecordingPublisher()
    rt = _runtime(sample_db, tmp_path, mode, publisher)
    compared = "sqlalchemy" if mode == "shadow" else "legacy"
    try:
        with broken_store(kind, tmp_path, sample_db) as store:
            legacy, sqla = rt.twins["users"]
            broken, resource = _broken_twin(kind, compared, store)
            rt.twins = {**rt.twins, "users": (legacy, broken) if compared == "sqlalchemy" else (broken, sqla)}
            with runtime.use(rt), context.call_context(now=NOW, tz="UTC"):
                got = _calls(Users())
            assert got == expected  # exactly the answering path's answers, the write applied once

            events = [e for e in publisher.events if e.domain == "users"]
            assert [e.operation for e in events] == ["get_user_names", "set_config", "get_user_names"]
            for event in events:  # an error, a timeout, or Tautulli's failure answer (None) judged against the truth
                assert event.outcome.failed or event.outcome is Outcome.TIMED_OUT, event
                assert event.compared == compared

            # the next call, with the compared path healthy again, works and matches
            rt.twins = {**rt.twins, "users": (legacy, sqla)}
            with runtime.use(rt), context.call_context(now=NOW, tz="UTC"):
                assert Users().get_user_names() == expected["after"]
            assert publisher.events[-1].outcome is Outcome.MATCH

            if kind == "leaking":
                assert len(broken.leaked) == 3  # the fault really happened on each call
                for conn in broken.leaked:
                    conn.close()
            if isinstance(resource, SqliteExecutor):
                resource.close()
            else:
                assert resource.pool.checkedout() == 0
                resource.dispose()
        # the runtime's own connections all went back, but those threads hold idle between reads (held_reads)
        assert rt.engine.pool.checkedout() == held_reads.held_count(rt.engine)
    finally:
        rt.close()
    assert held_reads.held_count(rt.engine) == 0  # disposing of the engine gave the held ones back
    assert threading.active_count() <= threads_before  # no worker or timer thread outlives the runtime

    # the file holds the answering path's write exactly once
    with contextlib.closing(sqlite3.connect(sample_db)) as conn:
        renamed = conn.execute("SELECT COUNT(*) FROM users WHERE friendly_name = ?",
                               ["Renamed by the fault test"]).fetchone()[0]
        assert renamed == 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
