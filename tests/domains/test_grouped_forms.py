"""Grouped and window forms of the SQLAlchemy twins: both must give the oracle's answer on the SQLite sample.

Where Tautulli folds rows with a GROUP BY and reads bare columns (a play's first row in scan order, the row of
the single MAX()), SQLite runs a grouped statement of the same shape, and every other backend a window form
that spells the rule out. The PostgreSQL replay judges the window form there; here both forms run on the
SQLite sample against the same records, so a change to either is caught on the database the records describe.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from plexpy import context
from plexpy.commands.replay import load_records, replay_calls
from plexpy.db import bare_columns

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
RECORDS = load_records(SAMPLE / "calls.jsonl")
DOMAINS = ["home_stats", "graphs", "users", "libraries", "history", "notifications"]


@pytest.mark.parametrize("form", ["grouped", "window"])
@pytest.mark.parametrize("domain", DOMAINS)
def test_each_form_matches_every_record_on_sqlite(domain: str, form: str, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = bare_columns.grouped
    seen: Counter[str] = Counter()

    def pick(bind: sa.Connection | sa.Engine) -> bool:
        grouped = chosen(bind) if form == "grouped" else False
        seen["grouped" if grouped else "window"] += 1
        return grouped

    monkeypatch.setattr(bare_columns, "grouped", pick)
    records = [r for r in RECORDS if r["domain"] == domain]
    replayed = replay_calls(SAMPLE / "calls.jsonl", SAMPLE / "tautulli.db", backend="sqlalchemy",
                            domains=[domain], records=records)
    failures = [f"{r.id} {r.target}: {r.difference}" for r in replayed.results if not r.passed]
    assert not failures, "\n".join(failures[:10])
    assert replayed.passed == len(records) > 50
    assert set(seen) == {form} and seen[form] >= 10, "the form under test answered the calls"


def _statements(db: Path, call: str, **kwargs: object) -> list[str]:
    from plexpy.db.engine import build_engine
    from plexpy.domains.graphs.sqla import SqlaGraphs
    from plexpy.domains.home_stats.sqla import SqlaHomeStats

    engine = build_engine(f"sqlite:///{db}")
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    twin = SqlaHomeStats(engine) if call == "get_home_stats" else SqlaGraphs(engine)
    with context.call_context(now=1768478400, tz="UTC"):
        assert getattr(twin, call)(**kwargs), "the call has an answer on the sample"
    engine.dispose()
    return [s for s in statements if "session_history." in s]


@pytest.mark.parametrize(("call", "kwargs"), [
    ("get_home_stats", {"stat_id": "top_movies", "time_range": 365}),
    ("get_home_stats", {"stat_id": "top_platforms", "time_range": 365}),
    ("get_total_plays_per_day", {"time_range": 365, "grouping": 1}),
    ("get_total_plays_by_top_10_users", {"time_range": 365, "grouping": 1}),
])
def test_sqlite_runs_the_grouped_form(sample_db: Path, call: str, kwargs: dict[str, object]) -> None:
    found = _statements(sample_db, call, **kwargs)
    assert found and all("OVER (" not in s and "GROUP BY" in s and "reference_id" in s for s in found)
