"""Shared fixtures: the bundled sample, settings, a frozen clock, captured structured logs."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from structlog.testing import LogCapture

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "plexpy" / "sample"
CORPUS = ROOT / "tests" / "data" / "legacy_corpus"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def log_output() -> Iterator[LogCapture]:
    """Structured log events emitted during the test (thread-safe capture through the processor chain)."""
    capture = LogCapture()
    structlog.reset_defaults()  # an earlier CLI run may have left a level filter (logsetup.configure)
    structlog.configure(processors=[capture])
    try:
        yield capture
    finally:
        structlog.reset_defaults()


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    """A private copy of the bundled oracle sample database."""
    target = tmp_path / "tautulli.db"
    shutil.copy2(SAMPLE / "tautulli.db", target)
    return target


@pytest.fixture
def sample_runtime(sample_db: Path, tmp_path: Path):
    """A runtime on a copy of the sample; yields a function (mode) -> installed runtime."""
    from plexpy import bootstrap, config

    built = []

    def make(mode: str = "legacy"):
        settings = config.load(None, environ={}, overrides={
            "db_url": f"sqlite:///{sample_db}", "data_dir": str(tmp_path), "timezone": "UTC",
            "backends": {"default": mode},
        })
        rt = bootstrap.build(settings)
        built.append(rt)
        return rt

    yield make
    for rt in built:
        rt.close()
