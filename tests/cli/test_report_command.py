"""``tautulli-db report``: merge every run (or the named ones) into a new report; exit 1 with none."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from plexpy.cli import cli
from shim.observation import Outcome, ParityEvent
from shim.report import ReportRun
from shim.testing import FrozenClock


@pytest.fixture(autouse=True)
def _no_operator_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("TAUTULLI_"):
            monkeypatch.delenv(name)


def _run(root: Path, at: float, outcome: Outcome) -> Path:
    run = ReportRun(root, clock=FrozenClock(at), title="Parity report: fixture")
    for seq in range(1, 4):
        run.publish(ParityEvent(outcome=outcome if seq == 3 else Outcome.MATCH, seq=seq, domain="users",
                                operation="get_details", mode="shadow", answering="legacy", compared="sqlalchemy",
                                answering_ns=1_000_000, compared_ns=2_000_000,
                                difference="[0].x: 1 != 2" if outcome is Outcome.MISMATCH else None))
    folder = run.finish()
    assert folder is not None
    return folder


def test_report_merges_every_run_and_prints_the_verdicts(tmp_path: Path) -> None:
    first = _run(tmp_path / "reports", 1_768_478_400, Outcome.MATCH)
    _run(tmp_path / "reports", 1_768_478_460, Outcome.MISMATCH)
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.ini"), "report", "--report-dir",
                                      str(tmp_path / "reports")])
    assert result.exit_code == 0, result.output
    assert "report: 2 run(s) merged" in result.output and "verdict: fail" in result.output
    row = next(line for line in result.output.splitlines() if line.startswith("│ users"))
    assert [c.strip() for c in row.strip("│").split("│")][:5] == ["users", "6", "6", "5", "1"]
    html = Path(result.output.rstrip().splitlines()[-1].removeprefix("report: "))
    assert html.name == "report.html" and html.parent.name.startswith("merged-") and html.exists()
    named = CliRunner().invoke(cli, ["report", str(first), "--out", str(tmp_path / "one")])
    assert named.exit_code == 0, named.output
    summary = json.loads((tmp_path / "one" / "summary.json").read_text(encoding="utf-8"))
    assert [s["run"] for s in summary["sources"]] == [first.name] and summary["totals"]["verdict"] == "pass"


def test_report_without_runs_or_with_a_wrong_name_exits_1(tmp_path: Path) -> None:
    empty = CliRunner().invoke(cli, ["report", "--report-dir", str(tmp_path / "none")])
    assert empty.exit_code == 1 and "no parity report runs under" in empty.output
    wrong = CliRunner().invoke(cli, ["report", "nope", "--report-dir", str(tmp_path)])
    assert wrong.exit_code == 1 and "nope: not a report run" in wrong.output


def test_the_new_commands_have_help_with_an_example() -> None:
    for args in (["flags"], ["flip"], ["report"]):
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, args
