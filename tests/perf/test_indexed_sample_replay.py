"""With revision 0016's indexes the recorded history, home-stats and graphs calls still get Tautulli's answers.

The legacy path is the control and its SQL leaves row choices to SQLite's plan (bare columns): an index that
changed a plan could change an answer. The legacy path replays the sample's recorded calls on an indexed copy
(the SQLAlchemy path spells its row choices out; tests/perf/test_history_pages.py covers it on indexed data).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from plexpy.commands.replay import replay_calls
from plexpy.db.perf_indexes import PERF_INDEXES, create_sql

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
DOMAINS = ["history", "home_stats", "graphs"]


@pytest.fixture(scope="module")
def indexed_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("indexed") / "tautulli.db"
    shutil.copy2(SAMPLE / "tautulli.db", db)
    with sqlite3.connect(db) as conn:
        for name, table, columns in PERF_INDEXES:
            conn.execute(create_sql(name, table, columns))
    return db


def test_recorded_reads_pass_on_the_indexed_sample(indexed_sample: Path) -> None:
    result = replay_calls(SAMPLE / "calls.jsonl", indexed_sample, backend="legacy", domains=DOMAINS)
    failed = [f"{r.id}: {r.difference}" for r in result.results if not r.passed and not r.not_applicable]
    assert len(result.results) > 500 and not failed, failed[:5]
