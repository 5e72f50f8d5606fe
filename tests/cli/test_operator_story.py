"""The operator's story of issue 12, end to end through the CLI, as the README and the migration guide tell it.

Verify the sample; verify your own database (a copy: generated here); flip one domain legacy → shadow →
reverse-shadow → sqlalchemy with the gate refusing, then allowing on evidence from the runs (the own-database
verify counts as shadow evidence); force another domain with a reason and find it in the flip history; roll
back; back the database up and restore it after a mishap. Only ``users`` is implemented here, to stay fast
(the full verify of every domain is in test_verify_own_db.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from plexpy.cli import cli
from plexpy.generate import generate

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"

CONFIG = """\
[General]
data_dir = {data}
[Shim]
report_dir = {reports}
[Gate]
latency_floor_ms = 1000
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("TAUTULLI_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr("plexpy.bootstrap.implemented_domains", lambda: ["users"])
    (tmp_path / "data").mkdir()
    (tmp_path / "config.ini").write_text(CONFIG.format(data=tmp_path / "data", reports=tmp_path / "reports"),
                                         encoding="utf-8")
    generate(tmp_path / "data" / "tautulli.db", sessions=400, seed=12)
    return tmp_path


def _cli(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(home / "config.ini"), *args])


def _ok(home: Path, *args: str) -> Result:
    result = _cli(home, *args)
    assert result.exit_code == 0, f"tautulli-db {' '.join(args)}\n{result.output}"
    return result


def _users(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM users").fetchone()[0])


def _history(home: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (home / "flip_history.jsonl").read_text(encoding="utf-8").splitlines()]


def test_the_operators_story(home: Path) -> None:
    own = home / "data" / "tautulli.db"
    own_bytes = own.read_bytes()

    sample = _ok(home, "verify")
    assert "verify: OK" in sample.output and "calls 141, parity matches 141, oracle matches 141" in sample.output

    mine = _ok(home, "verify", "--db", str(own))
    assert "original unchanged: yes" in mine.output and "mismatches 0, errors 0" in mine.output
    assert mine.output.rstrip().endswith("verify: OK") and own.read_bytes() == own_bytes

    shadow = _ok(home, "flip", "users")
    assert "users: legacy → shadow (gate met)" in shadow.output

    refused = _cli(home, "flip", "users")
    assert refused.exit_code == 1 and "✗ calls: 0 compared in shadow since the domain's last flip" in refused.output
    _ok(home, "verify", "--db", str(own))  # watching the domain in shadow on your own data is evidence
    assert "users: shadow → reverse-shadow (gate met)" in _ok(home, "flip", "users").output

    assert _cli(home, "flip", "users").exit_code == 1
    replay = _ok(home, "replay", "calls", str(SAMPLE / "calls.jsonl"), "--db", str(SAMPLE / "tautulli.db"),
                 "--mode", "reverse-shadow", "--domain", "users", "--report-dir", str(home / "reports"))
    assert replay.output.rstrip().endswith("141 passed, 0 failed")
    assert "users: reverse-shadow → sqlalchemy (gate met)" in _ok(home, "flip", "users").output

    forced = _ok(home, "flip", "maintenance", "--force", "--reason", "one call, reviewed by hand")
    assert "maintenance: legacy → shadow (FORCED)" in forced.output
    assert "users: sqlalchemy → legacy (moved back)" in _ok(home, "flip", "users", "--to", "legacy").output
    flags = {d["domain"]: d for d in json.loads(_ok(home, "flags", "--json").output)["domains"]}
    assert (flags["users"]["mode"], flags["maintenance"]["mode"]) == ("legacy", "shadow")
    history = _history(home)
    assert [(h["domain"], h["to"], h["kind"]) for h in history] == [
        ("users", "shadow", "flip"), ("users", "reverse-shadow", "flip"), ("users", "sqlalchemy", "flip"),
        ("maintenance", "shadow", "forced"), ("users", "legacy", "rollback")]
    assert history[3]["reason"] == "one call, reviewed by hand" and history[3]["gate"]["passed"] is False

    backup = _ok(home, "backup")  # the configured database: <data_dir>/tautulli.db
    zipped = Path(backup.output.split("backup: ", 1)[1].splitlines()[0])
    assert zipped.parent == home / "data" / "backups" and zipped.exists()
    users = _users(own)
    with contextlib.closing(sqlite3.connect(own)) as conn:  # the mishap
        conn.execute("DELETE FROM users")
        conn.commit()
    assert _users(own) == 0
    restored = _ok(home, "restore", "--from", str(zipped))
    assert "matches the manifest" in restored.output and "kept aside:" in restored.output
    assert _users(own) == users
    [aside] = [p for p in own.parent.iterdir() if p.name.startswith("tautulli.db.replaced-")]
    assert _users(aside) == 0
