"""Reads of one config row by key (notifier, mobile device, export) answer as the legacy twin does.

These reads are Core on the SQLAlchemy twin (the ORM's ``session.get`` cost more than the rest of the call);
the ORM keeps the deletes.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plexpy.db.engine import build_engine
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.exports.legacy import LegacyExports
from plexpy.domains.exports.sqla import SqlaExports
from plexpy.domains.mobile_devices.legacy import LegacyMobileDevices
from plexpy.domains.mobile_devices.sqla import SqlaMobileDevices
from plexpy.domains.notifications.legacy import LegacyNotifications
from plexpy.domains.notifications.sqla import SqlaNotifications


@pytest.fixture
def twins(sample_db: Path, tmp_path: Path) -> Iterator[dict[str, tuple[Any, Any]]]:
    legacy_db = tmp_path / "legacy.db"
    shutil.copy2(sample_db, legacy_db)
    engine = build_engine(f"sqlite:///{sample_db}")
    executor = SqliteExecutor(legacy_db)
    yield {
        "notifications": (LegacyNotifications(executor), SqlaNotifications(engine)),
        "devices": (LegacyMobileDevices(executor), SqlaMobileDevices(engine)),
        "exports": (LegacyExports(executor), SqlaExports(engine)),
    }
    engine.dispose()


def _ids(db: Path, table: str) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id")]


def _answer(method: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return ("answer", method(*args, **kwargs))
    except Exception as exc:  # the twins must fail alike too
        return ("raised", type(exc).__name__)


def test_notifier_config_by_id(twins, sample_db: Path) -> None:
    legacy, sqla = twins["notifications"]
    ids = _ids(sample_db, "notifiers")
    assert ids
    for notifier_id in [*ids, str(ids[0]), 10**6, "x", None]:
        for masked in (False, True):
            want = _answer(legacy.get_notifier_config, notifier_id=notifier_id, mask_passwords=masked)
            assert _answer(sqla.get_notifier_config, notifier_id=notifier_id, mask_passwords=masked) == want
    assert sqla.get_notifier_config(notifier_id=ids[0])["id"] == ids[0]


def test_mobile_device_config_by_row_id(twins, sample_db: Path) -> None:
    legacy, sqla = twins["devices"]
    ids = _ids(sample_db, "mobile_devices")
    assert ids
    for row_id in [*ids, str(ids[-1]), 10**6, None]:
        want = _answer(legacy.get_mobile_device_config, mobile_device_id=row_id)
        assert _answer(sqla.get_mobile_device_config, mobile_device_id=row_id) == want
    assert _answer(sqla.get_mobile_device_config, mobile_device_id=10**6)[0] == "raised"


@pytest.mark.parametrize("form", [int, str, lambda i: f" {i}", lambda i: f"{i}.0", lambda i: "abc", float])
def test_export_by_id_as_sqlite_compares_it(twins, sample_db: Path, form: Any) -> None:
    legacy, sqla = twins["exports"]
    ids = _ids(sample_db, "exports")
    assert ids
    for export_id in ids:
        value = form(export_id)
        assert _answer(sqla.get_export, value) == _answer(legacy.get_export, value)
