"""``tautulli-db backup`` / ``restore`` and the backup on first run, on real SQLite files.

Another process holding the database is a real second process (a Python child with an open connection).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from plexpy import bootstrap, config
from plexpy.cli import cli
from plexpy.commands.backup import RestoreRefused, backup, restore
from plexpy.db import backup_on_first_run, checked_backup

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM users").fetchone()
print("ready", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("TAUTULLI_"):
            monkeypatch.delenv(name)
    path = tmp_path / "data" / "tautulli.db"
    path.parent.mkdir()
    shutil.copy2(SAMPLE / "tautulli.db", path)
    return path


def _users(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:  # closed now: a live connection holds the file
        return int(conn.execute("SELECT count(*) FROM users").fetchone()[0])


def _schema(path: Path) -> set[tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return set(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))


def _inside(zip_path: Path) -> bytes:
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.namelist() == ["tautulli.db"]
        return archive.read("tautulli.db")


@pytest.fixture
def holder(own: Path) -> Iterator[subprocess.Popen[str]]:
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(own)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    yield child
    child.communicate("bye\n", timeout=30)


def test_backup_is_wal_safe_zipped_under_tautullis_name_with_a_checksum_manifest(own: Path) -> None:
    writer = sqlite3.connect(own)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO users (user_id, username) VALUES (424242, 'committed.not.checkpointed')")
    writer.commit()
    try:
        result = backup(own, now=1768478400, tz="UTC")
    finally:
        writer.close()
    assert result.path == own.parent / "backups" / "tautulli.backup-20260115120000.db.zip"
    data = _inside(result.path)
    record = json.loads(checked_backup.manifest_of(result.path).read_text(encoding="utf-8"))
    assert record["sha256"] == hashlib.sha256(data).hexdigest() and record["size"] == len(data)
    assert record["integrity"] == "ok" and record["reason"] == "manual"
    unpacked = own.parent / "unpacked.db"
    unpacked.write_bytes(data)
    with sqlite3.connect(unpacked) as conn:
        assert conn.execute("SELECT username FROM users WHERE user_id = 424242").fetchone() == (
            "committed.not.checkpointed",)


def test_restore_round_trip_keeps_the_replaced_database_with_its_wal_commits_aside(own: Path) -> None:
    taken = backup(own, now=1768478400)
    before = _users(own)
    conn = sqlite3.connect(own)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("DELETE FROM users")
    conn.execute("INSERT INTO users (user_id, username) VALUES (1, 'after.the.backup')")
    conn.commit()
    # leave the files as a stopped Tautulli that never checkpointed would: the commit only in the -wal
    crashed = own.parent / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal"):
        shutil.copy2(f"{own}{suffix}", crashed / f"tautulli.db{suffix}")
    conn.close()
    for suffix in ("", "-wal"):
        shutil.copy2(crashed / f"tautulli.db{suffix}", f"{own}{suffix}")
    wal = Path(f"{own}-wal").read_bytes()
    assert wal

    result = restore(taken.path, own)
    assert result.checksum_verified and _users(own) == before
    names = sorted(p.name for p in own.parent.iterdir() if ".replaced-" in p.name)
    assert names[0].startswith("tautulli.db.replaced-") and all(n.startswith(names[0]) for n in names)
    assert set(result.replaced) == {own.parent / n for n in names}
    with contextlib.closing(sqlite3.connect(own.parent / names[0])) as replaced:  # the commit of the -wal is kept
        assert replaced.execute("SELECT username FROM users").fetchall() == [("after.the.backup",)]
    assert not Path(f"{own}-wal").exists() and not Path(f"{own}-shm").exists()


def test_restore_refuses_a_backup_whose_checksum_differs_and_changes_nothing(own: Path) -> None:
    taken = backup(own, now=1768478400)
    manifest = checked_backup.manifest_of(taken.path)
    record = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**record, "sha256": "0" * 64}), encoding="utf-8")
    before = own.read_bytes()
    with pytest.raises(RestoreRefused, match="checksum differs"):
        restore(taken.path, own)
    assert own.read_bytes() == before and not [p for p in own.parent.iterdir() if ".replaced-" in p.name]


def test_restore_refuses_what_is_not_a_tautulli_database(own: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    broken = tmp_path / "broken.db.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    for bad, message in ((text, "neither a SQLite database"), (other, "not a Tautulli database"),
                         (broken, "damaged zip|neither")):
        with pytest.raises(RestoreRefused, match=message):
            restore(bad, own)
    with pytest.raises(FileNotFoundError):
        restore(tmp_path / "missing.db.zip", own)


def test_restore_accepts_tautullis_own_zip_without_a_manifest(own: Path, tmp_path: Path) -> None:
    tautulli_zip = tmp_path / "tautulli.backup-20260101000000.sched.db.zip"
    with zipfile.ZipFile(tautulli_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(SAMPLE / "tautulli.db", arcname="tautulli.db")
    with contextlib.closing(sqlite3.connect(own)) as conn:
        conn.execute("DELETE FROM users")
        conn.commit()
    result = CliRunner().invoke(cli, ["restore", "--from", str(tautulli_zip), "--db", str(own)])
    assert result.exit_code == 0, result.output
    assert "no manifest: checksum not recorded" in result.output and "kept aside:" in result.output
    assert _users(own) == _users(SAMPLE / "tautulli.db")


def test_restore_refuses_while_another_process_holds_the_database(own: Path, holder: subprocess.Popen[str]) -> None:
    taken = backup(own, now=1768478400)
    before = own.read_bytes()
    result = CliRunner().invoke(cli, ["restore", "--from", str(taken.path), "--db", str(own),
                                      "--lock-timeout", "0.2"])
    assert result.exit_code == 1
    assert "another process holds tautulli.db" in result.output
    assert own.read_bytes() == before and not [p for p in own.parent.iterdir() if ".replaced-" in p.name]


def test_retention_keeps_the_newest_and_never_the_first_run_backup(own: Path) -> None:
    first = backup_on_first_run.ensure_backup(own, keep=2, now=1768478400)
    assert first is not None
    taken = [backup(own, keep=2, now=1768478400 + 60 * n).path.name for n in range(1, 5)]
    left = sorted(p.name for p in (own.parent / "backups").glob("*.db.zip"))
    assert left == sorted([first.backup, *taken[-2:]])


def _installed(own: Path, tmp_path: Path, **keys: str) -> config.Settings:
    ini = tmp_path / "config.ini"
    ini.write_text("[Backup]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items()), encoding="utf-8")
    return config.load(ini, environ={}, overrides={"db_url": f"sqlite:///{own}", "timezone": "UTC"})


def test_the_first_open_backs_the_database_up_once(own: Path, tmp_path: Path) -> None:
    settings = _installed(own, tmp_path)
    for _ in range(2):
        bootstrap.build(settings).close()
    folder = own.parent / "backups"
    zips = list(folder.glob("*.db.zip"))
    assert len(zips) == 1
    marker = json.loads((folder / backup_on_first_run.MARKER).read_text(encoding="utf-8"))
    [entry] = marker["databases"]
    assert entry["path"] == str(own.resolve()) and entry["inode"] == own.stat().st_ino
    assert entry["backup"] == zips[0].name
    assert entry["sha256"] == hashlib.sha256(_inside(zips[0])).hexdigest()

    restored = restore(zips[0], own)  # a new file under the same name (another inode): its own first backup
    assert restored.checksum_verified
    bootstrap.build(settings).close()
    assert len(list(folder.glob("*.db.zip"))) == 2


def test_no_first_run_backup_when_disabled_or_for_scratch_settings(own: Path, tmp_path: Path) -> None:
    bootstrap.build(_installed(own, tmp_path, first_run="0")).close()
    scratch = config.load(None, environ={}, overrides={"db_url": f"sqlite:///{own}", "timezone": "UTC"})
    bootstrap.build(scratch).close()
    assert not (own.parent / "backups").exists()
    with pytest.raises(config.ConfigError, match="backup_keep"):
        _installed(own, tmp_path, keep="0")


def test_backup_cli_uses_the_configured_database(own: Path, tmp_path: Path) -> None:
    ini = tmp_path / "config.ini"
    ini.write_text(f"[General]\ndata_dir = {own.parent}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(ini), "backup", "--to", str(tmp_path / "safe")])
    assert result.exit_code == 0, result.output
    [made] = (tmp_path / "safe").glob("tautulli.backup-*.db.zip")
    assert f"backup: {made}" in result.output and "integrity ok" in result.output
    missing = CliRunner().invoke(cli, ["backup", "--db", str(tmp_path / "nope.db")])
    assert missing.exit_code == 1 and "no database file at" in missing.output


def test_migrate_takes_the_first_run_backup_before_it_changes_anything(own: Path) -> None:
    result = CliRunner().invoke(cli, ["migrate", "--db", str(own), "--yes"])
    assert result.exit_code == 0, result.output
    entry = backup_on_first_run.backed_up(own)
    assert entry is not None and entry["sha256"] == hashlib.sha256(
        _inside(own.parent / "backups" / entry["backup"])).hexdigest()
    unpacked = own.parent / "first.db"
    unpacked.write_bytes(_inside(own.parent / "backups" / entry["backup"]))
    assert _users(unpacked) == _users(SAMPLE / "tautulli.db")
    assert _schema(unpacked) == _schema(SAMPLE / "tautulli.db"), "the backup holds the database as before migrate"
