"""The ported dbcheck() steps on states the corpus does not hold (pre-release tables, odd data).

Each case starts from a copy of the v2.16.0 corpus file with one table put back in an older shape,
migrates it, and checks what Tautulli v2.17.2's dbcheck() does there (its results were checked
against the real function when these steps were written).
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from migration_corpus import CORPUS

from plexpy.commands.migrate import UpgradeFailedError, alembic_config, migrate


def _prepare(copy_of, *statements: str) -> Path:
    db = copy_of(CORPUS / "v2.16.0" / "before.db")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()
    return db


def _rows(db: Path, query: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def _expected_reference_ids(rows: list[tuple[int, object, object]]) -> dict[int, object]:
    """The grouping rule, written plainly: first id of the user's current run on one item."""

    def eq(a: object, b: object) -> bool | None:  # SQL equality: NULL is unknown
        return None if a is None or b is None else a == b

    out: dict[int, object] = {}
    for id_, user, item in rows:
        mine = [r for r in rows if eq(r[1], user)]
        others = [r[0] for r in mine if r[0] < id_ and eq(r[2], item) is False]
        after = [r[0] for r in mine if others and r[0] > max(others)]
        out[id_] = min(after) if after else (min(r[0] for r in mine) if mine else None)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_reference_ids_group_resumed_plays(seed: int, tmp_path: Path) -> None:
    rnd = random.Random(seed)
    rows = [(i, rnd.choice([None, 1, 2, 2, 3]), rnd.choice([None, 10, 10, 11, 12])) for i in range(1, 120, 1 + seed)]
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'h.db'}")
    module = ScriptDirectory.from_config(alembic_config()).get_revision("0003").module
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE session_history (id INTEGER PRIMARY KEY, reference_id INTEGER, "
                             "user_id INTEGER, rating_key INTEGER)")
        conn.execute(sa.text("INSERT INTO session_history (id, user_id, rating_key) VALUES (:i, :u, :r)"),
                     [{"i": i, "u": u, "r": r} for i, u, r in rows])
        module.group_resumed_plays(conn)
        got = dict(conn.exec_driver_sql("SELECT id, reference_id FROM session_history").all())
    engine.dispose()
    assert got == _expected_reference_ids(rows)


def test_export_flags_become_image_levels(copy_of) -> None:
    db = _prepare(
        copy_of,
        "DROP TABLE exports",
        "CREATE TABLE exports (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER, section_id INTEGER, "
        "user_id INTEGER, rating_key INTEGER, media_type TEXT, file_format TEXT, metadata_level INTEGER, "
        "media_info_level INTEGER, include_thumb INTEGER, include_art INTEGER, custom_fields TEXT, "
        "file_size INTEGER DEFAULT 0, complete INTEGER DEFAULT 0)",
        "INSERT INTO exports (timestamp, include_thumb, include_art) "
        "VALUES (1, 1, 0), (2, 0, 1), (3, 1, 1), (4, NULL, '1')",
    )
    migrate(db, backup=False)
    assert _rows(db, "SELECT timestamp, thumb_level, art_level FROM exports ORDER BY id") == [
        (1, 9, 0), (2, 0, 9), (3, 9, 9), (4, 0, 9)]
    assert _rows(db, "SELECT name FROM pragma_table_info('exports') WHERE name LIKE 'include%'") == [
        ("include_thumb",), ("include_art",)]  # kept, as Tautulli keeps them


def test_old_lookup_caches_get_rating_keys_and_lose_their_indexes(copy_of) -> None:
    db = _prepare(
        copy_of,
        "DROP TABLE tvmaze_lookup",
        "CREATE TABLE tvmaze_lookup (id INTEGER PRIMARY KEY AUTOINCREMENT, thetvdb_id INTEGER, imdb_id TEXT, "
        "tvmaze_id INTEGER, tvmaze_url TEXT, tvmaze_json TEXT)",
        "CREATE INDEX idx_tvmaze_lookup_thetvdb_id ON tvmaze_lookup (thetvdb_id)",
        "INSERT INTO tvmaze_lookup (thetvdb_id, imdb_id) VALUES (1, 'a'), (2, 'b'), (3, 'c')",
    )
    migrate(db, backup=False)
    # all rating keys are NULL: one group, the lowest id stays (dbcheck's dedupe)
    assert _rows(db, "SELECT id, thetvdb_id, rating_key FROM tvmaze_lookup") == [(1, 1, None)]
    assert _rows(db, "SELECT name FROM pragma_index_list('tvmaze_lookup')") == [("idx_tvmaze_lookup",)]


