"""Parity reports: summary.json, report.md, report.html (self-contained, one row per domain), events.jsonl."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from shim.observation import Outcome, ParityEvent
from shim.report import ReportRun, SummaryCollector, percentile, verdict
from shim.testing import FrozenClock


def _event(outcome: Outcome, seq: int, domain: str = "users", operation: str = "get_details",
           **fields: Any) -> ParityEvent:
    base: dict[str, Any] = {"mode": "shadow", "answering": "legacy", "compared": "sqlalchemy",
                            "answering_ns": 1_000_000 * seq, "compared_ns": 2_000_000 * seq}
    return ParityEvent(outcome=outcome, seq=seq, domain=domain, operation=operation, **{**base, **fields})


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str | None]] = []
        self.tags: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        data = dict(attrs)
        if tag == "tr" and data.get("class") in ("domain", "operation"):
            self.rows.append(data)
        self.links += [v or "" for k, v in attrs if k in ("src", "href")]


def _run(tmp_path: Path) -> Path:
    report = ReportRun(tmp_path, clock=FrozenClock(1_768_478_400), title="Parity report: test",
                       meta={"database": "postgresql://tautulli:hunter2@db/tautulli"})
    report.declare(["users", "history", "libraries"], not_implemented=["graphs"])
    for seq in range(1, 11):
        report.publish(_event(Outcome.MATCH, seq, tolerances={"unordered_rows": 1}))
    report.publish(_event(Outcome.MISMATCH, 11, arguments={"email": "***", "user": "kim"},
                          difference="[3].play_duration: 5400 != 5460"))
    report.publish(_event(Outcome.CANDIDATE_ERROR, 12, domain="history", operation="get_history",
                          compared_error="TautulliDBError: select: OperationalError: no such column"))
    report.publish(_event(Outcome.SKIPPED, 13, domain="history", operation="get_history", reason="sampled_out",
                          answering_ns=None, compared_ns=None))
    report.record_check("users", "get_details", "oracle", True, ref="users-1")
    report.record_check("users", "get_details", "oracle", False, ref="users-2", detail="ip 10.9.8.7 != 10.9.8.6")
    folder = report.finish({"publish": 1})
    assert folder is not None
    return folder


def test_summary_json_has_every_figure_per_domain_and_operation(tmp_path: Path) -> None:
    folder = _run(tmp_path)
    assert folder.name == "20260115T120000Z"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["title"] == "Parity report: test" and summary["created"] == "2026-01-15T12:00:00Z"
    assert summary["meta"]["database"] == "postgresql://tautulli:***@db/tautulli"
    assert [d["domain"] for d in summary["domains"]] == ["users", "history", "libraries"]
    assert summary["not_implemented"] == ["graphs"]
    users, history, libraries = summary["domains"]
    assert (users["calls"], users["compared"], users["matches"], users["mismatches"]) == (11, 11, 10, 1)
    assert users["timings"]["legacy"] == {"n": 11, "p50_ms": 6.0, "p95_ms": 11.0}
    assert users["timings"]["sqlalchemy"]["p50_ms"] == 12.0
    assert users["checks"]["oracle"] == {"passed": 1, "failed": 1}
    assert users["verdict"] == "fail" and libraries["verdict"] == "no-data"
    assert (history["calls"], history["candidate_errors"], history["skipped"], history["verdict"]) == (2, 1, 1, "fail")
    op = users["operations"][0]
    assert op["samples"][0]["difference"] == "[3].play_duration: 5400 != 5460"
    assert op["checks"]["oracle"]["samples"] == [{"ref": "users-2", "detail": "ip *** != ***"}]
    assert summary["tolerances"]["unordered_rows"]["applied"] == 10
    assert set(summary["tolerances"]) >= {"int_float", "float_close", "tie_order", "error_signature"}
    assert summary["totals"]["shim_errors"] == 1 and summary["shim_errors"] == {"publish": 1}


def test_events_jsonl_is_redacted_and_can_rebuild_the_summary(tmp_path: Path) -> None:
    folder = _run(tmp_path)
    lines = [json.loads(line) for line in (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["event"] for e in lines].count("parity.match") == 10
    assert not any(e.get("reason") == "sampled_out" for e in lines), "calls not sampled are only counted"
    assert "10.9.8.7" not in (folder / "events.jsonl").read_text(encoding="utf-8")
    rebuilt = SummaryCollector()
    for line in lines:
        if line["event"].startswith("check."):
            rebuilt.add_check(line["domain"], line["operation"], line["check"], line["event"] == "check.passed")
        else:
            rebuilt.add(line)
    users = rebuilt.summary()["domains"][0]
    assert (users["calls"], users["matches"], users["mismatches"]) == (11, 10, 1)


def test_report_html_is_self_contained_with_one_row_per_domain(tmp_path: Path) -> None:
    folder = _run(tmp_path)
    html = (folder / "report.html").read_text(encoding="utf-8")
    parsed = _Rows()
    parsed.feed(html)
    domains = [r["data-domain"] for r in parsed.rows if r.get("class") == "domain"]
    assert domains == ["users", "history", "libraries"]
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert parsed.links == []
    assert "hunter2" not in html and "10.9.8.7" not in html
    assert "graphs" in html and "5400 != 5460" in html


def test_report_md_has_tables_and_samples(tmp_path: Path) -> None:
    markdown = (_run(tmp_path) / "report.md").read_text(encoding="utf-8")
    assert "| users | 11 | 11 | 10 | 1 |" in markdown
    assert "**Verdict: fail**" in markdown and "Not implemented yet (no twins): `graphs`." in markdown
    assert "difference: [3].play_duration: 5400 != 5460" in markdown


def test_a_run_without_events_leaves_nothing_behind(tmp_path: Path) -> None:
    assert ReportRun(tmp_path / "reports").finish() is None
    assert not (tmp_path / "reports").exists()
    first = ReportRun(tmp_path, clock=FrozenClock(0), always=True)
    second = ReportRun(tmp_path, clock=FrozenClock(0), always=True)
    assert first.run_id == "19700101T000000Z" and second.run_id == "19700101T000000Z-2"


def test_percentiles_and_verdicts() -> None:
    assert percentile([], 0.5) is None
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3 and percentile(range(1, 101), 0.95) == 95
    assert verdict({"compared": 3, "matches": 3}) == "pass"
    assert verdict({"compared": 3, "timeouts": 1}) == "warn"
    assert verdict({"compared": 0}) == "no-data"
    assert verdict({"compared": 3}, {"oracle": {"passed": 2, "failed": 1}}) == "fail"
