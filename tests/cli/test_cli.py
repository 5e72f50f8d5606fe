"""``tautulli-db`` through click's CliRunner: output, exit codes 0/1/2, redacted messages."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from plexpy import cli as cli_module
from plexpy.cli import cli
from plexpy.db.errors import TautulliDBError

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
CALLS = SAMPLE / "calls.jsonl"
DB = SAMPLE / "tautulli.db"


@pytest.fixture
def users_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verify sees only the users domain as implemented (other domains are being built meanwhile)."""
    monkeypatch.setattr("plexpy.bootstrap.implemented_domains", lambda: ["users"])


def _domain_rows(html: str) -> list[str]:
    rows: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            data = dict(attrs)
            if tag == "tr" and data.get("class") == "domain":
                rows.append(str(data["data-domain"]))

    Parser().feed(html)
    return rows


def test_verify_shows_users_with_141_calls_parity_and_oracle_matches(users_only, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["verify", "--report-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "│ users" in line)
    assert [cell.strip() for cell in row.split("│")[2:5]] == ["141", "141", "141"]
    assert "not implemented" in result.output and result.output.rstrip().endswith("verify: OK")
    html_line = next(line for line in result.output.splitlines() if line.startswith("report: "))
    html = Path(html_line.removeprefix("report: ").strip())
    assert html.name == "report.html" and html.parent.parent == tmp_path
    assert _domain_rows(html.read_text(encoding="utf-8")) == ["users"]
    summary = json.loads((html.parent / "summary.json").read_text(encoding="utf-8"))
    users = summary["domains"][0]
    assert (users["calls"], users["matches"], users["checks"]["oracle"]["passed"]) == (141, 141, 141)


def test_verify_off_thread_compares_every_call(users_only, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["verify", "--off-thread", "--report-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    summary = json.loads(next(tmp_path.glob("*/summary.json")).read_text(encoding="utf-8"))
    assert summary["totals"]["matches"] == 141 and summary["totals"]["shed"] == 0


def test_verify_exits_1_on_an_oracle_failure(users_only, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = [json.loads(line) for line in CALLS.read_text(encoding="utf-8").splitlines() if line.strip()]
    users = [r for r in records if r["domain"] == "users"][:5]
    users[0]["result"] = {"broken": "on purpose"}
    altered = tmp_path / "calls.jsonl"
    altered.write_text("".join(json.dumps(r) + "\n" for r in users), encoding="utf-8")
    monkeypatch.setattr(cli_module, "sample_path", lambda name: altered if name == "calls.jsonl" else DB)
    result = CliRunner().invoke(cli, ["verify", "--report-dir", str(tmp_path / "reports")])
    assert result.exit_code == 1, result.output
    assert "verify: FAILED" in result.output


def test_verify_with_a_missing_database_fails_clearly(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["verify", "--db", str(tmp_path / "mine.db")])
    assert result.exit_code == 1
    assert "no database file at" in result.output


def test_replay_in_shadow_mode_keeps_its_last_line_and_prints_the_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["replay", "calls", str(CALLS), "--db", str(DB), "--domain", "users",
                                      "--mode", "shadow", "--report-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.rstrip().splitlines()
    assert lines[-1] == "141 passed, 0 failed"
    assert any(line.startswith("parity (shadow): 141 compared, 141 matches, 0 mismatches") for line in lines)
    assert any(line.startswith("parity report: ") and line.endswith("report.html") for line in lines)


def test_replay_with_a_backend_is_unchanged(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["replay", "calls", str(CALLS), "--db", str(DB), "--domain", "users",
                                      "--backend", "sqlalchemy", "--report-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().splitlines()[-1] == "141 passed, 0 failed"
    assert "parity report" not in result.output and not list(tmp_path.iterdir())


def test_an_unknown_mode_is_a_usage_error_listing_the_valid_ones() -> None:
    result = CliRunner().invoke(cli, ["replay", "calls", str(CALLS), "--db", str(DB), "--mode", "sideways"])
    assert result.exit_code == 2
    assert "legacy" in result.output and "reverse-shadow" in result.output


def test_failure_messages_are_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise TautulliDBError("connect: postgresql://tautulli:hunter2@db.local/t from 10.0.0.5 (ops@example.com)")

    monkeypatch.setattr("plexpy.commands.replay.replay_calls", fail)
    result = CliRunner().invoke(cli, ["replay", "calls", str(CALLS), "--db", str(DB), "--mode", "shadow"])
    assert result.exit_code == 1
    assert "postgresql://tautulli:***@db.local/t" in result.output
    assert "hunter2" not in result.output and "10.0.0.5" not in result.output and "ops@" not in result.output


def test_bench_shim_prints_the_overhead_ratios() -> None:
    result = CliRunner().invoke(cli, ["bench", "shim", "--rounds", "1"])
    assert result.exit_code == 0, result.output
    for name in ("legacy", "shadow inline", "shadow off-thread"):
        assert any(line.startswith(f"│ {name} ") for line in result.output.splitlines()), result.output


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for args in (["verify"], ["replay", "calls"], ["bench", "shim"]):
        result = runner.invoke(cli, [*args, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, args
