"""Key-scoped change capture on SQLite connections (the basis of write verification)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import insert, update

from plexpy.db.engine import build_engine, transaction
from plexpy.db.schema import metadata, users
from plexpy.db.snapshot import capture_changes, diff_changes
from plexpy.db.sqlite_executor import SqliteExecutor


def make_db(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    engine = build_engine(f"sqlite:///{path}")
    metadata.create_all(engine, tables=[users])
    with engine.begin() as conn:
        conn.execute(insert(users), [{"user_id": n, "username": f"u{n}"} for n in range(1, 6)])
    engine.dispose()
    return path


def test_the_same_write_on_both_paths_gives_equal_change_sets_and_nothing_persists(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    db = SqliteExecutor(path)
    with db.transaction(rollback=True) as conn, capture_changes(conn, ["users"]) as legacy_changes:
        db.action("UPDATE users SET username = 'x' WHERE user_id = 2")
        db.action("DELETE FROM users WHERE user_id = 3")
        db.action("INSERT INTO users (user_id, username) VALUES (9, 'new')")
    engine = build_engine(f"sqlite:///{path}")
    with (
        transaction(engine, rollback=True) as conn,
        capture_changes(conn.connection.dbapi_connection, ["users"]) as sqla_changes,
    ):
        conn.execute(update(users).where(users.c.user_id == 2).values(username="x"))
        conn.execute(users.delete().where(users.c.user_id == 3))
        conn.execute(insert(users).values(user_id=9, username="new"))
    assert diff_changes(legacy_changes, sqla_changes) is None
    assert set(legacy_changes.tables["users"]) == {2, 3, 6}
    assert legacy_changes.tables["users"][3] is None
    assert legacy_changes.tables["users"][6]["username"] == "new"
    assert legacy_changes.sequence == {"users": 6}
    check = sqlite3.connect(path)
    assert check.execute("SELECT COUNT(*), MAX(id) FROM users").fetchone() == (5, 5)
    check.close()
    db.close()
    engine.dispose()


def test_a_different_write_is_reported_with_its_first_difference(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    db = SqliteExecutor(path)
    with db.transaction(rollback=True) as conn, capture_changes(conn, ["users"]) as first:
        db.action("UPDATE users SET username = 'x' WHERE user_id = 2")
    with db.transaction(rollback=True) as conn, capture_changes(conn, ["users"]) as second:
        db.action("UPDATE users SET username = 'y' WHERE user_id = 2")
    assert diff_changes(first, second) == "users[rowid 2].username: 'x' != 'y'"
    with db.transaction(rollback=True) as conn, capture_changes(conn, ["users"]) as third:
        db.action("UPDATE users SET username = 'x' WHERE user_id IN (2, 4)")
    assert "rows changed differ" in diff_changes(first, third)
    db.close()