def test_pre_release_mobile_devices_are_recreated(copy_of) -> None:
    db = _prepare(
        copy_of,
        "DROP TABLE mobile_devices",
        "CREATE TABLE mobile_devices (id INTEGER PRIMARY KEY AUTOINCREMENT, device_token TEXT NOT NULL UNIQUE, "
        "device_name TEXT, friendly_name TEXT)",
        "INSERT INTO mobile_devices (device_token, device_name) VALUES ('t1', 'a')",
    )
    migrate(db, backup=False)
    assert _rows(db, "SELECT COUNT(*) FROM mobile_devices") == [(0,)]
    assert [r[0] for r in _rows(db, "SELECT name FROM pragma_table_info('mobile_devices')")] == [
        "id", "device_id", "device_token", "device_name", "friendly_name", "last_seen", "official", "onesignal_id",
        "platform", "version"]


def test_official_flag_without_network(copy_of) -> None:
    db = _prepare(
        copy_of,
        "DROP TABLE mobile_devices",
        "CREATE TABLE mobile_devices (id INTEGER PRIMARY KEY AUTOINCREMENT, device_id TEXT NOT NULL UNIQUE, "
        "device_token TEXT, device_name TEXT, friendly_name TEXT)",
        "INSERT INTO mobile_devices (device_id) VALUES ('onesignal-disabled'), ('abc')",
    )
    result = migrate(db, backup=False)
    assert _rows(db, "SELECT device_id, official, platform FROM mobile_devices ORDER BY id") == [
        ("onesignal-disabled", 2, "android"), ("abc", -1, None)]
    assert any("OneSignal" in note for note in result.notes)


def test_duplicate_lookups_are_removed_before_the_unique_index(copy_of) -> None:
    db = _prepare(
        copy_of,
        "DROP TABLE image_hash_lookup",
        "CREATE TABLE image_hash_lookup (id INTEGER PRIMARY KEY AUTOINCREMENT, img_hash TEXT, img TEXT, "
        "rating_key INTEGER, width INTEGER, height INTEGER, opacity INTEGER, background TEXT, blur INTEGER, "
        "fallback TEXT)",
        "INSERT INTO image_hash_lookup (img_hash, img) VALUES ('h1', 'http://x'), ('h1', '/library/a'), "
        "('h2', '/l'), ('h2', '/m'), (NULL, 'x'), (NULL, 'y'), ('h3', 'HTTPS://Y')",
    )
    migrate(db, backup=False)
    # remote images go first, then the lowest id per hash stays
    assert _rows(db, "SELECT id, img_hash FROM image_hash_lookup ORDER BY id") == [(2, "h1"), (3, "h2"), (5, None)]


def test_a_rebuild_that_cannot_run_is_refused_untouched(copy_of) -> None:
    db = _prepare(
        copy_of,
        "DROP TABLE library_sections",
        "CREATE TABLE library_sections (id INTEGER PRIMARY KEY AUTOINCREMENT, server_id TEXT, "
        "section_id INTEGER UNIQUE, section_name TEXT, section_type TEXT, thumb TEXT, art TEXT)",
        "INSERT INTO library_sections (server_id, section_id, section_name) VALUES ('s', 1, 'A')",
    )
    before = db.read_bytes()
    with pytest.raises(UpgradeFailedError, match=r"did not reach the v2\.17\.2 shape") as failed:
        migrate(db)
    assert "column library_sections.custom_thumb_url" in failed.value.details
    assert db.read_bytes() == before
