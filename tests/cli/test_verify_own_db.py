"""``tautulli-db verify --db``: a user's own database, through a snapshot, every domain in shadow, 0 mismatches.

The original file must come out byte-identical with its mtime unchanged, and a database in WAL mode with
commits still in its ``-wal`` file (another connection holds it open) must be snapshotted with them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from plexpy import bootstrap, config
from plexpy.cli import cli
from plexpy.commands.replay import load_records
from plexpy.commands.verify_db import verify_own_db
from plexpy.commands.workload import build_workload, discover
from plexpy.db import sqlite_files
from plexpy.generate import generate

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
CALLS = SAMPLE / "calls.jsonl"


def _digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("own") / "tautulli.db"
    generate(path, sessions=3000, seed=20260115)
    return path


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("TAUTULLI_"):
            monkeypatch.delenv(name)
    yield


def _settings() -> config.Settings:
    return config.load(None, environ={}, overrides={"timezone": "UTC"})


def test_a_generated_database_exercises_every_domain_with_no_mismatch_and_stays_untouched(
        generated: Path, tmp_path: Path) -> None:
    before = _digest(generated)
    result = verify_own_db(_settings(), generated, templates=CALLS, per_operation=1, seed=3,
                           report_dir=tmp_path / "reports")
    assert [d.domain for d in result.domains] == bootstrap.implemented_domains()
    assert len(result.domains) == 14
    for d in result.domains:
        assert d.calls > 0 and d.compared == d.calls, d
        assert (d.mismatches, d.errors, d.timeouts) == (0, 0, 0), d
    assert result.ok and result.original_unchanged
    assert _digest(generated) == before
    assert result.discovery.counts["session_history"] == 3000
    summary = json.loads((result.report_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["compared"] == sum(d.calls for d in result.domains)
    assert result.report_html is not None and result.report_html.exists()


def test_the_sample_as_an_own_database_through_the_cli(tmp_path: Path, clean_env: None) -> None:
    own = tmp_path / "mine" / "tautulli.db"
    own.parent.mkdir()
    shutil.copy2(SAMPLE / "tautulli.db", own)
    before = _digest(own)
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.ini"), "verify", "--db", str(own),
                                      "--per-operation", "1", "--report-dir", str(tmp_path / "reports")])
    assert result.exit_code == 0, result.output
    assert "original unchanged: yes" in result.output and "61 users" in result.output
    for domain in bootstrap.implemented_domains():
        assert f"│ {domain}" in result.output
    totals = next(line for line in result.output.splitlines() if line.startswith("domains: 14"))
    assert "mismatches 0, errors 0" in totals
    report = Path(result.output.split("report: ", 1)[1].splitlines()[0])
    assert report.exists() and report.is_relative_to(tmp_path / "reports")
    assert result.output.rstrip().endswith("verify: OK")
    assert _digest(own) == before
    assert [p.name for p in own.parent.iterdir()] == ["tautulli.db"], "no backup, no -wal/-shm left beside it"


def test_a_wal_database_with_uncheckpointed_commits_is_snapshotted_with_them(tmp_path: Path) -> None:
    own = tmp_path / "tautulli.db"
    shutil.copy2(SAMPLE / "tautulli.db", own)
    writer = sqlite3.connect(own)
    try:
        assert writer.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        users = writer.execute("SELECT count(*) FROM users").fetchone()[0]
        writer.execute("INSERT INTO users (user_id, username) VALUES (99887766, 'only.in.the.wal')")
        writer.commit()
        assert Path(f"{own}-wal").stat().st_size > 0, "the commit is still in the -wal file"
        before = _digest(own)

        snap = sqlite_files.snapshot(own, tmp_path / "work" / "snap.db")
        with sqlite3.connect(snap) as copy:
            assert copy.execute("SELECT username FROM users WHERE user_id = 99887766").fetchone() == (
                "only.in.the.wal",)
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert not Path(f"{snap}-wal").exists()
        assert discover(snap).counts["users"] == users + 1

        result = verify_own_db(_settings(), own, templates=CALLS, domains=["users"], per_operation=2,
                               report_dir=tmp_path / "reports")
        assert result.ok and result.discovery.counts["users"] == users + 1
        assert _digest(own) == before
    finally:
        writer.close()


def test_the_workload_covers_every_recorded_operation_with_discovered_arguments(generated: Path) -> None:
    found = discover(generated, seed=1)
    templates = load_records(CALLS)
    records = build_workload(found, templates, per_operation=3, seed=5)
    assert {r["target"] for r in records} == {t["target"] for t in templates}
    assert all(len([r for r in records if r["target"] == t]) >= 3 for t in {t["target"] for t in templates})
    users = {str(u) for u in found.values["user_id"]}
    with_user = [r for r in records if "user_id" in r["kwargs"] and r["kwargs"]["user_id"] is not None]
    assert with_user and all(str(r["kwargs"]["user_id"]) in users for r in with_user)
    sections = {str(s) for s in found.values["section_id"]}
    assert all(str(r["kwargs"]["section_id"]) in sections
               for r in records if r["kwargs"].get("section_id") is not None)
    assert {r["now"] for r in records} == {found.last_started + 3600}
    searched = [json.loads(r["kwargs"]["kwargs"]["json_data"]) for r in records
                if isinstance(r["kwargs"].get("kwargs"), dict) and "json_data" in r["kwargs"]["kwargs"]]
    assert {q["start"] for q in searched} >= {0, 25} and any(q["search"]["value"] for q in searched)
    assert build_workload(found, templates, per_operation=3, seed=5) == records, "the same seed, the same calls"


def test_writes_run_on_a_copy_of_the_snapshot_only_and_match(generated: Path, tmp_path: Path) -> None:
    before = _digest(generated)
    result = verify_own_db(_settings(), generated, templates=CALLS, domains=["users"], per_operation=1,
                           report_dir=tmp_path / "reports", writes=SAMPLE / "writes.jsonl")
    assert {d.domain for d in result.writes} >= {"users", "history", "libraries", "notifications", "activity"}
    for d in result.writes:
        assert d.calls > 0 and d.matches == d.compared == d.calls and (d.mismatches, d.errors) == (0, 0), d
    assert result.ok and result.writes_report_dir is not None and result.writes_report_dir != result.report_dir
    assert _digest(generated) == before
