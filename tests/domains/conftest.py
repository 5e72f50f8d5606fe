"""Domain tests: one body, both paths. ``facade_mode`` installs a runtime answering with one twin."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from plexpy import bootstrap, config, context, runtime
from shim.testing import RecordingPublisher

ANCHOR = 1768478400  # the sample's frozen clock: 2026-01-15 12:00:00 UTC


@pytest.fixture(params=["legacy", "sqlalchemy"])
def facade_mode(request: pytest.FixtureRequest, sample_db: Path, tmp_path: Path) -> Iterator[str]:
    """Install a runtime on a copy of the sample where every domain answers with one path; yields its name."""
    settings = config.load(None, environ={}, overrides={
        "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "timezone": "UTC",
        "backends": {"default": request.param},
    })
    rt = bootstrap.build(settings)
    with runtime.use(rt), context.call_context(now=ANCHOR, tz="UTC"):
        yield request.param
    rt.close()


@pytest.fixture
def edit_db(sample_db: Path) -> Callable[[str, list | tuple], None]:
    """Change the private sample copy behind the data layer's back (to build edge cases)."""

    def run(sql: str, args: list | tuple = ()) -> None:
        conn = sqlite3.connect(sample_db)
        with conn:
            conn.execute(sql, args)
        conn.close()

    return run


@pytest.fixture
def shadowed(sample_db: Path, tmp_path: Path):
    """Install a runtime in shadow or reverse-shadow mode on the private sample copy; yield the event recorder.

    Calls run at the sample's anchor, ``ANCHOR``.
    """
    opened = []

    def make(mode: str) -> RecordingPublisher:
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "backends": {"default": mode},
            "report_dir": str(tmp_path / "reports")})
        recorder = RecordingPublisher()
        rt = bootstrap.build(settings, router=bootstrap.build_router(settings, publishers=[recorder]))
        scope = runtime.use(rt)
        scope.__enter__()
        opened.append((scope, rt))
        return recorder

    with context.call_context(now=ANCHOR, tz="UTC"):
        yield make
    for scope, rt in reversed(opened):
        scope.__exit__(None, None, None)
        rt.close()
