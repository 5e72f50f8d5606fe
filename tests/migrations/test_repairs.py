"""The every-start repairs: what they fix, that they are idempotent, and `repair` on its own."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from migration_corpus import CORPUS

from plexpy.commands.migrate import MigrationRefusedError, migrate, repair
from plexpy.db import repairs


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


@pytest.fixture
def current_db(copy_of) -> Path:
    db = copy_of(CORPUS / "v2.17.2" / "before.db")
    migrate(db, backup=False)
    return db


def test_current_database_needs_no_repair(current_db: Path) -> None:
    digest = _sha(current_db)
    result = repair(current_db)
    assert (result.changed, result.repairs.total, result.backup) == (False, 0, None)
    assert _sha(current_db) == digest


def test_repair_fixes_data_written_again_by_old_writers(current_db: Path) -> None:
    _run(
        current_db,
        "UPDATE session_history SET platform = 'windows' WHERE id IN (SELECT id FROM session_history LIMIT 3)",
        "UPDATE users SET friendly_name = username WHERE user_id <> 0",
        "UPDATE session_history_media_info SET stream_container = NULL, stream_audio_codec = NULL WHERE id < 5",
        "UPDATE notifiers SET agent_label = 'XBMC' WHERE id = (SELECT MIN(id) FROM notifiers)",
        "DELETE FROM users WHERE username = 'Local'",
        "UPDATE version_info SET value = 'v2.16.0'",
    )
    dry = repair(current_db, dry_run=True)
    assert dry.dry_run and not dry.changed and dry.repairs.total > 0
    result = repair(current_db)
    changes = result.repairs.changes
    assert changes["capitalise_platforms"] == 3
    assert changes["reset_friendly_names"] >= 1
    assert changes["blank_null_stream_codecs"] >= 8
    assert changes["rename_notifier_agents"] == 1
    assert changes["add_local_user"] == 1
    assert changes["raise_version"] == 1
    assert result.backup is not None and result.backup.exists()
    digest = _sha(current_db)
    assert repair(current_db).repairs.total == 0
    assert _sha(current_db) == digest
    conn = sqlite3.connect(current_db)
    assert conn.execute("SELECT value FROM version_info").fetchone() == ("v2.17.2",)
    assert conn.execute("SELECT COUNT(*) FROM session_history WHERE platform = 'windows'").fetchone() == (0,)
    conn.close()


def test_version_is_never_lowered(current_db: Path) -> None:
    _run(current_db, "UPDATE version_info SET value = 'v2.18.0-beta'")
    assert repair(current_db).repairs.changes["raise_version"] == 0


def test_repair_refuses_a_legacy_database(copy_of) -> None:
    db = copy_of(CORPUS / "v2.13.0" / "before.db")
    with pytest.raises(MigrationRefusedError, match="migrate it first"):
        repair(db)


@pytest.mark.parametrize(("stored", "expected"), [("v2.1.4-beta", (2, 1, 4, 0)), ("v2.17.2", (2, 17, 2)),
                                                  ("2.10.x", (2, 10, 0)), (None, (0,))])
def test_version_order_follows_tautulli(stored: object, expected: tuple[int, ...]) -> None:
    assert repairs.version_tuple(stored) == expected


def test_poster_urls_migrate_to_image_hashes(tmp_path: Path) -> None:
    """poster_urls rows become image hashes and Imgur rows keyed by the hash; then the table goes."""
    db = tmp_path / "posters.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE image_hash_lookup (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                             "img_hash TEXT UNIQUE, img TEXT, rating_key INTEGER, width INTEGER, height INTEGER, "
                             "opacity INTEGER, background TEXT, blur INTEGER, fallback TEXT)")
        conn.exec_driver_sql("CREATE TABLE imgur_lookup (id INTEGER PRIMARY KEY AUTOINCREMENT, img_hash TEXT, "
                             "imgur_title TEXT, imgur_url TEXT, delete_hash TEXT)")
        conn.exec_driver_sql("CREATE TABLE poster_urls (id INTEGER PRIMARY KEY AUTOINCREMENT, rating_key INTEGER, "
                             "poster_title TEXT, poster_url TEXT, delete_hash TEXT)")
        conn.exec_driver_sql("INSERT INTO poster_urls (rating_key, poster_title, poster_url, delete_hash) VALUES "
                             "(123, 'A', 'https://i.imgur.com/a.png', 'd1'), "
                             "(456, 'B', 'https://i.imgur.com/b.png', 'd2')")
        notes: list[str] = []
        assert repairs.migrate_poster_urls(conn, "uuid", notes) > 0
        assert notes == []
        hashes = conn.exec_driver_sql("SELECT img_hash, img, rating_key, width, height, fallback "
                                      "FROM image_hash_lookup ORDER BY id").all()
        imgur = conn.exec_driver_sql("SELECT img_hash, imgur_title, delete_hash FROM imgur_lookup ORDER BY id").all()
        assert not sa.inspect(conn).has_table("poster_urls")
    engine.dispose()
    import hashlib as h

    expected = h.sha256(b"uuid./library/metadata/123/thumb.123.1000.1500.100.000000.0").hexdigest()
    assert hashes[0] == (expected, "/library/metadata/123/thumb", 123, 1000, 1500, "poster")
    assert imgur[0] == (expected, "A", "d1") and len(imgur) == 2
