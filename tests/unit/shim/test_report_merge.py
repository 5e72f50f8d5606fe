"""Report runs: discovery (start time, merged reports skipped), reading, and merging several into one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shim.observation import Outcome, ParityEvent
from shim.report import ReportRun, discover, merge_runs, read_events, resolve
from shim.testing import FrozenClock


def _event(outcome: Outcome, seq: int, *, domain: str = "users", operation: str = "get_details",
           **fields: Any) -> ParityEvent:
    base: dict[str, Any] = {"mode": "shadow", "answering": "legacy", "compared": "sqlalchemy",
                            "answering_ns": 1_000_000 * seq, "compared_ns": 3_000_000 * seq}
    return ParityEvent(outcome=outcome, seq=seq, domain=domain, operation=operation, **{**base, **fields})


def _run(root: Path, at: float, *, matches: int, mismatch: bool = False, sampled_out: int = 0) -> Path:
    run = ReportRun(root, clock=FrozenClock(at), title=f"run at {at}")
    run.declare(["users", "history"], not_implemented=["graphs"])
    for seq in range(1, matches + 1):
        run.publish(_event(Outcome.MATCH, seq))
    if mismatch:
        run.publish(_event(Outcome.MISMATCH, 99, domain="history", operation="get_history",
                           difference="data[3].friendly_name: 'Kim' != 'Kym'"))
    for seq in range(sampled_out):
        run.publish(_event(Outcome.SKIPPED, 200 + seq, reason="sampled_out", answering_ns=None, compared_ns=None))
    run.record_check("users", "get_details", "oracle", True, ref="users-1")
    run.record_demotion({"domain": "history", "from": "reverse-shadow", "to": "shadow", "failures": 3,
                         "window": 100, "at": "2026-01-15T12:00:00Z", "reason": "3 of the last 100 failed"})
    folder = run.finish({"publish": 1})
    assert folder is not None
    return folder


def test_runs_are_found_oldest_first_with_their_start_time(tmp_path: Path) -> None:
    late = _run(tmp_path, 1_768_478_500.25, matches=1)
    early = _run(tmp_path, 1_768_478_400.5, matches=1)
    (tmp_path / "not-a-run").mkdir()
    runs = discover(tmp_path)
    assert [r.path for r in runs] == [early, late]
    assert runs[0].started == 1_768_478_400.5 and runs[0].title == "run at 1768478400.5" and runs[0].finished
    assert json.loads((early / "run.json").read_text(encoding="utf-8"))["started"] == 1_768_478_400.5
    assert discover(tmp_path / "missing") == []


def test_a_crashed_run_is_dated_by_its_folder_name_and_its_torn_line_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "20260115T120000Z-2"
    folder.mkdir()
    (folder / "events.jsonl").write_text('{"event": "parity.match", "domain": "users"}\n{"event": "parity.ma',
                                         encoding="utf-8")
    (run,) = discover(tmp_path)
    assert run.started == 1_768_478_400.0 and not run.finished
    assert [e["event"] for e in read_events(run)] == ["parity.match"]


def test_resolve_takes_paths_or_names_and_says_what_is_missing(tmp_path: Path) -> None:
    folder = _run(tmp_path, 1_768_478_400, matches=1)
    assert [r.path for r in resolve(tmp_path, [folder.name, str(folder)])] == [folder, folder]
    with pytest.raises(FileNotFoundError, match="nope: not a report run"):
        resolve(tmp_path, ["nope"])


def test_merging_recounts_every_event_and_carries_what_only_summaries_knew(tmp_path: Path) -> None:
    first = _run(tmp_path, 1_768_478_400, matches=3, sampled_out=2)
    second = _run(tmp_path, 1_768_478_460, matches=2, mismatch=True)
    merged = merge_runs(discover(tmp_path), tmp_path, clock=FrozenClock(1_768_478_520))
    assert merged.name == "merged-20260115T120200Z"
    summary = json.loads((merged / "summary.json").read_text(encoding="utf-8"))
    assert summary["kind"] == "merged" and [s["run"] for s in summary["sources"]] == [first.name, second.name]
    users, history = summary["domains"]
    assert (users["calls"], users["matches"], users["skipped"]) == (7, 5, 2)
    assert users["checks"]["oracle"] == {"passed": 2, "failed": 0}
    assert users["timings"]["legacy"]["n"] == 5 and users["timings"]["legacy"]["p95_ms"] == 3.0
    assert sum(users["histogram"]["sqlalchemy"]) == 5
    assert (history["mismatches"], history["demotions"], history["verdict"]) == (1, 2, "fail")
    assert len(summary["demotions"]) == 2 and summary["shim_errors"] == {"publish": 2}
    assert summary["not_implemented"] == ["graphs"]
    assert discover(tmp_path) == discover(tmp_path) and merged not in [r.path for r in discover(tmp_path)]
    html = (merged / "report.html").read_text(encoding="utf-8")
    assert "Runs merged" in html and first.name in html and "Kym" in html
    assert f"`{second.name}`" in (merged / "report.md").read_text(encoding="utf-8")


def test_merging_nothing_is_an_error_and_out_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no report runs"):
        merge_runs([], tmp_path)
    _run(tmp_path / "runs", 1_768_478_400, matches=1)
    out = merge_runs(discover(tmp_path / "runs"), tmp_path / "runs", out=tmp_path / "mine")
    assert out == tmp_path / "mine" and (out / "report.html").exists()
