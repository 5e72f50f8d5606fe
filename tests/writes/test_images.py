"""Before/after images of a database: declared tables row by row, other tables by digest, storage classes kept."""

from __future__ import annotations

import sqlite3

import pytest

from plexpy.db.snapshot import ChangeSet, diff_changes, image_changes, start_capture, take_image


@pytest.fixture
def conn() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, n)")
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    db.executemany("INSERT INTO users (name, n) VALUES (?, ?)", [("a", 1), ("b", 2), ("c", 3)])
    db.execute("INSERT INTO notes (body) VALUES ('x')")
    return db


def test_inserted_updated_and_deleted_rows_and_the_sequence(conn: sqlite3.Connection) -> None:
    before = take_image(conn, ["users"])
    conn.execute("UPDATE users SET name = 'B' WHERE id = 2")
    conn.execute("DELETE FROM users WHERE id = 3")
    conn.execute("INSERT INTO users (name, n) VALUES ('d', 4)")
    changes = image_changes(before, take_image(conn, ["users"]))
    assert changes.tables == {"users": {2: {"id": 2, "name": "B", "n": 2}, 3: None,
                                        4: {"id": 4, "name": "d", "n": 4}}}
    assert changes.sequence == {"users": 4}
    assert changes.digests == {}


def test_a_value_of_another_storage_class_is_a_change(conn: sqlite3.Connection) -> None:
    before = take_image(conn, ["users"])
    conn.execute("UPDATE users SET n = 1.0 WHERE id = 1")  # equal in Python, REAL instead of INTEGER in SQLite
    conn.execute("UPDATE users SET n = '2' WHERE id = 2")
    changes = image_changes(before, take_image(conn, ["users"]))
    assert set(changes.tables["users"]) == {1, 2}


def test_an_undeclared_table_is_compared_by_digest(conn: sqlite3.Connection) -> None:
    before = take_image(conn, ["users"])
    assert image_changes(before, take_image(conn, ["users"])) == ChangeSet()
    conn.execute("UPDATE notes SET body = 'y'")
    changes = image_changes(before, take_image(conn, ["users"]))
    assert list(changes.digests) == ["notes"]
    other = image_changes(before, before)
    assert diff_changes(changes, other) == "undeclared tables changed differently: ['notes']"


def test_image_changes_equal_what_the_triggers_capture(conn: sqlite3.Connection) -> None:
    """Both capture methods describe one write the same way, so either can verify it."""
    from plexpy.db.snapshot import finish_capture

    before_image = take_image(conn, ["users"])
    conn.execute("BEGIN")
    sequence = start_capture(conn, ["users"])
    conn.execute("UPDATE users SET n = n + 10 WHERE id <= 2")
    conn.execute("DELETE FROM users WHERE id = 3")
    triggered = finish_capture(conn, sequence)
    conn.execute("COMMIT")
    imaged = image_changes(before_image, take_image(conn, ["users"]))
    assert diff_changes(triggered, imaged) is None
    assert triggered.tables["users"][1] == {"id": 1, "name": "a", "n": 11}


def test_created_files_are_part_of_the_change_set() -> None:
    left = ChangeSet(files=("tautulli.backup-<stamp>.db.zip",))
    assert diff_changes(left, ChangeSet()) == "files created: ['tautulli.backup-<stamp>.db.zip'] != []"
