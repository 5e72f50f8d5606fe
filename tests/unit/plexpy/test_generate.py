"""The large-database generator: shape, alignment of the history tables, grouping, determinism."""

from __future__ import annotations

import itertools
import sqlite3
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine

from plexpy.db.fresh import seed_fresh
from plexpy.db.schema import metadata
from plexpy.generate import ANCHOR, generate

SESSIONS = 1500


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "small.db"
    result = generate(path, sessions=SESSIONS, seed=7)
    assert result.sessions == SESSIONS
    return path


def _rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_the_three_history_tables_hold_the_same_ids(built: Path) -> None:
    ids = {t: [r[0] for r in _rows(built, f"SELECT id FROM {t} ORDER BY id")]
           for t in ("session_history", "session_history_metadata", "session_history_media_info")}
    assert ids["session_history"] == list(range(1, SESSIONS + 1))
    assert ids["session_history_metadata"] == ids["session_history"] == ids["session_history_media_info"]
    keys = _rows(built, "SELECT COUNT(*) FROM session_history h JOIN session_history_metadata m USING (id) "
                        "JOIN session_history_media_info i USING (id) "
                        "WHERE h.rating_key = m.rating_key AND h.rating_key = i.rating_key")
    assert keys == [(SESSIONS,)]


def test_resumed_plays_share_the_reference_id_of_their_first_row(built: Path) -> None:
    rows = _rows(built, "SELECT id, reference_id, user_id, rating_key, machine_id, started, stopped, view_offset "
                        "FROM session_history ORDER BY id")
    groups: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        groups[row[1]].append(row)
    assert all(g[0][0] == ref for ref, g in groups.items()), "reference_id is the id of the group's first row"
    multi = [g for g in groups.values() if len(g) > 1]
    assert len(multi) > SESSIONS // 50, "some plays were resumed"
    for group in multi:
        assert len({(r[2], r[3], r[4]) for r in group}) == 1, "same user, item and device"
        assert all(a[6] <= b[5] for a, b in itertools.pairwise(group)), "segments follow each other"
        assert [r[7] for r in group] == sorted(r[7] for r in group), "each resume starts further in"
    stops = [r[6] for r in rows]
    assert stops == sorted(stops), "ids follow the order plays stopped in, as Tautulli writes them"


def test_every_media_type_library_and_user_kind_is_there(built: Path) -> None:
    types = dict(_rows(built, "SELECT media_type, COUNT(*) FROM session_history GROUP BY media_type"))
    assert {"movie", "episode", "track"} <= set(types)
    live = _rows(built, "SELECT COUNT(*) FROM session_history h JOIN session_history_metadata m USING (id) "
                        "WHERE h.section_id = 999999 AND m.live = 1")
    assert live[0][0] > 0
    sections = {r[0]: r[1] for r in _rows(built, "SELECT section_id, section_type FROM library_sections")}
    assert sections[999999] == "live" and sections[1] == "movie" and sections[2] == "show"
    assert _rows(built, "SELECT username FROM users WHERE user_id = 0") == [("Local",)]
    assert _rows(built, "SELECT COUNT(*) FROM users WHERE is_admin = 1") == [(1,)]
    assert _rows(built, "SELECT COUNT(*) FROM sessions WHERE stopped IS NULL")[0][0] >= 3
    for table in ("notify_log", "notifiers", "recently_added", "themoviedb_lookup", "image_hash_lookup",
                  "sessions_continued", "user_login"):
        assert _rows(built, f"SELECT COUNT(*) FROM {table}")[0][0] > 0, table
    titles = [r[0] for r in _rows(built, "SELECT full_title FROM session_history_metadata")]
    assert any("%" in t or "_" in t or "'" in t for t in titles)
    assert any(not t.isascii() for t in titles)


def test_eighteen_months_ending_before_now_with_evening_peaks(built: Path) -> None:
    rows = _rows(built, "SELECT started, stopped FROM session_history")
    assert max(r[1] for r in rows) < ANCHOR
    assert min(r[0] for r in rows) >= ANCHOR - 19 * 31 * 86400
    assert max(r[0] for r in rows) > ANCHOR - 30 * 86400
    hours = Counter(datetime.fromtimestamp(r[0], UTC).hour for r in rows)
    assert sum(hours[h] for h in range(18, 24)) > 3 * sum(hours[h] for h in range(2, 8))


