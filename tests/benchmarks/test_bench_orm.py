"""The operations moved to the ORM, timed against their Core version and the legacy twin in the same run.

For each operation three paths answer the same call on one private copy of the bundled sample: ``legacy``
(the raw sqlite3 twin), ``core`` (the SQLAlchemy twin with the Core helper the ORM one replaced) and ``orm``
(the SQLAlchemy twin as it ships). Deletes of plays also time ``orm-uow``: the same delete through the unit of
work (``session.delete`` of each loaded play, its cascade following it), which the twin does not use. Deletes
restore the deleted rows before each round (untimed) and run without the VACUUM Tautulli follows them with
(VACUUM would dominate and is the same on every path). The notifier, mobile device and export config reads
went back to Core; they are timed as ``legacy`` against ``sqlalchemy`` (the twin as it ships)::

    .venv/bin/python -m pytest tests/benchmarks/test_bench_orm.py -m benchmark --benchmark-json=orm.json
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import lazyload, load_only, selectinload

from plexpy import context
from plexpy.db import sqlite_executor
from plexpy.db.engine import build_engine, transaction
from plexpy.db.orm import SessionHistory, SessionHistoryMediaInfo, SessionHistoryMetadata, orm_session
from plexpy.db.schema import notifiers
from plexpy.db.sqlfuncs import affinity_equals
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.exports.legacy import LegacyExports
from plexpy.domains.exports.sqla import SqlaExports
from plexpy.domains.history import _sqla_writes, writing
from plexpy.domains.history import sqla_orm as history_orm
from plexpy.domains.history.legacy import LegacyHistory
from plexpy.domains.history.sqla import SqlaHistory
from plexpy.domains.mobile_devices.legacy import LegacyMobileDevices
from plexpy.domains.mobile_devices.sqla import SqlaMobileDevices
from plexpy.domains.notifications import sqla_orm as notifiers_orm
from plexpy.domains.notifications.legacy import LegacyNotifications
from plexpy.domains.notifications.sqla import SqlaNotifications

pytestmark = pytest.mark.benchmark

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample" / "tautulli.db"
PATHS = ("legacy", "core", "orm")
#: The config reads went back to Core (one row by key, a statement per shape): the twin as it ships.
READ_PATHS = ("legacy", "sqlalchemy")
DELETE_PATHS = (*PATHS, "orm-uow")
ROUNDS = 30
HISTORY_TABLES = ("session_history", "session_history_media_info", "session_history_metadata")


# -- the Core helpers the ORM ones replaced (same signatures) ---------------------------------------------------
def _core_delete_play_rows(engine: Engine, row_ids: Any) -> bool:
    return _sqla_writes.delete_rows(engine, writing.HISTORY_TABLES, row_ids)


def _core_delete_notifier_rows(engine: Engine, notifier_id: Any) -> int:
    with transaction(engine, "notifications.delete_notifier") as conn:
        return conn.execute(delete(notifiers).where(affinity_equals(notifiers.c.id, notifier_id))).rowcount


def _uow_delete_play_rows(engine: Engine, row_ids: Any) -> bool:
    ids = writing.row_ids(row_ids)
    with transaction(engine, "history.delete_rows") as conn, orm_session(conn, write=True) as session:
        plays = session.scalars(select(SessionHistory).where(SessionHistory.id.in_(ids)).options(
            load_only(SessionHistory.id), selectinload(SessionHistory.metadata_).load_only(SessionHistoryMetadata.id),
            selectinload(SessionHistory.media_info).load_only(SessionHistoryMediaInfo.id),
            lazyload(SessionHistory.account))).all()
        for play in plays:
            session.delete(play)
    return True


CORE_HELPERS = {
    (history_orm, "delete_play_rows"): _core_delete_play_rows,
    (notifiers_orm, "delete_notifier_rows"): _core_delete_notifier_rows,
}


class Twins:
    """Both twins of the four domains on one copy of the sample."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = build_engine(f"sqlite:///{path}")
        executor = SqliteExecutor(path)
        self.legacy = {"notifications": LegacyNotifications(executor), "mobile_devices": LegacyMobileDevices(executor),
                       "exports": LegacyExports(executor), "history": LegacyHistory(executor)}
        self.sqla = {"notifications": SqlaNotifications(self.engine), "mobile_devices": SqlaMobileDevices(self.engine),
                     "exports": SqlaExports(self.engine), "history": SqlaHistory(self.engine)}

    def restore(self, tables: tuple[str, ...]) -> None:
        """Put the sample's rows of these tables back (untimed, between rounds)."""
        conn = sqlite3.connect(self.path)
        try:
            conn.execute("ATTACH DATABASE ? AS src", (str(SAMPLE),))
            for table in tables:
                conn.execute(f"INSERT OR REPLACE INTO {table} SELECT * FROM src.{table}")
            conn.commit()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Twins]:
    path = tmp_path_factory.mktemp("bench-orm") / "tautulli.db"
    shutil.copy2(SAMPLE, path)
    built = Twins(path)
    yield built
    built.engine.dispose()


