"""``import_tautulli_db`` on both paths: merge and overwrite of a crafted pair, old and new files, refusals.

Checked once against Tautulli v2.17.2's own ``import_tautulli_db`` on the same pairs: identical rows and sequences.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import inspect

from plexpy import bootstrap, config, context, database, runtime
from plexpy.db.engine import build_engine
from plexpy.db.errors import TautulliDBError
from plexpy.db.state import dump_state

ROOT = Path(__file__).resolve().parents[2]
FRESH = ROOT / "tests" / "data" / "legacy_corpus" / "fresh_v2.17.2.db"
CORPUS = ROOT / "tests" / "data" / "legacy_corpus"
NOW = 1768478400
HISTORY = ("session_history", "session_history_media_info", "session_history_metadata")
TITLE = "It's 100% a_b\\c — Ünïcode"


def _play(conn: sqlite3.Connection, row_id: int, reference_id: int, user_id: int, user: str, rating_key: int,
          started: int, title: str, section_id: int = 1) -> None:
    conn.execute("INSERT INTO session_history (id, reference_id, started, stopped, rating_key, user_id, user, "
                 "media_type, view_offset, section_id, paused_counter) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, 'movie', 1000, ?, 0)",
                 (row_id, reference_id, started, started + 3600, rating_key, user_id, user, section_id))
    conn.execute("INSERT INTO session_history_metadata (id, rating_key, title, full_title, media_type) "
                 "VALUES (?, ?, ?, ?, 'movie')", (row_id, rating_key, title, title))
    conn.execute("INSERT INTO session_history_media_info (id, rating_key, video_decision, duration) "
                 "VALUES (?, ?, 'direct play', 7200000)", (row_id, rating_key))


def build_main(path: Path) -> Path:
    """A small Tautulli database: two users, three plays (a fourth deleted), one orphan satellite, lookups."""
    shutil.copy2(FRESH, path)
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany("INSERT INTO users (user_id, username) VALUES (?, ?)", [(100, "alice"), (200, "bob")])
        _play(conn, 1, 1, 100, "alice", 10, 1700000000, "Shared Movie")
        _play(conn, 2, 2, 200, "bob", 11, 1700100000, "Local Only")
        _play(conn, 3, 2, 200, "bob", 11, 1700103600, "Local Only")
        _play(conn, 4, 4, 100, "alice", 12, 1700200000, "Deleted")
        conn.execute("DELETE FROM session_history WHERE id = 4")
        conn.execute("DELETE FROM session_history_media_info WHERE id = 4")
        conn.execute("INSERT INTO session_history_metadata (id, rating_key, title) VALUES (99, 5, 'orphan')")
        conn.execute("INSERT INTO library_sections (server_id, section_id, section_name) VALUES ('S', 1, 'Movies')")
        conn.execute("INSERT INTO tvmaze_lookup (rating_key, tvmaze_id) VALUES (10, 1000)")
        conn.execute("INSERT INTO notify_log (timestamp, session_key, notifier_id, subject_text) "
                     "VALUES (1700000000, 7, 1, 'same')")
        conn.execute("INSERT INTO sessions (session_key, rating_key, user_id) VALUES (1, 10, 100)")
    conn.close()
    return path


def build_import(path: Path, *, version: str | None = "v2.17.2", newer: bool = False) -> Path:
    """Another Tautulli database to merge: overlapping users, a duplicate play, new plays, lookups, a session."""
    shutil.copy2(FRESH, path)
    conn = sqlite3.connect(path)
    with conn:
        if version is None:
            conn.execute("DROP TABLE version_info")
        else:
            conn.execute("UPDATE version_info SET value = ? WHERE key = 'version'", (version,))
        if newer:
            conn.execute("ALTER TABLE users ADD COLUMN future_column TEXT")
            conn.execute("CREATE TABLE future_table (id INTEGER PRIMARY KEY, note TEXT)")
            conn.execute("INSERT INTO future_table (note) VALUES ('ignored')")
        conn.executemany("INSERT INTO users (user_id, username) VALUES (?, ?)", [(100, "alice"), (300, "carol")])
        _play(conn, 1, 1, 100, "alice", 10, 1700000000, "Shared Movie")  # the same play as main's id 1
        _play(conn, 2, 2, 300, "carol", 20, 1700300000, TITLE, section_id=2)
        _play(conn, 3, 2, 300, "carol", 20, 1700303600, TITLE, section_id=2)
        conn.execute("INSERT INTO library_sections (server_id, section_id, section_name) VALUES ('S', 1, 'Movies')")
        conn.execute("INSERT INTO library_sections (server_id, section_id, section_name) VALUES ('S', 2, 'Shows')")
        conn.executemany("INSERT INTO tvmaze_lookup (rating_key, tvmaze_id) VALUES (?, ?)", [(10, 1000), (21, 2100)])
        conn.execute("INSERT INTO notify_log (timestamp, session_key, notifier_id, subject_text) "
                     "VALUES (1700000000, 7, 1, 'same')")
        conn.execute("INSERT INTO sessions (session_key, rating_key, user_id) VALUES (2, 20, 300)")
    conn.close()
    return path


def rows(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


@pytest.fixture
def use_db(tmp_path: Path) -> Iterator[Callable[[Path, str], None]]:
    """Install a runtime on ``db`` answering with one path (``legacy``/``sqlalchemy``), at a frozen clock."""
    with ExitStack() as stack:

        def install(db: Path, mode: str) -> None:
            settings = config.load(None, environ={}, overrides={
                "db_url": f"sqlite:///{db}", "data_dir": str(tmp_path), "timezone": "UTC",
                "backends": {"default": mode}, "report_dir": str(tmp_path / "reports")})
            rt = bootstrap.build(settings)
            stack.callback(rt.close)
            stack.enter_context(runtime.use(rt))
            stack.enter_context(context.call_context(now=NOW, tz="UTC"))

        yield install


def state(db: Path) -> dict:
    """Every table of ``db``, ``sqlite_sequence`` included."""
    engine = build_engine(f"sqlite:///{db}")
    try:
        return dump_state(engine, [*sorted(inspect(engine).get_table_names()), "sqlite_sequence"])
    finally:
        engine.dispose()


def make_odd(source: Path) -> None:
    """Values SQLite treats by its own rules: text ids, blanks, NULLs that group together, 1 / '1' / 1.0."""
    conn = sqlite3.connect(source)
    with conn:
        conn.execute("UPDATE session_history SET reference_id = '', view_offset = '' WHERE id = 3")
        conn.execute("UPDATE session_history SET reference_id = NULL, started = 1.5 WHERE id = 2")
        conn.executemany("INSERT INTO users (user_id, username) VALUES (?, ?)",
                         [(None, "n1"), (None, "n1"), ("x", "t"), ("", "e")])
        conn.executemany("INSERT INTO notify_log (timestamp, session_key, subject_text) VALUES (?, ?, ?)",
                         [(None, None, None)] * 3 + [(1, "1", "a"), (1, 1, "a"), (1.0, 1, "a")])
        conn.execute("INSERT INTO session_history_metadata (id, rating_key, title) VALUES (500, 1, 'orphan')")
    conn.close()


@pytest.fixture(params=["legacy", "sqlalchemy"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


def test_merge_shifts_ids_ignores_conflicts_and_removes_duplicates(mode: str, tmp_path: Path, use_db) -> None:
    main = build_main(tmp_path / "tautulli.db")
    source = build_import(tmp_path / "import.db")
    use_db(main, mode)
    assert database.import_tautulli_db(database=str(source), method="merge") is None
    assert not source.exists()
    # history: shifted by the sequence (4); the duplicate of play 1 (now 5) is gone with its satellites
    assert rows(main, "SELECT id, reference_id, user, rating_key, section_id FROM session_history ORDER BY id") == [
        (1, 1, "alice", 10, 1), (2, 2, "bob", 11, 1), (3, 2, "bob", 11, 1),
        (6, 6, "carol", 20, 2), (7, 6, "carol", 20, 2)]
    for table in HISTORY[1:]:
        assert rows(main, f"SELECT id FROM {table} ORDER BY id") == [(1,), (2,), (3,), (6,), (7,)]
    assert rows(main, "SELECT title FROM session_history_metadata WHERE id = 6") == [(TITLE,)]
    # other tables: without ids, conflicts ignored (the sequence still moves), exact duplicates keep the lowest id
    assert rows(main, "SELECT id, user_id, username FROM users ORDER BY id") == [
        (1, 0, "Local"), (2, 100, "alice"), (3, 200, "bob"), (6, 300, "carol")]
    assert rows(main, "SELECT id, section_id FROM library_sections ORDER BY id") == [(1, 1), (3, 2)]
    assert rows(main, "SELECT id, rating_key FROM tvmaze_lookup ORDER BY id") == [(1, 10), (3, 21)]
    assert rows(main, "SELECT id, subject_text FROM notify_log ORDER BY id") == [(1, "same")]
    sequences = dict(rows(main, "SELECT name, seq FROM sqlite_sequence"))
    assert {name: seq for name, seq in sequences.items() if seq} == {
        "users": 6, "session_history": 7, "library_sections": 3, "tvmaze_lookup": 3, "notify_log": 2, "sessions": 1}
    assert sequences["cloudinary_lookup"] == 0  # an INSERT … SELECT of nothing still writes the sequence row
    assert rows(main, "SELECT session_key FROM sessions") == [(1,)]
    assert rows(main, "SELECT value FROM version_info") == [("v2.17.2",)]


def test_overwrite_replaces_every_shared_table_and_resets_sequences(mode: str, tmp_path: Path, use_db) -> None:
    main = build_main(tmp_path / "tautulli.db")
    source = build_import(tmp_path / "import.db")
    use_db(main, mode)
    assert database.import_tautulli_db(database=str(source), method="overwrite") is None
    assert rows(main, "SELECT id, reference_id, user FROM session_history ORDER BY id") == [
        (1, 1, "alice"), (2, 2, "carol"), (3, 2, "carol")]
    assert rows(main, "SELECT id FROM session_history_metadata ORDER BY id") == [(1,), (2,), (3,)]
    assert rows(main, "SELECT id, user_id FROM users ORDER BY id") == [(1, 0), (2, 100), (3, 300)]
    assert rows(main, "SELECT id, rating_key FROM tvmaze_lookup ORDER BY id") == [(1, 10), (2, 21)]
    sequences = dict(rows(main, "SELECT name, seq FROM sqlite_sequence"))
    assert (sequences["users"], sequences["session_history"], sequences["tvmaze_lookup"]) == (3, 3, 2)
    assert rows(main, "SELECT session_key FROM sessions") == [(1,)]  # never imported


@pytest.mark.parametrize("odd", [False, True], ids=["plain", "odd-values"])
@pytest.mark.parametrize("method", ["merge", "overwrite"])
def test_both_paths_leave_identical_databases(method: str, odd: bool, tmp_path: Path, use_db) -> None:
    results = []
    for mode in ("legacy", "sqlalchemy"):
        folder = tmp_path / mode
        folder.mkdir()
        main = build_main(folder / "tautulli.db")
        source = build_import(folder / "import.db", newer=True)
        if odd:
            make_odd(source)
        use_db(main, mode)
        assert database.import_tautulli_db(database=str(source), method=method) is None
        results.append(state(main))
    assert results[0] == results[1]


@pytest.mark.parametrize("release", ["v2.5.2", "v1.4.25"])
def test_an_older_file_gets_section_ids_from_its_metadata(release: str, mode: str, tmp_path: Path, use_db) -> None:
    main = build_main(tmp_path / "tautulli.db")
    source = tmp_path / "old.db"
    shutil.copy2(CORPUS / release / "before.db", source)
    expected = rows(source, "SELECT h.id + 4, m.section_id FROM session_history AS h "
                            "JOIN session_history_metadata AS m ON m.id = h.id ORDER BY h.id")
    use_db(main, mode)
    assert database.import_tautulli_db(database=str(source), method="merge") is None
    imported = rows(main, "SELECT id, section_id FROM session_history WHERE id > 4 ORDER BY id")
    assert imported and set(imported) <= set(expected) and all(section for _, section in imported)


def test_a_newer_file_imports_the_shared_columns_and_tables_only(mode: str, tmp_path: Path, use_db) -> None:
    main = build_main(tmp_path / "tautulli.db")
    source = build_import(tmp_path / "import.db", version="v2.99.0", newer=True)
    use_db(main, mode)
    assert database.import_tautulli_db(database=str(source), method="merge") is None
    assert "future_table" not in {name for (name,) in rows(main, "SELECT name FROM sqlite_master")}
    assert rows(main, "SELECT username FROM users WHERE user_id = 300") == [("carol",)]


@pytest.mark.parametrize("case", ["missing", "not_sqlite", "no_history", "none", "bad_method", "itself"])
def test_refusals_return_false_and_change_nothing(case: str, mode: str, tmp_path: Path, use_db) -> None:
    main = build_main(tmp_path / "tautulli.db")
    source = build_import(tmp_path / "import.db")
    method = "merge"
    target: object = str(source)
    if case == "missing":
        target = str(tmp_path / "nope.db")
    elif case == "not_sqlite":
        source.write_bytes(b"PK\x03\x04 not a database at all" * 100)
    elif case == "no_history":
        conn = sqlite3.connect(source)
        conn.execute("DROP TABLE session_history")
        conn.commit()
        conn.close()
    elif case == "none":
        target = None
    elif case == "bad_method":
        method = "append"
    else:
        target = str(main)
    before = state(main)
    use_db(main, mode)
    assert database.import_tautulli_db(database=target, method=method) is False
    assert state(main) == before
    assert not (tmp_path / "nope.db").exists()
    if case not in ("missing", "none", "itself"):
        assert source.exists()
    expected = {"missing": "Invalid database specified", "not_sqlite": "Invalid database specified",
                "no_history": "Invalid database specified", "none": "Uncaught exception"}
    if case in expected:
        assert database.validate_database(database=target) == expected[case]


def test_another_import_running_is_refused(mode: str, tmp_path: Path, use_db) -> None:
    main = build_main(tmp_path / "tautulli.db")
    source = build_import(tmp_path / "import.db")
    use_db(main, mode)
    database.set_is_importing(True)
    try:
        assert database.IS_IMPORTING is True
        assert database.import_tautulli_db(database=str(source), method="merge") is False
    finally:
        database.set_is_importing(False)
    assert database.IS_IMPORTING is False and source.exists()


def test_a_failure_midway_leaves_the_database_and_the_file_as_before(mode: str, tmp_path: Path, use_db) -> None:
    main = build_main(tmp_path / "tautulli.db")
    source = build_import(tmp_path / "import.db")
    conn = sqlite3.connect(main)
    conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON tvmaze_lookup BEGIN SELECT RAISE(ABORT, 'no'); END")
    conn.commit()
    conn.close()
    before, file_bytes = state(main), source.read_bytes()
    use_db(main, mode)
    with pytest.raises(TautulliDBError):  # users, sessions_continued … were already written when tvmaze failed
        database.import_tautulli_db(database=str(source), method="merge")
    assert state(main) == before
    assert source.read_bytes() == file_bytes
    assert database.IS_IMPORTING is False
    assert database.import_tautulli_db(database=str(source), method="bogus") is False  # the flag was released


def test_a_file_whose_history_cannot_be_back_filled_raises_and_changes_nothing(mode: str, tmp_path: Path,
                                                                                use_db) -> None:
    main = build_main(tmp_path / "tautulli.db")
    source = build_import(tmp_path / "import.db", version=None)  # pre-v2.7.0 by its missing version, yet new
    before = state(main)
    use_db(main, mode)
    with pytest.raises(TautulliDBError, match="duplicate column name: section_id"):
        database.import_tautulli_db(database=str(source), method="overwrite")
    assert state(main) == before and source.exists()


def test_a_backup_is_made_first_when_asked(mode: str, tmp_path: Path, use_db) -> None:
    main = build_main(tmp_path / "tautulli.db")
    source = build_import(tmp_path / "import.db")
    use_db(main, mode)
    with context.call_context(config={"BACKUP_DIR": str(tmp_path / "backups")}):
        assert database.import_tautulli_db(database=str(source), method="merge", backup=True) is None
    backups = list((tmp_path / "backups").iterdir())
    assert [b.name for b in backups] == ["tautulli.backup-20260115120000.db.zip"]


def test_the_import_constructs_compile_on_both_dialects() -> None:
    from sqlalchemy import column, select, table
    from sqlalchemy.dialects import postgresql, sqlite

    from plexpy.db.sqlfuncs import autoincrement_value, insert_or_ignore, raise_autoincrement, reset_autoincrement

    users = table("users", column("user_id"), column("username"))
    expected = {
        "sqlite": ["INSERT OR IGNORE INTO users", "FROM sqlite_sequence WHERE name = 'it''s'",
                   "DELETE FROM sqlite_sequence WHERE name = 'users'", "SELECT NULL"],
        "postgresql": ["ON CONFLICT DO NOTHING", "pg_sequence_last_value(CAST(pg_get_serial_sequence('it''s', 'id')",
                       "setval(CAST(pg_get_serial_sequence('users', 'id') AS regclass), 1, false)",
                       "(SELECT max(id) FROM session_history)"],
    }
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        compiled = [str(stmt.compile(dialect=dialect)) for stmt in (
            insert_or_ignore(users).values(user_id=1, username="a"), select(autoincrement_value("it's")),
            reset_autoincrement("users"), select(raise_autoincrement("session_history")))]
        for text, needle in zip(compiled, expected[dialect.name], strict=True):
            assert needle in text, (dialect.name, text)


def test_the_import_is_answered_alone_in_shadow(tmp_path: Path, use_db, log_output) -> None:
    main = build_main(tmp_path / "tautulli.db")
    source = build_import(tmp_path / "import.db")
    use_db(main, "shadow")
    assert database.import_tautulli_db(database=str(source), method="merge") is None
    assert not source.exists()
    assert rows(main, "SELECT COUNT(*) FROM session_history") == [(5,)]  # applied once


def test_a_file_name_with_quotes_percent_and_non_ascii(mode: str, tmp_path: Path, use_db) -> None:
    main = build_main(tmp_path / "tautulli.db")
    folder = tmp_path / "it's 100% #ü?"
    folder.mkdir()
    source = build_import(folder / "a'b%20c ü.db")
    use_db(main, mode)
    assert database.validate_database(database=str(source)) == "success"
    assert database.import_tautulli_db(database=source, method="merge") is None
    assert not source.exists()
    assert rows(main, "SELECT COUNT(*) FROM session_history") == [(5,)]
