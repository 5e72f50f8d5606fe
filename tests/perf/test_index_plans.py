"""Revision 0016's indexes: created and dropped by Alembic, accepted by migrate, used by the hot queries' plans."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.dialects import sqlite as sqlite_dialect

from plexpy.commands.migrate import ALEMBIC_DIR, migrate
from plexpy.datatables.custom_where import parse
from plexpy.datatables.sqla_sql import custom_where_clause
from plexpy.db.perf_indexes import PERF_INDEX_NAMES, drop_sql
from plexpy.domains.history.sqla_page import h, walk_statement
from plexpy.domains.history.sqla_table import history_query, history_scope, total_duration_query


def _indexes(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def _plan(db: Path, stmt) -> list[str]:
    sql = str(stmt.compile(dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}))
    with sqlite3.connect(db) as conn:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]


def _alembic(url: str, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "alembic", "-x", f"url={url}", *args], cwd=ALEMBIC_DIR.parent,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_revision_0016_creates_and_drops_the_indexes(tmp_path: Path) -> None:
    db = tmp_path / "alembic.db"
    _alembic(f"sqlite:///{db}", "upgrade", "head")
    assert _indexes(db) >= PERF_INDEX_NAMES
    _alembic(f"sqlite:///{db}", "downgrade", "0015")
    assert not PERF_INDEX_NAMES & _indexes(db)
    assert "idx_session_history_reference_id" in _indexes(db)  # Tautulli's own stay


def test_migrate_adds_them_to_a_current_database(perf_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "current.db"
    shutil.copy2(perf_db, db)
    with sqlite3.connect(db) as conn:
        for name in PERF_INDEX_NAMES:
            conn.execute(drop_sql(name))
    result = migrate(db)
    assert (result.state, result.stamped, [p.revision for p in result.applied]) == ("current", "0015", ["0016"])
    assert _indexes(db) >= PERF_INDEX_NAMES
    again = migrate(db, dry_run=True)  # a file with them is current and at head: nothing to do
    assert again.state == "current" and again.planned == ()


def _clause(where: list[list[str]]):
    return custom_where_clause(parse(where), history_scope())


@pytest.mark.parametrize(("where", "index"), [
    ([], "idx_session_history_started"),
    ([["session_history.user_id", "7"]], "idx_session_history_user_id_started"),
    ([["session_history.section_id", "2"]], "idx_session_history_section_id_started"),
])
def test_the_newest_plays_walk_reads_an_index_backwards(perf_db: Path, where, index: str) -> None:
    plan = _plan(perf_db, walk_statement(_clause(where), 100))
    assert any(index in step and "COVERING" in step for step in plan), plan
    assert not any(step.startswith("USE TEMP B-TREE FOR ORDER BY") for step in plan), plan  # no full sort


def test_without_the_indexes_the_walk_sorts_every_row(perf_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "before.db"
    shutil.copy2(perf_db, db)
    with sqlite3.connect(db) as conn:
        for name in PERF_INDEX_NAMES:
            conn.execute(drop_sql(name))
    assert "USE TEMP B-TREE FOR ORDER BY" in _plan(db, walk_statement(None, 100))


def test_the_page_groups_only_its_plays(perf_db: Path) -> None:
    where = parse([["session_history.user_id", "7"]])
    plan = _plan(perf_db, history_query(where, True, False, restrict=h.c.reference_id.in_([1, 2, 3])))
    history_reads = [step for step in plan if " session_history " in f"{step} " and "USING INTEGER" not in step]
    assert history_reads == ["SEARCH session_history USING INDEX idx_session_history_reference_id (reference_id=?)"]


def test_total_duration_reads_history_in_row_order(perf_db: Path) -> None:
    plan = _plan(perf_db, total_duration_query(parse([])))
    assert plan[0].startswith("SCAN session_history"), plan
    assert all("USING INTEGER PRIMARY KEY" in step for step in plan[1:]), plan