@pytest.fixture
def on_path(monkeypatch: pytest.MonkeyPatch, twins: Twins, tmp_path: Path) -> Iterator[Callable[[str, str], Any]]:
    """``on_path(path, domain)``: the twin answering for ``path``, with the Core helpers in place for ``core``."""
    monkeypatch.setattr(sqlite_executor.SqliteExecutor, "vacuum", lambda self: None)
    monkeypatch.setattr(_sqla_writes, "vacuum", lambda engine: None)

    def pick(path: str, domain: str) -> Any:
        if path == "orm-uow":
            monkeypatch.setattr(history_orm, "delete_play_rows", _uow_delete_play_rows)
        if path == "core":
            for (module, name), helper in CORE_HELPERS.items():
                monkeypatch.setattr(module, name, helper)
        return twins.legacy[domain] if path == "legacy" else twins.sqla[domain]

    with context.call_context(config={"EXPORT_DIR": str(tmp_path)}):
        yield pick


READS = {
    "get_notifier_config": ("notifications", lambda twin: twin.get_notifier_config(notifier_id=1)),
    "get_mobile_device_config": ("mobile_devices", lambda twin: twin.get_mobile_device_config(mobile_device_id=1)),
    "get_export": ("exports", lambda twin: twin.get_export(1)),
}


@pytest.mark.parametrize("path", READ_PATHS)
@pytest.mark.parametrize("operation", sorted(READS))
def test_orm_read(benchmark, on_path, operation: str, path: str) -> None:
    domain, call = READS[operation]
    twin = on_path(path, domain)
    benchmark.group = f"orm: {operation}"
    benchmark.extra_info.update({"path": path, "operation": operation})
    result = benchmark.pedantic(call, args=(twin,), rounds=ROUNDS * 10, warmup_rounds=5)
    assert result


@pytest.mark.parametrize("path", DELETE_PATHS)
@pytest.mark.parametrize("plays", [10, 1000])
def test_orm_delete_plays(benchmark, on_path, twins: Twins, plays: int, path: str) -> None:
    twin = on_path(path, "history")
    ids = ",".join(str(n) for n in range(1, plays + 1))
    benchmark.group = f"orm: delete_session_history_rows ({plays} plays)"
    benchmark.extra_info.update({"path": path, "operation": "delete_session_history_rows", "plays": plays})

    def fresh() -> tuple[tuple[Any, ...], dict[str, Any]]:
        twins.restore(HISTORY_TABLES)
        return (), {"row_ids": ids}

    result = benchmark.pedantic(twin.delete_session_history_rows, setup=fresh, rounds=ROUNDS, warmup_rounds=1)
    assert result is True


@pytest.mark.parametrize("path", PATHS)
def test_orm_delete_notifier(benchmark, on_path, twins: Twins, path: str) -> None:
    twin = on_path(path, "notifications")
    benchmark.group = "orm: delete_notifier"
    benchmark.extra_info.update({"path": path, "operation": "delete_notifier"})

    def fresh() -> tuple[tuple[Any, ...], dict[str, Any]]:
        twins.restore(("notifiers",))
        return (), {"notifier_id": 1}

    result = benchmark.pedantic(twin.delete_notifier, setup=fresh, rounds=ROUNDS, warmup_rounds=1)
    assert result is True
