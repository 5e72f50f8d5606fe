"""The ranking cards' two SQLAlchemy forms: grouped on SQLite, windows elsewhere; both must give the oracle's answer.

SQLite runs the grouped form (its bare-column rules pick the rows), every other backend the window form that
spells those rules out. The PostgreSQL replay covers the window form there; here it runs on the SQLite sample
too, so a change to either form is judged against the same records on the same database.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from plexpy.commands.replay import load_records, replay_calls
from plexpy.domains.home_stats import sqla as home_stats_sqla

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
RECORDS = [r for r in load_records(SAMPLE / "calls.jsonl") if r["domain"] == "home_stats"]


@pytest.mark.parametrize("form", ["grouped", "window"])
def test_each_form_matches_every_home_stats_record_on_sqlite(form: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: Counter[str] = Counter()
    chosen = home_stats_sqla.grouped_form

    def pick(conn: sa.Connection) -> bool:
        grouped = chosen(conn) if form == "grouped" else False
        seen["grouped" if grouped else "window"] += 1
        return grouped

    monkeypatch.setattr(home_stats_sqla, "grouped_form", pick)
    replayed = replay_calls(SAMPLE / "calls.jsonl", SAMPLE / "tautulli.db", backend="sqlalchemy",
                            domains=["home_stats"], records=RECORDS)
    failures = [f"{r.id} {r.target}: {r.difference}" for r in replayed.results if not r.passed]
    assert not failures, "\n".join(failures[:10])
    assert replayed.passed == len(RECORDS) > 200
    assert set(seen) == {form} and seen[form] > 100, "the form under test answered the ranking cards"


def test_sqlite_runs_grouped_statements_without_windows(tmp_path: Path) -> None:
    from plexpy import context
    from plexpy.domains.home_stats.sqla import SqlaHomeStats

    engine = sa.create_engine(f"sqlite:///{SAMPLE / 'tautulli.db'}")
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with context.call_context(now=1768478400, tz="UTC"):
        result = SqlaHomeStats(engine).get_home_stats(stat_id="top_movies", time_range=365)
    engine.dispose()
    assert result and result["rows"], "the card has rows on the sample"
    cards = [s for s in statements if "session_history_metadata" in s]
    assert cards and all("OVER (" not in s and "GROUP BY session_history.reference_id" in s for s in cards)
