"""The operator's workflow through the CLI: one domain through all four modes with the gate refusing and then
allowing, a forced override recorded, a rollback, and an environment override that masks a flip.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from plexpy.cli import cli
from plexpy.commands.flags import os_user

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
CALLS = SAMPLE / "calls.jsonl"
DB = SAMPLE / "tautulli.db"

#: Tautulli's own file as Tautulli (ConfigObj) writes it; the flip must keep every line of it.
CONFIG = """\
# Tautulli configuration
[General]
http_port = 8181
home_stats_cards = top_movies, popular_movies, top_users
[PMS]
pms_name = Living room
[Shim]
report_dir = {reports}
[Gate]
latency_floor_ms = 1000
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("TAUTULLI_"):
            monkeypatch.delenv(name)
    (tmp_path / "config.ini").write_text(CONFIG.format(reports=tmp_path / "reports"), encoding="utf-8")
    return tmp_path


def _cli(workspace: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--config", str(workspace / "config.ini"), *args], env=env)


def _replay(workspace: Path, mode: str) -> None:
    result = _cli(workspace, "replay", "calls", str(CALLS), "--db", str(DB), "--domain", "users", "--mode", mode,
                  "--report-dir", str(workspace / "reports"))
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("141 passed, 0 failed")


def _history(workspace: Path) -> list[dict[str, Any]]:
    path = workspace / "flip_history.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _flags(workspace: Path) -> dict[str, dict[str, Any]]:
    result = _cli(workspace, "flags", "--json")
    assert result.exit_code == 0, result.output
    return {d["domain"]: d for d in json.loads(result.output)["domains"]}


def _backend_section(workspace: Path) -> str:
    text = (workspace / "config.ini").read_text(encoding="utf-8")
    return text[text.index("[DB_BACKEND]"):]


def test_one_domain_through_all_four_modes_with_the_gate_an_override_and_a_rollback(workspace: Path) -> None:
    original = (workspace / "config.ini").read_text(encoding="utf-8")
    users = _flags(workspace)["users"]
    assert (users["mode"], users["source"], users["gate"]["passed"]) == ("legacy", "default", False)

    refused = _cli(workspace, "flip", "users")
    assert refused.exit_code == 1
    assert "users: legacy → shadow refused: the gate is not met" in refused.output
    assert "✗ calls: 0 compared in shadow or reverse-shadow, at least 100 needed" in refused.output
    assert "nothing was changed" in refused.output
    assert (workspace / "config.ini").read_text(encoding="utf-8") == original and _history(workspace) == []

    for before, after in (("legacy", "shadow"), ("shadow", "reverse-shadow"), ("reverse-shadow", "sqlalchemy")):
        if before != "legacy":
            again = _cli(workspace, "flip", "users")
            assert again.exit_code == 1, "evidence from before the last flip does not count"
            assert f"✗ calls: 0 compared in {before} since the domain's last flip" in again.output
        _replay(workspace, before if before != "legacy" else "shadow")
        allowed = _cli(workspace, "flip", "users")
        assert allowed.exit_code == 0, allowed.output
        assert f"users: {before} → {after} (gate met)" in allowed.output
        assert "✓ calls: 141 compared" in allowed.output and "✓ operations: 12 of 16 covered" in allowed.output
        assert f"users = {after}" in _backend_section(workspace)

    text = (workspace / "config.ini").read_text(encoding="utf-8")
    assert text.startswith(original), "every line Tautulli wrote is kept; [DB_BACKEND] is added after them"
    assert _flags(workspace)["users"]["source"] == "config.ini [DB_BACKEND] users"
    last = _cli(workspace, "flip", "users")
    assert last.exit_code == 1 and "already in sqlalchemy, the last mode" in last.output

    no_reason = _cli(workspace, "flip", "history", "--force")
    assert no_reason.exit_code == 2 and "--force needs --reason" in no_reason.output
    forced = _cli(workspace, "flip", "history", "--force", "--reason", "reviewed the history twins by hand")
    assert forced.exit_code == 0, forced.output
    assert "history: legacy → shadow (FORCED)" in forced.output
    assert f"override recorded: by {os_user()}, reason: reviewed the history twins by hand" in forced.output

    back = _cli(workspace, "flip", "users", "--to", "legacy", "--reason", "rollback drill")
    assert back.exit_code == 0 and "users: sqlalchemy → legacy (moved back)" in back.output
    assert "users = legacy" in _backend_section(workspace)

    history = _history(workspace)
    assert [(h["domain"], h["from"], h["to"], h["kind"]) for h in history] == [
        ("users", "legacy", "shadow", "flip"), ("users", "shadow", "reverse-shadow", "flip"),
        ("users", "reverse-shadow", "sqlalchemy", "flip"), ("history", "legacy", "shadow", "forced"),
        ("users", "sqlalchemy", "legacy", "rollback")]
    forced_entry = history[3]
    assert forced_entry["user"] == os_user() and forced_entry["reason"] == "reviewed the history twins by hand"
    assert forced_entry["gate"]["passed"] is False and forced_entry["gate"]["missing"][0].startswith("calls: 0")
    assert history[0]["gate"]["evidence"]["compared"] == 141 and history[0]["epoch"] < history[1]["epoch"]
    assert _flags(workspace)["users"]["last_change"]["kind"] == "rollback"


def test_a_forward_jump_is_refused_and_an_environment_override_is_reported(workspace: Path) -> None:
    jump = _cli(workspace, "flip", "auth", "--to", "sqlalchemy")
    assert jump.exit_code == 1 and "one step at a time: legacy → shadow first" in jump.output
    masked = _cli(workspace, "flip", "graphs", "--to", "legacy", env={"TAUTULLI_DB_BACKEND_GRAPHS": "shadow"})
    assert masked.exit_code == 0, masked.output
    assert "graphs: shadow → legacy (moved back)" in masked.output
    assert "warning: environment TAUTULLI_DB_BACKEND_GRAPHS masks the new value" in masked.output
    assert _history(workspace)[-1]["masked_by"] == "TAUTULLI_DB_BACKEND_GRAPHS"
    shown = _cli(workspace, "flags", env={"TAUTULLI_DB_BACKEND_GRAPHS": "shadow"})
    assert "graphs: set by the environment TAUTULLI_DB_BACKEND_GRAPHS" in shown.output
    same = _cli(workspace, "flip", "graphs", "--to", "legacy")
    assert same.exit_code == 0 and "graphs: already legacy; nothing to do" in same.output


def test_flags_shows_the_evidence_table_and_the_gate_column(workspace: Path) -> None:
    _replay(workspace, "shadow")
    result = _cli(workspace, "flags")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("│ users "))
    cells = [cell.strip() for cell in row.strip("│").split("│")]
    assert cells[:7] == ["users", "legacy", "default", "1", "141", "12/16", "0"]
    assert cells[-1] == "ready → shadow"
    history_row = next(line for line in result.output.splitlines() if line.startswith("│ history "))
    assert "needs calls, operations" in history_row
    assert f"config: {workspace / 'config.ini'}" in result.output