def test_schema_is_the_fresh_tautulli_schema_in_wal_mode(built: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    engine = create_engine(f"sqlite:///{fresh}")
    with engine.begin() as conn:
        metadata.create_all(conn)
        seed_fresh(conn)
    engine.dispose()
    query = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    assert _rows(built, query) == _rows(fresh, query)
    assert _rows(built, "PRAGMA journal_mode") == [("wal",)]
    assert _rows(built, "SELECT value FROM version_info") == [("v2.17.2",)]


def test_same_seed_same_file_other_seed_other_file(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    generate(first, sessions=300, seed=3)
    generate(second, sessions=300, seed=3)
    generate(other, sessions=300, seed=4)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_evenings_follow_the_configured_zone(tmp_path: Path) -> None:
    path = tmp_path / "ny.db"
    generate(path, sessions=1000, seed=5, tz="America/New_York")
    zone = ZoneInfo("America/New_York")
    hours = Counter(datetime.fromtimestamp(r[0], zone).hour for r in _rows(path, "SELECT started FROM session_history"))
    assert sum(hours[h] for h in range(18, 24)) > 3 * sum(hours[h] for h in range(2, 8))


def test_refuses_to_overwrite_and_bad_sizes(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    generate(path, sessions=0, seed=1)
    assert _rows(path, "SELECT COUNT(*) FROM session_history") == [(0,)]
    with pytest.raises(FileExistsError):
        generate(path, sessions=10)
    generate(path, sessions=10, overwrite=True)
    assert _rows(path, "SELECT COUNT(*) FROM session_history") == [(10,)]
    with pytest.raises(ValueError, match="sessions"):
        generate(tmp_path / "y.db", sessions=-1)


def test_both_paths_answer_the_benchmark_reads_alike(built: Path) -> None:
    from plexpy.commands.bench import Workload
    from shim.compare import compare_results, to_jsonable

    with Workload(built, paths=("legacy", "sqlalchemy")) as work:
        assert work.facts.history_rows == SESSIONS and work.facts.now == ANCHOR
        for name in ("history_page", "history_user", "history_search", "home_stats", "plays_per_day"):
            scenario = work.scenario(name)
            legacy = to_jsonable(work.invoke(scenario, "legacy"))
            sqla = to_jsonable(work.invoke(scenario, "sqlalchemy"))
            difference, _ = compare_results(legacy, sqla, ordered=True)
            assert difference is None, f"{name}: {difference}"
            assert legacy, name


@pytest.mark.parametrize(("start", "length"), [(0, 25), (40, 10), (0, -1), (-5, 10), (SESSIONS * 2, 25), (0, 0),
                                               (5, -3), (10**20, 5)])
def test_history_pages_slice_alike_on_both_paths(built: Path, start: int, length: int) -> None:
    """The one-statement page (count(*) OVER ()) and its fallbacks equal the legacy path's Python slice."""
    import json

    from plexpy.commands.bench import Scenario, Workload
    from shim.compare import compare_results, to_jsonable

    with Workload(built, paths=("legacy", "sqlalchemy")) as work:
        base = work.scenario("history_page")
        request = json.loads(base.kwargs["kwargs"]["json_data"])
        request.update(start=start, length=length)
        scenario = Scenario("page", base.target, {**base.kwargs, "kwargs": {"json_data": json.dumps(request)}},
                            base.config)
        legacy = to_jsonable(work.invoke(scenario, "legacy"))
        sqla = to_jsonable(work.invoke(scenario, "sqlalchemy"))
    assert compare_results(legacy, sqla, ordered=True)[0] is None
    assert legacy["recordsTotal"] == SESSIONS
    assert sqla["recordsFiltered"] == legacy["recordsFiltered"] > 0
    expected = len(range(legacy["recordsFiltered"])[start:start + length]) if abs(start) < 10**9 else 0
    assert len(sqla["data"]) == expected
